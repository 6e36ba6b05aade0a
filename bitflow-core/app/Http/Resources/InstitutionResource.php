<?php

namespace App\Http\Resources;

use Illuminate\Http\Resources\Json\JsonResource;

/** JSON shape of an institution; `colleges` only when loaded. */
class InstitutionResource extends JsonResource
{
    /** @return array<string, mixed> */
    public function toArray($request): array
    {
        return [
            'id' => $this->id,
            'type' => $this->type,
            'name' => $this->name,
            'code' => $this->code,
            'parent_id' => $this->parent_id,
            'colleges' => self::collection($this->whenLoaded('colleges')),
            'created_at' => $this->created_at?->toIso8601String(),
            'updated_at' => $this->updated_at?->toIso8601String(),
        ];
    }
}
