<?php

namespace Tests\Feature;

use App\Models\Institution;
use App\Models\Student;
use Database\Seeders\DatabaseSeeder;
use Illuminate\Foundation\Testing\RefreshDatabase;
use Tests\TestCase;

class SeederTest extends TestCase
{
    use RefreshDatabase;

    public function test_seeds_the_hierarchy_and_is_idempotent(): void
    {
        $this->seed(DatabaseSeeder::class);
        $this->seed(DatabaseSeeder::class);

        $university = Institution::query()->where('code', 'BF-UNI')->firstOrFail();
        $this->assertSame(Institution::TYPE_UNIVERSITY, $university->type);
        $this->assertSame(count(DatabaseSeeder::COLLEGES), $university->colleges()->count());
        $this->assertSame(1 + count(DatabaseSeeder::COLLEGES), Institution::query()->count());
        $this->assertSame(count(DatabaseSeeder::COLLEGES) * DatabaseSeeder::STUDENTS_PER_COLLEGE, Student::query()->count());
        $this->assertSame(0, Student::query()->whereIn('institution_id', [$university->id])->count(), 'no student at the university itself');
    }
}
