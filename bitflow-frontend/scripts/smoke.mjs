#!/usr/bin/env node
// Probes one running standalone portal:
//   node scripts/smoke.mjs <app-name> <port> [timeout-seconds]
// Waits for GET /api/health to answer, then checks it is JSON 200 naming the
// app and port, and that GET / renders the dashboard (its error state, as no
// backend runs during the smoke test), both with every header of the shared
// config's SECURITY_HEADERS. Prints one line per check; exits 1 on the first
// failure.
import { SECURITY_HEADERS } from "../packages/shared/src/next-config.mjs";

const [name, portArg, timeoutArg = "60"] = process.argv.slice(2);
const port = Number(portArg);
if (!name || !Number.isInteger(port)) {
  console.error("usage: node scripts/smoke.mjs <app-name> <port> [timeout-seconds]");
  process.exit(2);
}
const base = `http://127.0.0.1:${port}`;
const deadline = Date.now() + Number(timeoutArg) * 1000;

function fail(msg) {
  console.error(`smoke ${name}: FAIL ${msg}`);
  process.exit(1);
}

let res;
for (;;) {
  try {
    res = await fetch(`${base}/api/health`, { signal: AbortSignal.timeout(5000) });
    break;
  } catch (err) {
    if (Date.now() > deadline) fail(`GET ${base}/api/health: no answer within ${timeoutArg}s (${err.cause?.code ?? err.message})`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
const type = res.headers.get("content-type") ?? "";
if (res.status !== 200) fail(`GET ${base}/api/health: HTTP ${res.status}, want 200`);
if (!type.startsWith("application/json")) fail(`GET ${base}/api/health: content-type ${JSON.stringify(type)}, want application/json`);
const body = await res.json();
if (body.status !== "ok" || body.app !== name || body.port !== port) {
  fail(`GET ${base}/api/health: body ${JSON.stringify(body)}, want status ok, app ${name}, port ${port}`);
}
/** Fails unless `r` carries every security header with its configured value. */
function checkSecurityHeaders(r, what) {
  for (const { key, value } of SECURITY_HEADERS) {
    const got = r.headers.get(key);
    if (got !== value) fail(`${what}: header ${key}: ${JSON.stringify(got)}, want ${JSON.stringify(value)}`);
  }
}
checkSecurityHeaders(res, `GET ${base}/api/health`);
console.log(`smoke ${name}: ok GET /api/health -> 200 ${JSON.stringify(body)} with ${SECURITY_HEADERS.length} security headers`);

const page = await fetch(`${base}/`, { signal: AbortSignal.timeout(15000) });
const html = await page.text();
if (page.status !== 200) fail(`GET ${base}/: HTTP ${page.status}, want 200`);
checkSecurityHeaders(page, `GET ${base}/`);
for (const want of [`data-app="${name}"`, 'aria-label="Main"', 'role="alert"']) {
  if (!html.includes(want)) fail(`GET ${base}/: page lacks ${want}`);
}
console.log(`smoke ${name}: ok GET / -> 200, dashboard rendered with its error state (${html.length} bytes)`);
