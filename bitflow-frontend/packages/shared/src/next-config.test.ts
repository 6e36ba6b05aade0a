import path from "node:path";
import { describe, expect, it } from "vitest";
import { createNextConfig, SECURITY_HEADERS, TRACE_EXCLUDES } from "./next-config.mjs";

describe("createNextConfig", () => {
  it("builds standalone output traced from the monorepo root", () => {
    const cfg = createNextConfig("file:///repo/bitflow-frontend/apps/student/next.config.mjs");
    expect(cfg).toMatchObject({ output: "standalone", outputFileTracingRoot: "/repo/bitflow-frontend", transpilePackages: ["@bitflow/shared"], poweredByHeader: false });
    expect(cfg.images).toEqual({ unoptimized: true });
    expect(cfg).not.toHaveProperty("eslint"); // removed in Next 16
    expect(cfg.experimental).toEqual({ turbopackFileSystemCacheForBuild: true });
  });

  it("excludes sharp, libvips and typescript from the trace, relative to the app's directory (how Turbopack reads them)", () => {
    const cfg = createNextConfig("file:///repo/bitflow-frontend/apps/student/next.config.mjs");
    const excludes = (cfg.outputFileTracingExcludes as Record<string, string[]>)["*"] ?? [];
    expect(excludes).toEqual(TRACE_EXCLUDES.map((g) => `../../${g}`));
    const excluded = (p: string) => TRACE_EXCLUDES.some((g) => path.matchesGlob(p, g));
    for (const p of [
      "node_modules/.pnpm/typescript@5.9.3/node_modules/typescript/lib/typescript.js",
      "node_modules/.pnpm/sharp@0.35.6_@types+node@26.6.11/node_modules/sharp/dist/index.cjs",
      "node_modules/.pnpm/@img+sharp-libvips-linux-x64@1.3.5/node_modules/@img/sharp-libvips-linux-x64/lib/libvips-cpp.so.8.18.8",
      "node_modules/.pnpm/next@16.5.0_react@19.3.1/node_modules/sharp",
      "node_modules/.pnpm/sharp@0.35.6/node_modules/@img/sharp-linux-x64",
    ]) expect(excluded(p), p).toBe(true);
    for (const p of [
      "node_modules/.pnpm/next@16.5.0_react@19.3.1/node_modules/next/dist/server/next-server.js",
      "node_modules/.pnpm/next@16.5.0_react@19.3.1/node_modules/next/dist/server/image-optimizer/sharp.js",
      "node_modules/.pnpm/react-dom@19.3.1_react@19.3.1/node_modules/react-dom/server.js",
    ]) expect(excluded(p), p).toBe(false);
  });

  it("sends the security headers on every route", async () => {
    const cfg = createNextConfig("file:///repo/bitflow-frontend/apps/student/next.config.mjs");
    const headers = cfg.headers as () => Promise<{ source: string; headers: { key: string; value: string }[] }[]>;
    const rules = await headers();
    expect(rules).toHaveLength(1);
    const [rule] = rules;
    expect(rule?.source).toBe("/:path*");
    const byKey: Record<string, string> = Object.fromEntries((rule?.headers ?? []).map((h) => [h.key.toLowerCase(), h.value]));
    const hsts = byKey["strict-transport-security"] ?? "";
    expect(hsts).toMatch(/^max-age=(\d+); includeSubDomains$/);
    expect(Number(/max-age=(\d+)/.exec(hsts)?.[1])).toBeGreaterThanOrEqual(31536000);
    expect(byKey["x-content-type-options"]).toBe("nosniff");
    expect(byKey["content-security-policy"]).toContain("frame-ancestors 'none'");
    expect(rule?.headers).toBe(SECURITY_HEADERS);
  });
});
