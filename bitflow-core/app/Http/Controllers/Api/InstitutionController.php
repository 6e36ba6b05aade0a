<?php

namespace App\Http\Controllers\Api;

use App\Http\Controllers\Controller;
use App\Http\Requests\ListInstitutionsRequest;
use App\Http\Requests\StoreInstitutionRequest;
use App\Http\Resources\InstitutionResource;
use App\Models\Institution;
use Illuminate\Http\JsonResponse;
use Illuminate\Http\Resources\Json\AnonymousResourceCollection;

/** /api/institutions: list (paginated, filterable), create, show with colleges. */
class InstitutionController extends Controller
{
    public function index(ListInstitutionsRequest $request): AnonymousResourceCollection
    {
        $query = Institution::query()->orderBy('id');
        if ($request->has('type')) {
            $query->where('type', $request->input('type'));
        }
        if ($request->has('parent_id')) {
            $query->where('parent_id', (int) $request->input('parent_id'));
        }

        return InstitutionResource::collection($query->paginate($request->perPage())->withQueryString());
    }

    public function store(StoreInstitutionRequest $request): JsonResponse
    {
        $institution = Institution::query()->create($request->validated());

        return (new InstitutionResource($institution))->response()->setStatusCode(201);
    }

    public function show(Institution $institution): InstitutionResource
    {
        return new InstitutionResource($institution->load('colleges'));
    }
}
