<?php

namespace App\Auth;

use Illuminate\Auth\GenericUser;
use Illuminate\Http\Request;

/**
 * Bearer tokens of the API's clients. Only SHA-256 hashes of the tokens are configured
 * (config auth.api_token_hashes, from API_TOKEN_SHA256), so the configuration never holds
 * a usable token; a presented token is hashed and compared in constant time.
 */
final class ApiTokens
{
    /** @param array<int, string> $hashes lower-case hex SHA-256 of each accepted token */
    public function __construct(private array $hashes)
    {
    }

    /** The client a request's bearer token names, or null (missing, malformed or unknown token). */
    public function client(Request $request): ?GenericUser
    {
        $token = (string) $request->bearerToken();
        if ($token === '') {
            return null;
        }
        $presented = hash('sha256', $token);
        foreach ($this->hashes as $i => $hash) {
            if (is_string($hash) && hash_equals(strtolower(trim($hash)), $presented)) {
                return new GenericUser(['id' => 'api-client-'.($i + 1)]);
            }
        }

        return null;
    }
}
