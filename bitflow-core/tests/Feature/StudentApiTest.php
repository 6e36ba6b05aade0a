<?php

namespace Tests\Feature;

use App\Models\Institution;
use App\Models\Student;
use Illuminate\Foundation\Testing\RefreshDatabase;
use Tests\TestCase;

class StudentApiTest extends TestCase
{
    use RefreshDatabase;

    /** @return array<string, mixed> */
    private function payload(Institution $college, array $overrides = []): array
    {
        return array_merge([
            'institution_id' => $college->id,
            'first_name' => 'Ada',
            'last_name' => 'Lovelace',
            'email' => 'ada@students.bitflow.edu',
            'enrollment_number' => 'EN-0001',
            'enrolled_on' => '2024-09-01',
        ], $overrides);
    }

    public function test_creates_and_shows_a_student(): void
    {
        $college = Institution::factory()->college()->create();

        $id = $this->postJson('/api/students', $this->payload($college))
            ->assertStatus(201)
            ->assertJsonPath('data.enrollment_number', 'EN-0001')
            ->assertJsonPath('data.enrolled_on', '2024-09-01')
            ->json('data.id');

        $this->getJson("/api/students/{$id}")->assertOk()->assertJsonPath('data.email', 'ada@students.bitflow.edu');
        $this->assertDatabaseHas('students', ['id' => $id, 'institution_id' => $college->id, 'enrollment_number' => 'EN-0001']);
    }

    public function test_rejects_invalid_students_with_422_field_errors(): void
    {
        $this->postJson('/api/students', ['email' => 'not-an-email', 'enrolled_on' => '01/09/2024'])
            ->assertStatus(422)
            ->assertJsonValidationErrors(['institution_id', 'first_name', 'last_name', 'email', 'enrollment_number', 'enrolled_on']);
        $this->assertDatabaseCount('students', 0);
    }

    public function test_students_enrol_at_colleges_not_universities(): void
    {
        $university = Institution::factory()->create();

        $response = $this->postJson('/api/students', $this->payload($university))
            ->assertStatus(422)->assertJsonValidationErrors(['institution_id']);
        $this->assertStringContainsString('is a university', $response->json('errors.institution_id.0'));
    }

    public function test_enrollment_numbers_are_unique_per_college_and_emails_globally(): void
    {
        $college = Institution::factory()->college()->create();
        $other = Institution::factory()->college()->create();
        Student::factory()->create(['institution_id' => $college->id, 'enrollment_number' => 'EN-0001', 'email' => 'first@x.edu']);

        $this->postJson('/api/students', $this->payload($college, ['email' => 'second@x.edu']))
            ->assertStatus(422)->assertJsonValidationErrors(['enrollment_number']);
        $this->postJson('/api/students', $this->payload($other, ['email' => 'first@x.edu']))
            ->assertStatus(422)->assertJsonValidationErrors(['email']);
        $this->postJson('/api/students', $this->payload($other, ['email' => 'second@x.edu']))
            ->assertStatus(201);
    }

    public function test_paginates_and_filters_by_college(): void
    {
        $college = Institution::factory()->college()->create();
        Student::factory()->count(25)->create(['institution_id' => $college->id]);
        Student::factory()->count(2)->create();

        $page = $this->getJson("/api/students?institution_id={$college->id}&per_page=10&page=3")
            ->assertOk()
            ->assertJsonCount(5, 'data')
            ->assertJsonPath('meta.total', 25)
            ->assertJsonPath('meta.current_page', 3)
            ->assertJsonPath('meta.last_page', 3);
        $this->assertStringContainsString("institution_id={$college->id}", $page->json('links.first'));

        $this->getJson('/api/students')->assertOk()->assertJsonCount(15, 'data')->assertJsonPath('meta.total', 27);
    }

    public function test_updates_and_deletes_a_student(): void
    {
        $student = Student::factory()->create(['enrollment_number' => 'EN-0001']);
        $taken = Student::factory()->create(['institution_id' => $student->institution_id]);

        $this->patchJson("/api/students/{$student->id}", ['last_name' => 'Byron', 'enrollment_number' => 'EN-0001'])
            ->assertOk()->assertJsonPath('data.last_name', 'Byron');
        $this->patchJson("/api/students/{$student->id}", ['enrollment_number' => $taken->enrollment_number])
            ->assertStatus(422)->assertJsonValidationErrors(['enrollment_number']);
        $this->patchJson("/api/students/{$student->id}", ['first_name' => ''])
            ->assertStatus(422)->assertJsonValidationErrors(['first_name']);

        $this->deleteJson("/api/students/{$student->id}")->assertNoContent();
        $this->assertDatabaseMissing('students', ['id' => $student->id]);
        $this->getJson("/api/students/{$student->id}")->assertNotFound();
    }
}
