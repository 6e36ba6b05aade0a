<?php

use App\Http\Controllers\Api\InstitutionController;
use App\Http\Controllers\Api\StudentController;
use Illuminate\Support\Facades\Route;

Route::get('institutions', [InstitutionController::class, 'index']);
Route::post('institutions', [InstitutionController::class, 'store']);
Route::get('institutions/{institution}', [InstitutionController::class, 'show']);

Route::get('students', [StudentController::class, 'index']);
Route::post('students', [StudentController::class, 'store']);
Route::get('students/{student}', [StudentController::class, 'show']);
Route::patch('students/{student}', [StudentController::class, 'update']);
Route::delete('students/{student}', [StudentController::class, 'destroy']);
