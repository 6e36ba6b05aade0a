<?php

use Illuminate\Database\Migrations\Migration;
use Illuminate\Database\Schema\Blueprint;
use Illuminate\Support\Facades\Schema;

// Students as first released, with the legacy `roll_no` identifier that the
// 2024_06/2024_07 expand/contract migrations replace by `enrollment_number`.
return new class extends Migration
{
    public function up(): void
    {
        Schema::create('students', function (Blueprint $table) {
            $table->id();
            $table->foreignId('institution_id')->constrained('institutions')->restrictOnDelete();
            $table->string('first_name', 100);
            $table->string('last_name', 100);
            $table->string('email')->unique();
            $table->string('roll_no', 32);
            $table->date('enrolled_on')->nullable();
            $table->timestamps();

            $table->unique(['institution_id', 'roll_no']);
        });
    }

    public function down(): void
    {
        Schema::dropIfExists('students');
    }
};
