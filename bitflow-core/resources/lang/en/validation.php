<?php

// Messages for the rules this API uses. Laravel 11 ships a full set in the framework;
// Debian's Laravel 8 reads them from here, so both render the same text.
return [
    'date_format' => 'The :attribute must match the format :format.',
    'email' => 'The :attribute must be a valid email address.',
    'filled' => 'The :attribute field must have a value.',
    'in' => 'The selected :attribute is invalid.',
    'integer' => 'The :attribute must be an integer.',
    'max' => [
        'numeric' => 'The :attribute must not be greater than :max.',
        'string' => 'The :attribute must not be greater than :max characters.',
    ],
    'min' => [
        'numeric' => 'The :attribute must be at least :min.',
        'string' => 'The :attribute must be at least :min characters.',
    ],
    'prohibited' => 'The :attribute field is prohibited.',
    'regex' => 'The :attribute format is invalid.',
    'required' => 'The :attribute field is required.',
    'string' => 'The :attribute must be a string.',
    'unique' => 'The :attribute has already been taken.',

    'attributes' => [
        'parent_id' => 'parent institution',
        'institution_id' => 'institution',
        'enrolled_on' => 'enrollment date',
        'per_page' => 'page size',
    ],
];
