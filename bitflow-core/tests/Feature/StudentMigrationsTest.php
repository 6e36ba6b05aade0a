<?php

namespace Tests\Feature;

use Illuminate\Database\QueryException;
use Illuminate\Foundation\Testing\RefreshDatabaseState;
use Illuminate\Support\Facades\Artisan;
use Illuminate\Support\Facades\DB;
use Illuminate\Support\Facades\Schema;
use Tests\TestCase;

/**
 * The expand/contract sequence on `students`, one migration at a time, up and down,
 * with data in the table the whole way, on whichever database this run uses.
 */
class StudentMigrationsTest extends TestCase
{
    private const EXPAND = '2024_06_01_000001_add_enrollment_number_to_students';

    private const BACKFILL = '2024_06_01_000002_backfill_students_enrollment_number';

    private const REQUIRE = '2024_06_01_000003_make_students_enrollment_number_required';

    private const CONTRACT = '2024_07_01_000001_drop_roll_no_from_students';

    private int $collegeId;

    protected function setUp(): void
    {
        parent::setUp();
        $this->artisanOk('migrate:fresh');
        // Back to the schema the first release shipped: roll_no only.
        $this->artisanOk('migrate:rollback', ['--step' => 4]);
        $this->assertTrue(Schema::hasColumn('students', 'roll_no'));
        $this->assertFalse(Schema::hasColumn('students', 'enrollment_number'));

        $universityId = DB::table('institutions')->insertGetId(['type' => 'university', 'name' => 'U', 'code' => 'U']);
        $this->collegeId = DB::table('institutions')->insertGetId(['type' => 'college', 'name' => 'C', 'code' => 'C', 'parent_id' => $universityId]);
    }

    protected function tearDown(): void
    {
        // This test reshapes the schema; make the next RefreshDatabase test rebuild it.
        RefreshDatabaseState::$migrated = false;
        parent::tearDown();
    }

    /** @param  array<string, mixed>  $options */
    private function artisanOk(string $command, array $options = []): void
    {
        $exit = Artisan::call($command, $options + ['--force' => true]);
        $this->assertSame(0, $exit, "artisan {$command} failed:\n".Artisan::output());
    }

    private function migrateOne(string $migration): void
    {
        $this->artisanOk('migrate', ['--path' => "database/migrations/{$migration}.php"]);
    }

    /** @param  array<string, mixed>  $columns */
    private function insertStudent(string $email, array $columns): int
    {
        return DB::table('students')->insertGetId($columns + [
            'institution_id' => $this->collegeId, 'first_name' => 'F', 'last_name' => 'L', 'email' => $email,
        ]);
    }

    private function assertInsertFails(string $why, array $columns): void
    {
        try {
            DB::transaction(fn () => $this->insertStudent(uniqid('x', true).'@x.edu', $columns));
        } catch (QueryException $e) {
            $this->addToAssertionCount(1);

            return;
        }
        $this->fail("insert should have failed: {$why}");
    }

