<?php

namespace Database\Factories;

use App\Models\Institution;
use Illuminate\Database\Eloquent\Factories\Factory;

/**
 * Test data for institutions: a university by default, ->college() for a college
 * under a fresh (or given) university.
 *
 * @extends Factory<Institution>
 */
class InstitutionFactory extends Factory
{
    /** @var class-string<Institution> */
    protected $model = Institution::class;

    /** @return array<string, mixed> */
    public function definition(): array
    {
        return [
            'type' => Institution::TYPE_UNIVERSITY,
            'parent_id' => null,
            'name' => $this->faker->unique()->company().' University',
            'code' => 'U-'.$this->faker->unique()->numerify('######'),
        ];
    }

    /** A college belonging to $university (a new university when null). */
    public function college(?Institution $university = null): self
    {
        return $this->state(fn () => [
            'type' => Institution::TYPE_COLLEGE,
            'parent_id' => $university?->id ?? Institution::factory(),
            'name' => $this->faker->unique()->lastName().' College',
            'code' => 'C-'.$this->faker->unique()->numerify('######'),
        ]);
    }
}
