// The Next.js config every portal uses (apps/<name>/next.config.mjs).
import path from "node:path";
import { fileURLToPath } from "node:url";

/**
 * Left out of the standalone output: Next traces typescript (for
 * next.config.ts, unused here) and sharp with libvips (image optimisation,
 * off: images are served unoptimised). About 28 MB less per image.
 */
export const TRACE_EXCLUDES = [
  "**/node_modules/typescript/**",
  "**/node_modules/.pnpm/typescript@*/**",
  "**/node_modules/sharp/**",
  "**/node_modules/.pnpm/sharp@*/**",
  "**/node_modules/@img/**",
  "**/node_modules/.pnpm/@img+*/**",
];

/**
 * Sent with every response of every portal. HSTS for two years including
 * subdomains (the portals are only served over HTTPS behind the ALB), no MIME
 * sniffing, and no framing by any other site (CSP frame-ancestors, with
 * X-Frame-Options for browsers that predate it).
 */
export const SECURITY_HEADERS = [
  { key: "Strict-Transport-Security", value: "max-age=63072000; includeSubDomains" },
  { key: "X-Content-Type-Options", value: "nosniff" },
  { key: "Content-Security-Policy", value: "frame-ancestors 'none'" },
  { key: "X-Frame-Options", value: "DENY" },
  { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
];

/**
 * Returns the Next.js config for the app whose next.config.mjs has
 * `import.meta.url` = `configUrl`: standalone output traced from the
 * monorepo root (so .next/standalone holds apps/<name>/server.js and the
 * node_modules it needs), and @bitflow/shared compiled from source.
 * Type checking runs once for the whole workspace (`pnpm typecheck`), not in
 * each of the 14 builds. Every route answers with SECURITY_HEADERS.
 * @param {string} configUrl
 * @returns {Record<string, unknown>} a Next.js config
 */
export function createNextConfig(configUrl) {
  const appDir = path.dirname(fileURLToPath(configUrl));
  return {
    output: "standalone",
    outputFileTracingRoot: path.resolve(appDir, "../.."),
    transpilePackages: ["@bitflow/shared"],
    outputFileTracingExcludes: { "*": TRACE_EXCLUDES },
    images: { unoptimized: true },
    poweredByHeader: false,
    reactStrictMode: true,
    typescript: { ignoreBuildErrors: true },
    eslint: { ignoreDuringBuilds: true },
    async headers() {
      return [{ source: "/:path*", headers: SECURITY_HEADERS }];
    },
  };
}
