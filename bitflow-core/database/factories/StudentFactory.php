<?php

namespace Database\Factories;

use App\Models\Institution;
use App\Models\Student;
use Illuminate\Database\Eloquent\Factories\Factory;

/**
 * Test data for students, enrolled at a new college unless institution_id is given.
 *
 * @extends Factory<Student>
 */
class StudentFactory extends Factory
{
    /** @var class-string<Student> */
    protected $model = Student::class;

    /** @return array<string, mixed> */
    public function definition(): array
    {
        return [
            'institution_id' => Institution::factory()->college(),
            'first_name' => $this->faker->firstName(),
            'last_name' => $this->faker->lastName(),
            'email' => $this->faker->unique()->safeEmail(),
            'enrollment_number' => 'EN-'.$this->faker->unique()->numerify('########'),
            'enrolled_on' => $this->faker->date('Y-m-d'),
        ];
    }
}
