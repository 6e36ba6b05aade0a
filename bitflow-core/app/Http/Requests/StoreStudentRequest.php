<?php

namespace App\Http\Requests;

use Illuminate\Foundation\Http\FormRequest;

/** POST /api/students: every field but enrolled_on is required. */
class StoreStudentRequest extends FormRequest
{
    public function authorize(): bool
    {
        return true;
    }

    /** @return array<string, mixed> */
    public function rules(): array
    {
        $institutionId = is_numeric($this->input('institution_id')) ? (int) $this->input('institution_id') : null;
        $rules = StudentRules::for($institutionId);
        foreach (['institution_id', 'first_name', 'last_name', 'email', 'enrollment_number'] as $field) {
            array_unshift($rules[$field], 'required');
        }

        return $rules;
    }

    /** @return array<string, string> */
    public function messages(): array
    {
        return ['enrollment_number.regex' => 'The enrollment number may contain only upper-case letters, digits and dashes.'];
    }
}
