import { describe, expect, it } from "vitest";
import { createNextConfig, SECURITY_HEADERS, TRACE_EXCLUDES } from "./next-config.mjs";

describe("createNextConfig", () => {
  it("builds standalone output traced from the monorepo root", () => {
    const cfg = createNextConfig("file:///repo/bitflow-frontend/apps/student/next.config.mjs");
    expect(cfg).toMatchObject({ output: "standalone", outputFileTracingRoot: "/repo/bitflow-frontend", transpilePackages: ["@bitflow/shared"], poweredByHeader: false });
    expect(cfg.images).toEqual({ unoptimized: true });
    expect(cfg.outputFileTracingExcludes).toEqual({ "*": TRACE_EXCLUDES });
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
