<?php

use Illuminate\Database\Migrations\Migration;
use Illuminate\Database\Schema\Blueprint;
use Illuminate\Support\Facades\DB;
use Illuminate\Support\Facades\Schema;

/*
| Expand/contract step 4 of 4 — CONTRACT. Drop the legacy roll_no, one release after
| the last one that read or wrote it (the seed's "after 1 month"), so no serving
| release still touches the column.
| down() restores it (nullable, then filled from enrollment_number) for a rollback.
*/
return new class extends Migration
{
    public function up(): void
    {
        Schema::table('students', function (Blueprint $table) {
            $table->dropUnique(['institution_id', 'roll_no']);
        });
        Schema::table('students', function (Blueprint $table) {
            $table->dropColumn('roll_no');
        });
    }

    public function down(): void
    {
        Schema::table('students', function (Blueprint $table) {
            $table->string('roll_no', 32)->nullable();
        });
        DB::table('students')->whereNull('roll_no')->update(['roll_no' => DB::raw('enrollment_number')]);
        Schema::table('students', function (Blueprint $table) {
            $table->unique(['institution_id', 'roll_no']);
        });
    }
};
