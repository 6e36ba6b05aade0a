#!/usr/bin/env node
// Replays an app's Dockerfile on this machine, without a Docker engine, so CI
// proves its COPY set and RUN steps work and that the runtime stage's files
// are enough to serve:
//   node scripts/replay-dockerfile.mjs <app-name> <work-dir>
// Container paths map into <work-dir> (/repo -> <work-dir>/repo, /app ->
// <work-dir>/app) and /pnpm/store to this machine's pnpm store (other cache
// mounts are plain directories of <work-dir>). COPY from the
// context honours .dockerignore. Not replayed, each with a printed line: the
// `npm install --global pnpm@X` step (the pnpm on PATH must be X instead), and
// RUN steps of the final stage (they set file ownership inside the image).
// Prints, as the last line, JSON describing the runtime: its directory, env,
// cmd, user, exposed port and healthcheck command.
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const CONTEXT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/** Dockerfile instructions: [{ op, args, line }], continuations joined, comments dropped. */
export function parseDockerfile(text) {
  const out = [];
  let buf = "";
  let start = 0;
  text.split("\n").forEach((raw, i) => {
    if (!buf && (raw.trim() === "" || raw.trimStart().startsWith("#"))) return;
    if (!buf) start = i + 1;
    if (raw.endsWith("\\")) {
      buf += raw.slice(0, -1) + " ";
      return;
    }
    const full = (buf + raw).trim();
    buf = "";
    const m = /^(\w+)\s+(.*)$/s.exec(full);
    if (!m) throw new Error(`Dockerfile line ${start}: cannot parse ${JSON.stringify(full)}`);
    out.push({ op: m[1].toUpperCase(), args: m[2].trim(), line: start });
  });
  return out;
}

/** A matcher for .dockerignore patterns (the subset used here: *, ?, **, dir/). */
export function dockerignoreMatcher(text) {
  const toRegex = (pattern) => {
    if (pattern.startsWith("!")) throw new Error(`.dockerignore: negated pattern ${pattern} is not supported by the replay`);
    const segs = pattern.replace(/\/+$/, "").split("/");
    const body = segs
      .map((seg, i) => {
        if (seg === "**") return "(?:[^/]+/)*";
        const re = seg.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, "[^/]*").replace(/\?/g, "[^/]");
        return i < segs.length - 1 ? `${re}/` : re;
      })
      .join("");
    return new RegExp(`^${body}(?:/.*)?$`);
  };
  const res = text
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith("#"))
    .map(toRegex);
  return (rel) => res.some((re) => re.test(rel));
}

function envTokens(args) {
  return Object.fromEntries(
    args.split(/\s+/).map((kv) => {
      const i = kv.indexOf("=");
      if (i < 1) throw new Error(`ENV ${args}: expected KEY=VALUE pairs`);
      return [kv.slice(0, i), kv.slice(i + 1)];
    }),
  );
}

