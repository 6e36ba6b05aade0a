<?php

namespace App\Http\Requests;

use App\Models\Institution;
use Closure;
use Illuminate\Validation\Rule;

/** Field rules shared by creating and updating a student. */
final class StudentRules
{
    /**
     * @param  int|null  $institutionId  the college the enrollment number must be unique in
     * @param  int|null  $ignoreId  the student being updated (excluded from unique checks)
     * @return array<string, array<int, mixed>>
     */
    public static function for(?int $institutionId, ?int $ignoreId = null): array
    {
        return [
            'institution_id' => ['bail', 'integer', self::mustBeCollege()],
            'first_name' => ['string', 'max:100'],
            'last_name' => ['string', 'max:100'],
            'email' => ['email', 'max:255', Rule::unique('students', 'email')->ignore($ignoreId)],
            'enrollment_number' => [
                'string', 'max:32', 'regex:/^[A-Z0-9-]+$/',
                Rule::unique('students', 'enrollment_number')
                    ->where('institution_id', $institutionId)
                    ->ignore($ignoreId),
            ],
            'enrolled_on' => ['nullable', 'date_format:Y-m-d'],
        ];
    }

    /** Students enrol at colleges, never directly at a university. */
    private static function mustBeCollege(): Closure
    {
        return static function (string $attribute, $value, Closure $fail): void {
            $institution = Institution::query()->find($value);
            if ($institution === null) {
                $fail("The {$attribute} {$value} does not name an existing institution.");
            } elseif ($institution->type !== Institution::TYPE_COLLEGE) {
                $fail("Students enrol at a college; institution {$value} is a {$institution->type}.");
            }
        };
    }
}
