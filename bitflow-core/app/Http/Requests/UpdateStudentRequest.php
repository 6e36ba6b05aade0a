<?php

namespace App\Http\Requests;

use App\Models\Student;
use Illuminate\Foundation\Http\FormRequest;

/** PATCH /api/students/{student}: any subset of fields, each validated when present. */
class UpdateStudentRequest extends FormRequest
{
    public function authorize(): bool
    {
        return true;
    }

    /** @return array<string, mixed> */
    public function rules(): array
    {
        /** @var Student $student */
        $student = $this->route('student');
        $institutionId = is_numeric($this->input('institution_id'))
            ? (int) $this->input('institution_id')
            : $student->institution_id;

        $rules = StudentRules::for($institutionId, $student->id);
        foreach ($rules as $field => $fieldRules) {
            array_unshift($rules[$field], 'sometimes', $field === 'enrolled_on' ? 'nullable' : 'filled');
        }

        return $rules;
    }
}
