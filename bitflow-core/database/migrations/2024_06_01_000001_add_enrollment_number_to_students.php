<?php

use Illuminate\Database\Migrations\Migration;
use Illuminate\Database\Schema\Blueprint;
use Illuminate\Support\Facades\Schema;

/*
| Expand/contract step 1 of 4 — EXPAND. Add `enrollment_number` as a NULLABLE column.
| Safe while the previous release serves: it neither reads nor writes the column, and
| its INSERTs without it still succeed. The release shipped with this migration
| dual-writes roll_no and enrollment_number.
*/
return new class extends Migration
{
    public function up(): void
    {
        Schema::table('students', function (Blueprint $table) {
            $table->string('enrollment_number', 32)->nullable();
        });
    }

    public function down(): void
    {
        Schema::table('students', function (Blueprint $table) {
            $table->dropColumn('enrollment_number');
        });
    }
};
