#!/usr/bin/env node
// Writes each app's wiring files and Dockerfile from templates/ and
// apps.json, so the 14 apps are one template, not 14 hand-edited copies.
//   node scripts/generate.mjs          write apps/<name>/... for every app
//   node scripts/generate.mjs --check  exit 1 listing files that are stale
// The vitest suite runs the same check (tests/generated.test.ts).
import { readFileSync, readdirSync, statSync, writeFileSync, mkdirSync, existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** bitflow-frontend/ */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

function listFiles(dir, base = dir) {
  return readdirSync(dir).flatMap((entry) => {
    const full = path.join(dir, entry);
    return statSync(full).isDirectory() ? listFiles(full, base) : [path.relative(base, full)];
  });
}

/** The pnpm version pinned by package.json "packageManager". */
export function pinnedPnpmVersion(root = ROOT) {
  const pm = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")).packageManager ?? "";
  const m = /^pnpm@(\d+\.\d+\.\d+)/.exec(pm);
  if (!m) throw new Error(`package.json: packageManager must be "pnpm@x.y.z", got ${JSON.stringify(pm)}`);
  return m[1];
}

function fill(template, vars, file) {
  return template.replace(/\{\{(\w+)\}\}/g, (_, key) => {
    if (!(key in vars)) throw new Error(`${file}: unknown placeholder {{${key}}}`);
    return String(vars[key]);
  });
}

/**
 * Every generated file: [{ path (relative to root), content }], from
 * apps.json, templates/app/** (per app) and templates/Dockerfile.
 */
export function renderAll(root = ROOT) {
  const apps = JSON.parse(readFileSync(path.join(root, "apps.json"), "utf8"));
  const pnpmVersion = pinnedPnpmVersion(root);
  const appTemplates = listFiles(path.join(root, "templates/app")).sort();
  const dockerfile = readFileSync(path.join(root, "templates/Dockerfile"), "utf8");
  const out = [];
  for (const app of apps) {
    const vars = { name: app.name, port: app.port, title: app.title, pnpmVersion };
    for (const rel of appTemplates) {
      const src = `templates/app/${rel}`;
      out.push({ path: path.join("apps", app.name, rel), content: fill(readFileSync(path.join(root, src), "utf8"), vars, src) });
    }
    out.push({ path: path.join("apps", app.name, "Dockerfile"), content: fill(dockerfile, vars, "templates/Dockerfile") });
  }
  return out;
}

/** Generated files whose content on disk differs (or that are missing). */
export function staleFiles(root = ROOT) {
  return renderAll(root)
    .filter((f) => {
      const full = path.join(root, f.path);
      return !existsSync(full) || readFileSync(full, "utf8") !== f.content;
    })
    .map((f) => f.path);
}

/** Directories under apps/ that apps.json does not list. */
export function strayAppDirs(root = ROOT) {
  const names = new Set(JSON.parse(readFileSync(path.join(root, "apps.json"), "utf8")).map((a) => a.name));
  const appsDir = path.join(root, "apps");
  if (!existsSync(appsDir)) return [];
  return readdirSync(appsDir).filter((d) => statSync(path.join(appsDir, d)).isDirectory() && !names.has(d));
}

function main(argv) {
  if (argv.includes("--check")) {
    const stale = staleFiles();
    const stray = strayAppDirs();
    if (stale.length || stray.length) {
      for (const f of stale) console.error(`stale or missing generated file: ${f}`);
      for (const d of stray) console.error(`apps/${d}: not listed in apps.json`);
      console.error("run `pnpm generate` (node scripts/generate.mjs) and commit the result");
      process.exit(1);
    }
    console.log(`generate --check: ${renderAll().length} generated files are current`);
    return;
  }
  let written = 0;
  for (const f of renderAll()) {
    const full = path.join(ROOT, f.path);
    if (existsSync(full) && readFileSync(full, "utf8") === f.content) continue;
    mkdirSync(path.dirname(full), { recursive: true });
    writeFileSync(full, f.content);
    written++;
  }
  console.log(`generate: ${written} file(s) written`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2));
}
