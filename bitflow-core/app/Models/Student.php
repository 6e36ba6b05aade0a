<?php

namespace App\Models;

use Illuminate\Database\Eloquent\Factories\HasFactory;
use Illuminate\Database\Eloquent\Model;
use Illuminate\Database\Eloquent\Relations\BelongsTo;

/**
 * A student enrolled at a college. `enrollment_number` replaced the legacy `roll_no`
 * through the expand/contract migrations in database/migrations (2024_06_* and 2024_07_*).
 *
 * @property int $id
 * @property int $institution_id
 * @property string $first_name
 * @property string $last_name
 * @property string $email
 * @property string $enrollment_number
 */
class Student extends Model
{
    use HasFactory;

    /** @var array<int, string> */
    protected $fillable = ['institution_id', 'first_name', 'last_name', 'email', 'enrollment_number', 'enrolled_on'];

    /** @var array<string, string> */
    protected $casts = ['enrolled_on' => 'date:Y-m-d'];

    /** The college the student is enrolled at. */
    public function institution(): BelongsTo
    {
        return $this->belongsTo(Institution::class);
    }
}
