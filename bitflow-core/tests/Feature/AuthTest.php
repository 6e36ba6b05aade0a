<?php

namespace Tests\Feature;

use App\Models\Institution;
use Illuminate\Foundation\Testing\RefreshDatabase;
use PHPUnit\Framework\Attributes\DataProvider;
use Tests\TestCase;

/** Every /api route needs a valid bearer token; the health routes stay public. */
class AuthTest extends TestCase
{
    use RefreshDatabase;

    protected ?string $apiToken = null;

    /**
     * The routes every token test runs against. Test metadata is in attributes
     * (#[DataProvider], PHPUnit 10+). The dataProvider doc-comment next to each is
     * read only by PHPUnit 9.6 of Debian's offline Laravel 8.83 path: PHPUnit 11 ignores
     * doc-comment metadata wherever an attribute is present (no deprecation), PHPUnit 12
     * ignores it always. Remove the doc-comments with the Debian path.
     *
     * @return array<string, array{0: string, 1: string}>
     */
    public static function apiRoutes(): array
    {
        return [
            'list institutions' => ['GET', '/api/institutions'],
            'create institution' => ['POST', '/api/institutions'],
            'show institution' => ['GET', '/api/institutions/1'],
            'list students' => ['GET', '/api/students'],
            'create student' => ['POST', '/api/students'],
            'show student' => ['GET', '/api/students/1'],
            'update student' => ['PATCH', '/api/students/1'],
            'delete student' => ['DELETE', '/api/students/1'],
        ];
    }

    /** @dataProvider apiRoutes */
    #[DataProvider('apiRoutes')]
    public function test_missing_token_is_401(string $method, string $uri): void
    {
        $this->json($method, $uri)->assertStatus(401)->assertJsonPath('message', 'Unauthenticated.');
    }

    /** @dataProvider apiRoutes */
    #[DataProvider('apiRoutes')]
    public function test_wrong_token_is_401(string $method, string $uri): void
    {
        $this->withHeaders(['Authorization' => 'Bearer wrong-token'])
            ->json($method, $uri)->assertStatus(401);
    }

    public function test_a_token_in_another_scheme_or_the_query_is_401(): void
    {
        $this->withHeaders(['Authorization' => 'Basic '.base64_encode('test-api-token-not-a-secret')])
            ->getJson('/api/institutions')->assertStatus(401);
        $this->getJson('/api/institutions?api_token=test-api-token-not-a-secret')->assertStatus(401);
    }

    public function test_no_configured_hash_accepts_nobody(): void
    {
        config(['auth.api_token_hashes' => []]);
        $this->withHeaders(['Authorization' => 'Bearer test-api-token-not-a-secret'])
            ->getJson('/api/institutions')->assertStatus(401);
    }

    public function test_the_right_token_reaches_the_api(): void
    {
        Institution::factory()->create(['name' => 'Bitflow University']);
        $this->withHeaders(['Authorization' => 'Bearer test-api-token-not-a-secret'])
            ->getJson('/api/institutions')->assertOk()->assertJsonPath('data.0.name', 'Bitflow University');
    }

    public function test_health_routes_need_no_token(): void
    {
        $this->get('/health/live')->assertOk();
        foreach (['/health', '/up'] as $uri) {
            $this->assertNotSame(401, $this->get($uri)->getStatusCode(), "$uri must stay public");
        }
    }
}
