// The 14 apps' wiring files and Dockerfiles are generated from templates/;
// this fails when any of them is stale, and shows that the check can fail.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { pinnedPnpmVersion, renderAll, ROOT, staleFiles, strayAppDirs } from "../scripts/generate.mjs";

describe("generated app files", () => {
  it("are current: run `pnpm generate` if this fails", () => {
    expect(staleFiles()).toEqual([]);
    expect(strayAppDirs()).toEqual([]);
  });

  it("cover 7 files for each of the 14 apps", () => {
    const files = renderAll();
    expect(files).toHaveLength(14 * 7);
    expect(files.filter((f) => f.path.endsWith("/Dockerfile"))).toHaveLength(14);
    for (const f of files) expect(f.content, f.path).not.toMatch(/\{\{\w+\}\}/);
  });

  describe("in a copy with one file hand-edited, one missing and one stray app", () => {
    const tmp = mkdtempSync(path.join(tmpdir(), "bitflow-gen-"));
    afterAll(() => rmSync(tmp, { recursive: true, force: true }));
    for (const p of ["apps.json", "package.json", "templates"]) cpSync(path.join(ROOT, p), path.join(tmp, p), { recursive: true });
    for (const f of renderAll()) {
      mkdirSync(path.dirname(path.join(tmp, f.path)), { recursive: true });
      writeFileSync(path.join(tmp, f.path), f.content);
    }
    it("reports exactly those", () => {
      expect(staleFiles(tmp)).toEqual([]);
      writeFileSync(path.join(tmp, "apps/student/Dockerfile"), "FROM scratch\n");
      rmSync(path.join(tmp, "apps/parent/app/api/health/route.ts"));
      mkdirSync(path.join(tmp, "apps/janitor"));
      expect(staleFiles(tmp).sort()).toEqual(["apps/parent/app/api/health/route.ts", "apps/student/Dockerfile"]);
      expect(strayAppDirs(tmp)).toEqual(["janitor"]);
    });
  });
});

describe("templates/Dockerfile", () => {
  const df = readFileSync(path.join(ROOT, "templates/Dockerfile"), "utf8");
  const froms = df.split("\n").filter((l) => l.startsWith("FROM "));

  it("takes its base images as arguments defaulting to the Node LTS of .node-version", () => {
    const major = readFileSync(path.join(ROOT, ".node-version"), "utf8").trim().split(".")[0];
    expect(major).toMatch(/^\d+$/);
    expect(Number(major) % 2, "an LTS line is even-numbered").toBe(0);
    expect(df).toMatch(new RegExp(`^ARG NODE_IMAGE=node:${major}-bookworm-slim$`, "m"));
    expect(df).toMatch(new RegExp(`^ARG RUNTIME_IMAGE=node:${major}-bookworm-slim$`, "m"));
    expect(froms.map((l) => l.split(" ")[1])).toEqual(["${NODE_IMAGE}", "deps", "${RUNTIME_IMAGE}"]);
  });

  it("is multi-stage and runs as a non-root user with a health check", () => {
    expect(froms.length).toBeGreaterThanOrEqual(2);
    const runtime = df.slice(df.lastIndexOf("\nFROM "));
    expect(runtime).toMatch(/^USER node$/m);
    expect(runtime.indexOf("USER node")).toBeLessThan(runtime.indexOf("CMD ["));
    expect(runtime).toMatch(/^HEALTHCHECK .*\n.*\/api\/health/m);
    // The runtime copies only what the build stage gathered (the standalone
    // server, static assets, public/), and makes only Next's cache writable.
    expect(runtime.match(/^COPY .*$/gm)).toEqual([
      "COPY --from=build /repo/runtime/ ./",
      "COPY --from=build --chown=node:node /repo/runtime/apps/{{name}}/.next/cache ./apps/{{name}}/.next/cache",
    ]);
    const build = df.slice(df.indexOf("AS build"), df.lastIndexOf("\nFROM "));
    // Turbopack's build cache (.next/cache) is this app's own cache mount, not a layer.
    expect(build).toContain("--mount=type=cache,id=bitflow-next-{{name}},target=/repo/apps/{{name}}/.next/cache,sharing=locked");
    // node_modules and the build output leave in the step that made them, so the stage's snapshot lacks them;
    // the cache mount stays.
    expect(build).toMatch(/&& rm -rf node_modules apps\/\{\{name\}\}\/node_modules packages\/\*\/node_modules \\\n && find apps\/\{\{name\}\}\/\.next -mindepth 1 -maxdepth 1 ! -name cache -exec rm -rf \{\} \+\n/);
    for (const gathered of ["apps/{{name}}/.next/standalone/. runtime/", "apps/{{name}}/.next/static runtime/apps/{{name}}/.next/static", "apps/{{name}}/public runtime/apps/{{name}}/public"]) {
      expect(build).toContain(`cp -a ${gathered}`);
    }
  });

  it("installs the pnpm pinned in package.json", () => {
    expect(df).toContain("pnpm@{{pnpmVersion}}");
    expect(pinnedPnpmVersion()).toMatch(/^\d+\.\d+\.\d+$/);
    expect(renderAll().find((f) => f.path === "apps/principal/Dockerfile")?.content).toContain(`pnpm@${pinnedPnpmVersion()}`);
  });
});
