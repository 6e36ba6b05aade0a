<?php

namespace App\Http\Requests;

use App\Models\Institution;
use Closure;
use Illuminate\Foundation\Http\FormRequest;
use Illuminate\Validation\Rule;

/**
 * POST /api/institutions. A university has no parent; a college must name an
 * existing university as parent_id.
 */
class StoreInstitutionRequest extends FormRequest
{
    public function authorize(): bool
    {
        return true;
    }

    /** @return array<string, mixed> */
    public function rules(): array
    {
        return [
            'name' => ['required', 'string', 'max:255'],
            'code' => ['required', 'string', 'max:32', 'regex:/^[A-Z0-9-]+$/', Rule::unique('institutions', 'code')],
            'type' => ['required', Rule::in(Institution::TYPES)],
            'parent_id' => [
                'required_if:type,'.Institution::TYPE_COLLEGE,
                'prohibited_if:type,'.Institution::TYPE_UNIVERSITY,
                'nullable',
                'integer',
                $this->parentMustBeUniversity(),
            ],
        ];
    }

    /** @return array<string, string> */
    public function messages(): array
    {
        return [
            'code.regex' => 'The code may contain only upper-case letters, digits and dashes.',
            'parent_id.required_if' => 'A college must name its university in parent_id.',
            'parent_id.prohibited_if' => 'A university cannot have a parent institution.',
        ];
    }

    private function parentMustBeUniversity(): Closure
    {
        return static function (string $attribute, $value, Closure $fail): void {
            $parent = Institution::query()->find($value);
            if ($parent === null) {
                $fail("The {$attribute} {$value} does not name an existing institution.");
            } elseif ($parent->type !== Institution::TYPE_UNIVERSITY) {
                $fail("The {$attribute} must be a university; institution {$value} is a {$parent->type}.");
            }
        };
    }
}
