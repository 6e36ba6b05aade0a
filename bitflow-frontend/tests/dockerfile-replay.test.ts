// The replay that CI uses to build apps from their Dockerfiles without an
// engine: its parser and .dockerignore matcher.
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { dockerignoreMatcher, parseDockerfile } from "../scripts/replay-dockerfile.mjs";

const ROOT = path.resolve(__dirname, "..");

describe("parseDockerfile", () => {
  it("reads an app's Dockerfile as instructions, continuations joined", () => {
    const steps = parseDockerfile(readFileSync(path.join(ROOT, "apps/student/Dockerfile"), "utf8"));
    expect(steps.map((s) => s.op)).toEqual([
      "ARG", "ARG",
      "FROM", "ENV", "RUN", "WORKDIR", "COPY", "RUN",
      "FROM", "COPY", "COPY", "RUN",
      "FROM", "ENV", "WORKDIR", "COPY", "COPY", "USER", "EXPOSE", "HEALTHCHECK", "CMD",
    ]);
    const build = steps.filter((s) => s.op === "RUN")[2];
    expect(build?.args).toMatch(/^--mount=type=cache,id=bitflow-pnpm-store,target=\/pnpm\/store\s+--mount=type=cache,id=bitflow-next-student,target=\/repo\/apps\/student\/\.next\/cache,sharing=locked\s+pnpm install --prefer-offline .* && pnpm --filter "@bitflow\/student" build\s+&& mkdir -p apps\/student\/public runtime\/apps\/student\/\.next\/cache /);
    expect(steps.at(-1)).toMatchObject({ op: "CMD", args: '["node", "apps/student/server.js"]' });
  });

  it("names the line it cannot parse", () => {
    expect(() => parseDockerfile("FROM a AS b\n\n  justoneword\n")).toThrow(/line 3: cannot parse "justoneword"/);
  });
});

describe("dockerignoreMatcher", () => {
  const ignored = dockerignoreMatcher(readFileSync(path.join(ROOT, ".dockerignore"), "utf8"));
  it.each([
    ["apps/student/node_modules", true],
    ["apps/student/node_modules/next/package.json", true],
    ["node_modules", true],
    ["apps/student/.next/cache/x", true],
    ["apps/student/next-env.d.ts", true],
    ["apps/student/.env.local", true],
    [".env", true],
    ["tests/apps.test.tsx", true],
    ["apps/student/app/page.tsx", false],
    ["packages/shared/src/roles.ts", false],
    ["pnpm-lock.yaml", false],
    [".envrc", false],
  ])("%s ignored: %s", (rel, want) => {
    expect(ignored(rel)).toBe(want);
  });

  it("refuses negated patterns it does not implement", () => {
    expect(() => dockerignoreMatcher("!keep.txt")).toThrow(/negated pattern !keep.txt/);
  });
});
