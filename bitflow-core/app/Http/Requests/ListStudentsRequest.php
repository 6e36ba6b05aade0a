<?php

namespace App\Http\Requests;

/** GET /api/students filters: ?institution_id=N. */
class ListStudentsRequest extends ListRequest
{
    /** @return array<string, mixed> */
    public function rules(): array
    {
        return parent::rules() + [
            'institution_id' => ['sometimes', 'integer'],
        ];
    }
}
