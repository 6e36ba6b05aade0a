<?php

namespace App\Models;

use Illuminate\Database\Eloquent\Factories\HasFactory;
use Illuminate\Database\Eloquent\Model;
use Illuminate\Database\Eloquent\Relations\BelongsTo;
use Illuminate\Database\Eloquent\Relations\HasMany;

/**
 * A node of the hierarchy the portals serve: a university (no parent) owns
 * colleges (parent_id = the university). Students enrol at colleges.
 *
 * @property int $id
 * @property int|null $parent_id
 * @property string $type
 * @property string $name
 * @property string $code
 */
class Institution extends Model
{
    use HasFactory;

    public const TYPE_UNIVERSITY = 'university';

    public const TYPE_COLLEGE = 'college';

    public const TYPES = [self::TYPE_UNIVERSITY, self::TYPE_COLLEGE];

    /** @var array<int, string> */
    protected $fillable = ['parent_id', 'type', 'name', 'code'];

    /** The university a college belongs to. */
    public function parent(): BelongsTo
    {
        return $this->belongsTo(self::class, 'parent_id');
    }

    /** The colleges of a university. */
    public function colleges(): HasMany
    {
        return $this->hasMany(self::class, 'parent_id');
    }

    /** Students enrolled at this college. */
    public function students(): HasMany
    {
        return $this->hasMany(Student::class);
    }
}
