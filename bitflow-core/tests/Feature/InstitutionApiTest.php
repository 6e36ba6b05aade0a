<?php

namespace Tests\Feature;

use App\Models\Institution;
use Illuminate\Foundation\Testing\RefreshDatabase;
use Tests\TestCase;

class InstitutionApiTest extends TestCase
{
    use RefreshDatabase;

    public function test_creates_a_university_and_a_college_under_it(): void
    {
        $university = $this->postJson('/api/institutions', [
            'name' => 'Bitflow University', 'code' => 'BF-UNI', 'type' => 'university',
        ])->assertStatus(201)
            ->assertJsonPath('data.type', 'university')
            ->assertJsonPath('data.parent_id', null)
            ->json('data');

        $this->postJson('/api/institutions', [
            'name' => 'College of Science', 'code' => 'BF-SCI', 'type' => 'college', 'parent_id' => $university['id'],
        ])->assertStatus(201)->assertJsonPath('data.parent_id', $university['id']);

        $this->getJson('/api/institutions/'.$university['id'])
            ->assertOk()
            ->assertJsonCount(1, 'data.colleges')
            ->assertJsonPath('data.colleges.0.code', 'BF-SCI');
        $this->assertDatabaseHas('institutions', ['code' => 'BF-SCI', 'parent_id' => $university['id']]);
    }

    public function test_rejects_missing_and_malformed_fields_with_422_field_errors(): void
    {
        $this->postJson('/api/institutions', ['code' => 'lower case!', 'type' => 'school'])
            ->assertStatus(422)
            ->assertJsonValidationErrors(['name', 'code', 'type'])
            ->assertJsonStructure(['message', 'errors' => ['name', 'code', 'type']]);
        $this->assertDatabaseCount('institutions', 0);
    }

    public function test_a_college_needs_a_university_parent(): void
    {
        $this->postJson('/api/institutions', ['name' => 'Orphan', 'code' => 'ORPHAN', 'type' => 'college'])
            ->assertStatus(422)->assertJsonValidationErrors(['parent_id']);

        $college = Institution::factory()->college()->create();
        $response = $this->postJson('/api/institutions', [
            'name' => 'Nested', 'code' => 'NESTED', 'type' => 'college', 'parent_id' => $college->id,
        ])->assertStatus(422)->assertJsonValidationErrors(['parent_id']);
        $this->assertStringContainsString('must be a university', $response->json('errors.parent_id.0'));

        $this->postJson('/api/institutions', [
            'name' => 'Ghost', 'code' => 'GHOST', 'type' => 'college', 'parent_id' => 999999,
        ])->assertStatus(422)->assertJsonValidationErrors(['parent_id']);
    }

    public function test_a_university_cannot_have_a_parent_and_codes_are_unique(): void
    {
        $existing = Institution::factory()->create(['code' => 'TAKEN']);

        $this->postJson('/api/institutions', [
            'name' => 'Sub', 'code' => 'SUB', 'type' => 'university', 'parent_id' => $existing->id,
        ])->assertStatus(422)->assertJsonValidationErrors(['parent_id']);

        $this->postJson('/api/institutions', ['name' => 'Dup', 'code' => 'TAKEN', 'type' => 'university'])
            ->assertStatus(422)->assertJsonValidationErrors(['code']);
    }

    public function test_lists_paginated_and_filtered(): void
    {
        $university = Institution::factory()->create();
        Institution::factory()->count(7)->college($university)->create();
        Institution::factory()->create();

        $this->getJson('/api/institutions?type=college&per_page=3&page=3')
            ->assertOk()
            ->assertJsonCount(1, 'data')
            ->assertJsonPath('meta.total', 7)
            ->assertJsonPath('meta.last_page', 3)
            ->assertJsonPath('meta.per_page', 3);

        $this->getJson('/api/institutions?parent_id='.$university->id)
            ->assertOk()->assertJsonPath('meta.total', 7);

        $this->getJson('/api/institutions')->assertOk()->assertJsonPath('meta.total', 9);
    }

    public function test_rejects_bad_pagination_and_missing_records(): void
    {
        $this->getJson('/api/institutions?per_page=101')->assertStatus(422)->assertJsonValidationErrors(['per_page']);
        $this->getJson('/api/institutions?per_page=0')->assertStatus(422)->assertJsonValidationErrors(['per_page']);
        $this->getJson('/api/institutions?type=school')->assertStatus(422)->assertJsonValidationErrors(['type']);
        $this->get('/api/institutions/424242')->assertStatus(404)->assertJsonStructure(['message']);
    }
}
