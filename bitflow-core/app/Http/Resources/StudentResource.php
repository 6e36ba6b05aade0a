<?php

namespace App\Http\Resources;

use Illuminate\Http\Resources\Json\JsonResource;

/** JSON shape of a student. */
class StudentResource extends JsonResource
{
    /** @return array<string, mixed> */
    public function toArray($request): array
    {
        return [
            'id' => $this->id,
            'institution_id' => $this->institution_id,
            'first_name' => $this->first_name,
            'last_name' => $this->last_name,
            'email' => $this->email,
            'enrollment_number' => $this->enrollment_number,
            'enrolled_on' => $this->enrolled_on?->format('Y-m-d'),
            'created_at' => $this->created_at?->toIso8601String(),
            'updated_at' => $this->updated_at?->toIso8601String(),
        ];
    }
}
