<?php

namespace Database\Seeders;

use App\Models\Institution;
use App\Models\Student;
use Illuminate\Database\Seeder;

/**
 * Demo data: one university, three colleges, five students per college.
 * Deterministic and idempotent (keyed on code / email), and free of Faker, so
 * `php artisan db:seed --force` also works in the --no-dev production image.
 */
class DatabaseSeeder extends Seeder
{
    public const COLLEGES = [
        'BF-ENG' => 'Bitflow College of Engineering',
        'BF-SCI' => 'Bitflow College of Science',
        'BF-ART' => 'Bitflow College of Arts',
    ];

    public const STUDENTS_PER_COLLEGE = 5;

    public function run(): void
    {
        $university = Institution::query()->updateOrCreate(
            ['code' => 'BF-UNI'],
            ['type' => Institution::TYPE_UNIVERSITY, 'name' => 'Bitflow University', 'parent_id' => null],
        );

        foreach (self::COLLEGES as $code => $name) {
            $college = Institution::query()->updateOrCreate(
                ['code' => $code],
                ['type' => Institution::TYPE_COLLEGE, 'name' => $name, 'parent_id' => $university->id],
            );

            for ($n = 1; $n <= self::STUDENTS_PER_COLLEGE; $n++) {
                $number = sprintf('%s-%04d', $code, $n);
                Student::query()->updateOrCreate(
                    ['email' => strtolower($number).'@students.bitflow.edu'],
                    [
                        'institution_id' => $college->id,
                        'first_name' => 'Student',
                        'last_name' => $number,
                        'enrollment_number' => $number,
                        'enrolled_on' => '2024-09-01',
                    ],
                );
            }
        }
    }
}
