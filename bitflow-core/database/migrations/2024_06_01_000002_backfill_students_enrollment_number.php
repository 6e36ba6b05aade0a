<?php

use Illuminate\Database\Migrations\Migration;
use Illuminate\Support\Facades\DB;

/*
| Expand/contract step 2 of 4 — BACKFILL. Copy roll_no into enrollment_number for rows
| written before dual-writing began, 1000 rows per UPDATE, outside one big transaction
| so each chunk commits and holds its row locks briefly. Re-runnable: only NULLs are
| touched, so rows the dual-writing release already filled are left alone.
*/
return new class extends Migration
{
    /** Each chunk commits on its own; a failure leaves finished chunks done and the rest NULL. */
    public $withinTransaction = false;

    public const CHUNK = 1000;

    public function up(): void
    {
        DB::table('students')
            ->whereNull('enrollment_number')
            ->select('id')
            ->chunkById(self::CHUNK, function ($rows): void {
                DB::table('students')
                    ->whereIn('id', $rows->pluck('id')->all())
                    ->whereNull('enrollment_number')
                    ->update(['enrollment_number' => DB::raw('roll_no')]);
            });
    }

    public function down(): void
    {
        // Nothing to undo: the values stay valid copies, and rolling back step 1 drops the column.
    }
};
