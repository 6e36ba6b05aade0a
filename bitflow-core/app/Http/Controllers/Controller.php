<?php

namespace App\Http\Controllers;

use Illuminate\Routing\Controller as BaseController;

/** Base controller for the API. */
abstract class Controller extends BaseController
{
}