    public function test_expand_backfill_require_contract_and_back(): void
    {
        $legacy = [];
        for ($i = 1; $i <= 5; $i++) {
            $legacy[] = $this->insertStudent("legacy{$i}@x.edu", ['roll_no' => "R-{$i}"]);
        }

        // 1. EXPAND: nullable column; the old release's insert (roll_no only) still works.
        $this->migrateOne(self::EXPAND);
        $this->assertTrue(Schema::hasColumn('students', 'enrollment_number'));
        $oldRelease = $this->insertStudent('old-release@x.edu', ['roll_no' => 'R-OLD']);
        $dualWrite = $this->insertStudent('dual@x.edu', ['roll_no' => 'R-DUAL', 'enrollment_number' => 'EN-DUAL']);
        $this->assertSame(6, DB::table('students')->whereNull('enrollment_number')->count());

        // 2. BACKFILL: copies roll_no into every NULL, leaves dual-written values alone.
        $this->migrateOne(self::BACKFILL);
        $this->assertSame(0, DB::table('students')->whereNull('enrollment_number')->count());
        $this->assertSame('R-3', DB::table('students')->where('id', $legacy[2])->value('enrollment_number'));
        $this->assertSame('R-OLD', DB::table('students')->where('id', $oldRelease)->value('enrollment_number'));
        $this->assertSame('EN-DUAL', DB::table('students')->where('id', $dualWrite)->value('enrollment_number'));

        // 3. REQUIRE: NOT NULL and unique per college; existing rows intact.
        $this->migrateOne(self::REQUIRE);
        $this->assertInsertFails('enrollment_number is NOT NULL', ['roll_no' => 'R-NULL']);
        $this->assertInsertFails('enrollment_number unique per college', ['roll_no' => 'R-X', 'enrollment_number' => 'EN-DUAL']);
        $this->assertSame(7, DB::table('students')->count());

        // 4. CONTRACT: roll_no gone, inserts with enrollment_number alone succeed.
        $this->migrateOne(self::CONTRACT);
        $this->assertFalse(Schema::hasColumn('students', 'roll_no'));
        $this->insertStudent('new-release@x.edu', ['enrollment_number' => 'EN-NEW']);
        $this->assertSame('R-1', DB::table('students')->where('id', $legacy[0])->value('enrollment_number'));

        // Down, one step at a time, in reverse.
        $this->artisanOk('migrate:rollback', ['--step' => 1]);
        $this->assertTrue(Schema::hasColumn('students', 'roll_no'));
        $this->assertSame(0, DB::table('students')->whereNull('roll_no')->count(), 'roll_no restored from enrollment_number');
        $this->assertSame('EN-NEW', DB::table('students')->where('email', 'new-release@x.edu')->value('roll_no'));

        $this->artisanOk('migrate:rollback', ['--step' => 1]);
        $this->insertStudent('nullable-again@x.edu', ['roll_no' => 'R-N']);
        $this->assertSame(1, DB::table('students')->whereNull('enrollment_number')->count());

        $this->artisanOk('migrate:rollback', ['--step' => 1]);
        $this->assertSame('R-2', DB::table('students')->where('id', $legacy[1])->value('enrollment_number'), 'backfill down keeps data');

        $this->artisanOk('migrate:rollback', ['--step' => 1]);
        $this->assertFalse(Schema::hasColumn('students', 'enrollment_number'));
        $this->assertSame(9, DB::table('students')->count());
    }

    public function test_backfill_walks_more_rows_than_one_chunk(): void
    {
        $this->migrateOne(self::EXPAND);
        $rows = [];
        $total = 2500;
        for ($i = 1; $i <= $total; $i++) {
            $rows[] = ['institution_id' => $this->collegeId, 'first_name' => 'F', 'last_name' => 'L', 'email' => "s{$i}@x.edu", 'roll_no' => "R-{$i}"];
        }
        foreach (array_chunk($rows, 500) as $chunk) {
            DB::table('students')->insert($chunk);
        }

        $this->migrateOne(self::BACKFILL);

        $this->assertSame(0, DB::table('students')->whereNull('enrollment_number')->count());
        $this->assertSame($total, DB::table('students')->whereColumn('enrollment_number', 'roll_no')->count());
    }

    public function test_migrate_runs_the_whole_sequence_again_after_rollback(): void
    {
        $this->insertStudent('before@x.edu', ['roll_no' => 'R-BEFORE']);

        $this->artisanOk('migrate');

        $this->assertFalse(Schema::hasColumn('students', 'roll_no'));
        $this->assertSame('R-BEFORE', DB::table('students')->where('email', 'before@x.edu')->value('enrollment_number'));
        $batch = DB::table('migrations')->max('batch');
        $this->artisanOk('migrate');
        $this->assertSame($batch, DB::table('migrations')->max('batch'), 'a second migrate must be a no-op');
        $this->assertSame(6, DB::table('migrations')->count());
    }
}
