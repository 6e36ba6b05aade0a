<?php

namespace App\Http\Middleware;

use Illuminate\Http\Middleware\TrustProxies as Middleware;
use Illuminate\Http\Request;

/**
 * The app only ever sits behind the AWS ALB inside the VPC, so the forwarded
 * headers it sets (client IP for rate limiting, scheme for URLs) are trusted.
 */
class TrustProxies extends Middleware
{
    /** @var array<int, string>|string|null */
    protected $proxies = '*';

    /** @var int */
    protected $headers = Request::HEADER_X_FORWARDED_AWS_ELB;
}
