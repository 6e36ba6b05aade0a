<?php

use Illuminate\Database\Migrations\Migration;
use Illuminate\Database\Schema\Blueprint;
use Illuminate\Support\Facades\Schema;

/*
| Expand/contract step 3 of 4 — make enrollment_number NOT NULL and unique per college.
| Ships with (or after) the release that reads enrollment_number; the release still
| serving dual-writes both columns, so its inserts satisfy the new constraint.
| On PostgreSQL, SET NOT NULL scans the table under a short exclusive lock: for a very
| large table add a NOT VALID check constraint and VALIDATE it first.
*/
return new class extends Migration
{
    public function up(): void
    {
        Schema::table('students', function (Blueprint $table) {
            $table->string('enrollment_number', 32)->nullable(false)->change();
        });
        Schema::table('students', function (Blueprint $table) {
            $table->unique(['institution_id', 'enrollment_number']);
        });
    }

    public function down(): void
    {
        Schema::table('students', function (Blueprint $table) {
            $table->dropUnique(['institution_id', 'enrollment_number']);
        });
        Schema::table('students', function (Blueprint $table) {
            $table->string('enrollment_number', 32)->nullable()->change();
        });
    }
};
