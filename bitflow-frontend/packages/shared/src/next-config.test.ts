import { describe, expect, it } from "vitest";
import { createNextConfig, TRACE_EXCLUDES } from "./next-config.mjs";

describe("createNextConfig", () => {
  it("builds standalone output traced from the monorepo root", () => {
    const cfg = createNextConfig("file:///repo/bitflow-frontend/apps/student/next.config.mjs");
    expect(cfg).toMatchObject({ output: "standalone", outputFileTracingRoot: "/repo/bitflow-frontend", transpilePackages: ["@bitflow/shared"], poweredByHeader: false });
    expect(cfg.images).toEqual({ unoptimized: true });
    expect(cfg.outputFileTracingExcludes).toEqual({ "*": TRACE_EXCLUDES });
  });
});
