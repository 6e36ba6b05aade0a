<?php

namespace App\Http\Requests;

use App\Models\Institution;
use Illuminate\Validation\Rule;

/** GET /api/institutions filters: ?type=university|college&parent_id=N. */
class ListInstitutionsRequest extends ListRequest
{
    /** @return array<string, mixed> */
    public function rules(): array
    {
        return parent::rules() + [
            'type' => ['sometimes', Rule::in(Institution::TYPES)],
            'parent_id' => ['sometimes', 'integer'],
        ];
    }
}