function main([app, workArg]) {
  if (!app || !workArg) {
    console.error("usage: node scripts/replay-dockerfile.mjs <app-name> <work-dir>");
    process.exit(2);
  }
  const dockerfile = path.join(CONTEXT, "apps", app, "Dockerfile");
  if (!existsSync(dockerfile)) throw new Error(`${dockerfile}: no such Dockerfile`);
  const work = path.resolve(workArg);
  const store = execFileSync("pnpm", ["store", "path"], { encoding: "utf8" }).trim().replace(/\/v\d+$/, "");
  const map = (p) => p.replace(/\/pnpm\/store\b/g, store).replace(/(^|[\s"'=])\/(repo|app)\b/g, (_, pre, d) => `${pre}${work}/${d}`);
  const ignored = dockerignoreMatcher(readFileSync(path.join(CONTEXT, ".dockerignore"), "utf8"));
  const log = (msg) => console.log(`replay ${app}: ${msg}`);

  const steps = parseDockerfile(readFileSync(dockerfile, "utf8"));
  const finalFrom = steps.map((s) => s.op).lastIndexOf("FROM");
  let env = {};
  let cwd = work;
  const runtime = { dir: "", env: {}, cmd: [], user: "root", expose: [], healthcheck: [] };
  steps.forEach((s, idx) => {
    const final = idx > finalFrom;
    const where = `${path.relative(CONTEXT, dockerfile)}:${s.line}`;
    switch (s.op) {
      case "ARG":
        break;
      case "FROM": {
        const m = /^(\S+)\s+AS\s+(\S+)$/i.exec(s.args);
        if (!m) throw new Error(`${where}: FROM without "AS name"`);
        if (!m[1].startsWith("${")) {
          // FROM <earlier stage>: same filesystem, keep env and workdir.
        } else {
          env = {};
          cwd = work;
        }
        log(`stage ${m[2]} (${where})`);
        break;
      }
      case "ENV":
        Object.assign(env, envTokens(s.args));
        break;
      case "WORKDIR":
        cwd = map(s.args);
        mkdirSync(cwd, { recursive: true });
        break;
      case "COPY": {
        const parts = s.args.split(/\s+/);
        let from;
        while (parts[0]?.startsWith("--")) {
          const flag = parts.shift();
          if (flag.startsWith("--from=")) from = flag.slice(7);
          else if (!flag.startsWith("--chown=")) throw new Error(`${where}: COPY ${flag} is not supported by the replay`);
          // --chown: file ownership exists inside the image only.
        }
        const rawDest = parts.pop();
        const dest = path.resolve(cwd, map(rawDest));
        const intoDir = rawDest.endsWith("/") || parts.length > 1;
        for (const src of parts) {
          const abs = from ? map(src) : path.join(CONTEXT, src);
          if (!existsSync(abs)) throw new Error(`${where}: COPY source ${src} does not exist ${from ? `in stage ${from}` : "in the context"}`);
          // A directory's contents go into dest; a file goes into dest/ or becomes dest.
          const target = statSync(abs).isDirectory() || !intoDir ? dest : path.join(dest, path.basename(abs));
          mkdirSync(statSync(abs).isDirectory() ? target : path.dirname(target), { recursive: true });
          cpSync(abs, target, {
            recursive: true,
            verbatimSymlinks: true,
            filter: (p) => from !== undefined || !ignored(path.relative(CONTEXT, p)),
          });
        }
        break;
      }
      case "RUN": {
        // A cache mount of the pnpm store is this machine's store (map()
        // below); any other cache mount is replayed as the plain directory
        // it covers, empty at first like a new cache volume.
        const mounts = /^((?:--mount=type=cache,\S*target=\S+\s+)+)/.exec(s.args);
        if (mounts) {
          for (const [, target] of mounts[1].matchAll(/target=(\S+?)(?:,|\s)/g)) {
            if (target !== "/pnpm/store") mkdirSync(path.resolve(cwd, map(target)), { recursive: true });
          }
          s = { ...s, args: s.args.slice(mounts[1].length) };
        }
        if (/^--/.test(s.args)) throw new Error(`${where}: RUN ${s.args.split(/\s/)[0]} is not supported by the replay`);
        const pin = /^npm install --global .*\bpnpm@(\S+)$/.exec(s.args);
        if (pin) {
          const have = execFileSync("pnpm", ["--version"], { encoding: "utf8" }).trim();
          if (have !== pin[1]) throw new Error(`${where}: the image installs pnpm ${pin[1]} but pnpm on PATH is ${have}`);
          log(`not replayed (pnpm ${have} on PATH matches): RUN ${s.args}`);
          break;
        }
        if (final) {
          log(`not replayed (final stage, runs inside the image): RUN ${s.args}`);
          break;
        }
        const hostEnv = { ...process.env };
        for (const [k, v] of Object.entries(env)) if (k !== "PATH" && k !== "PNPM_HOME") hostEnv[k] = map(v);
        log(`RUN ${map(s.args)}`);
        execFileSync("bash", ["-euo", "pipefail", "-c", map(s.args)], { cwd, env: hostEnv, stdio: ["ignore", "inherit", "inherit"] });
        break;
      }
      case "USER":
        runtime.user = s.args;
        break;
      case "EXPOSE":
        runtime.expose.push(Number(s.args));
        break;
      case "HEALTHCHECK": {
        const m = /\bCMD\s+(\[.*\])$/s.exec(s.args);
        if (!m) throw new Error(`${where}: HEALTHCHECK without an exec-form CMD`);
        runtime.healthcheck = JSON.parse(m[1]);
        break;
      }
      case "CMD":
        runtime.cmd = JSON.parse(s.args);
        break;
      default:
        throw new Error(`${where}: instruction ${s.op} is not supported by the replay`);
    }
  });
  runtime.dir = cwd;
  runtime.env = env;
  console.log(JSON.stringify(runtime));
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    main(process.argv.slice(2));
  } catch (err) {
    console.error(`replay-dockerfile: ${err.message}`);
    process.exit(1);
  }
}
