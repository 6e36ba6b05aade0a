// The Next.js config every portal uses (apps/<name>/next.config.mjs).
import path from "node:path";
import { fileURLToPath } from "node:url";

/**
 * Left out of the standalone output: Next traces typescript (for
 * next.config.ts, unused here) and sharp with libvips (image optimisation,
 * off: images are served unoptimised), about 19 MB per image. Globs relative
 * to the monorepo root (pnpm's store layout: node_modules/.pnpm/<pkg>@<v>/);
 * the last two drop pnpm's links to sharp and @img, which would otherwise be
 * copied as dangling symlinks.
 */
export const TRACE_EXCLUDES = [
  "node_modules/.pnpm/typescript@*/**",
  "node_modules/.pnpm/sharp@*/**",
  "node_modules/.pnpm/@img+*/**",
  "node_modules/.pnpm/**/node_modules/sharp",
  "node_modules/.pnpm/**/node_modules/@img/*",
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
 * each of the 14 builds (Next 16 has no lint step in builds and no `eslint`
 * option). Every route answers with SECURITY_HEADERS. Built by Turbopack (Next
 * 16's default), which reads outputFileTracingExcludes relative to the app's
 * directory: TRACE_EXCLUDES are prefixed with the way up to the root.
 * @param {string} configUrl
 * @returns {Record<string, unknown>} a Next.js config
 */
export function createNextConfig(configUrl) {
  const appDir = path.dirname(fileURLToPath(configUrl));
  const root = path.resolve(appDir, "../..");
  const up = path.relative(appDir, root).split(path.sep).join("/");
  return {
    output: "standalone",
    outputFileTracingRoot: root,
    transpilePackages: ["@bitflow/shared"],
    outputFileTracingExcludes: { "*": TRACE_EXCLUDES.map((glob) => `${up}/${glob}`) },
    images: { unoptimized: true },
    poweredByHeader: false,
    reactStrictMode: true,
    typescript: { ignoreBuildErrors: true },
    // Turbopack's file-system cache for `next build` in .next/cache (on by
    // default in 16.5; said here because the images rely on it: their build
    // step mounts .next/cache as a cache volume).
    experimental: { turbopackFileSystemCacheForBuild: true },
    async headers() {
      return [{ source: "/:path*", headers: SECURITY_HEADERS }];
    },
  };
}
