/// <reference types="vite/client" />
// One test, run for each of the 14 apps in apps.json: its files are there
// (Dockerfile, health route, port), its health route answers, and its layout
// and dashboard page render real backend data, an empty state and an error.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import type { ReactNode } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it, vi } from "vitest";
import { APPS } from "../packages/shared/src/apps";
import { getRole, ROLES } from "../packages/shared/src/roles";

const ROOT = path.resolve(__dirname, "..");

// Every column any dashboard shows, so a fake row fills whichever table asks.
const COLUMN_KEYS = [...new Set(Object.values(ROLES).flatMap((r) => r.sections.flatMap((s) => s.columns.map((c) => c.key))))];

type PageModule = { default: () => Promise<ReactNode>; dynamic?: string };
type LayoutModule = { default: (p: { children: ReactNode }) => ReactNode; metadata: { title: string } };
type RouteModule = { GET: () => Response; dynamic?: string };

const pages = import.meta.glob<PageModule>("../apps/*/app/page.tsx");
const layouts = import.meta.glob<LayoutModule>("../apps/*/app/layout.tsx");
const routes = import.meta.glob<RouteModule>("../apps/*/app/api/health/route.ts");

function load<T>(mods: Record<string, () => Promise<T>>, name: string, file: string): Promise<T> {
  const loader = mods[`../apps/${name}/${file}`];
  if (!loader) throw new Error(`apps/${name}/${file} is missing`);
  return loader();
}

async function render(name: string): Promise<string> {
  const [{ default: Page }, { default: Layout }] = await Promise.all([load(pages, name, "app/page.tsx"), load(layouts, name, "app/layout.tsx")]);
  const page = await Page();
  return renderToStaticMarkup(<Layout>{page}</Layout>);
}

describe.each(APPS.map((a) => [a.name, a] as const))("app %s", (name, app) => {
  const dir = path.join(ROOT, "apps", name);
  const role = getRole(app.role);

  it(`has its Dockerfile, health route and port ${app.port}`, () => {
    const dockerfile = path.join(dir, "Dockerfile");
    expect(existsSync(dockerfile), `${dockerfile} exists`).toBe(true);
    const df = readFileSync(dockerfile, "utf8");
    expect(df).toContain(`EXPOSE ${app.port}\n`);
    expect(df).toContain(` PORT=${app.port}`);
    expect(df).toContain(`CMD ["node", "apps/${name}/server.js"]`);
    expect(existsSync(path.join(dir, "app/api/health/route.ts")), `apps/${name}/app/api/health/route.ts exists`).toBe(true);
    const pkg = JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8"));
    expect(pkg.name).toBe(`@bitflow/${name}`);
    expect(pkg.scripts.build).toBe("next build");
    expect(pkg.scripts.start).toBe(`next start --port ${app.port}`);
    expect(readFileSync(path.join(dir, "next.config.mjs"), "utf8")).toContain("createNextConfig(import.meta.url)");
  });

  it("answers /api/health with JSON naming the app and port", async () => {
    const route = await load(routes, name, "app/api/health/route.ts");
    expect(route.dynamic).toBe("force-dynamic");
    const res = route.GET();
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: "ok", app: name, port: app.port, role: app.role });
  });

  it("renders its role's dashboard from the backend", async () => {
    vi.stubEnv("BITFLOW_API_URL", "http://core.test:8000");
    const fetch = vi.fn(async (url: string | URL | Request) =>
      Response.json({ data: [{ id: 1, ...Object.fromEntries(COLUMN_KEYS.map((k) => [k, `${k} of ${String(url)}`])) }], meta: { total: 1 } }),
    );
    vi.stubGlobal("fetch", fetch);
    const html = await render(name);
    expect(fetch.mock.calls.map((c) => String(c[0]))).toEqual(role.sections.map((s) => `http://core.test:8000${s.path}`));
    expect(html).toContain(`<body data-app="${name}">`);
    expect(html).toContain(`data-role="${role.id}"`);
    for (const s of role.sections) {
      expect(html).toContain(`<a href="#${s.id}">${s.title}</a>`);
      expect(html).toContain(`<section id="${s.id}"`);
      for (const c of s.columns) {
        expect(html).toContain(`<th>${c.label}</th>`);
        expect(html).toContain(`<td>${c.key} of http://core.test:8000${s.path.replaceAll("&", "&amp;")}</td>`);
      }
    }
    expect(html).not.toContain('role="alert"');
  });

  it("renders empty and error states", async () => {
    vi.stubEnv("BITFLOW_API_URL", "http://core.test:8000");
    vi.stubGlobal("fetch", vi.fn(async () => Response.json({ data: [] })));
    const empty = await render(name);
    for (const s of role.sections) expect(empty).toContain(s.emptyText);

    vi.stubGlobal("fetch", vi.fn(async () => { throw new TypeError("fetch failed", { cause: { code: "ECONNREFUSED" } }); }));
    const down = await render(name);
    expect(down.match(/role="alert"/g)?.length).toBe(role.sections.length);
    expect(down).toContain("ECONNREFUSED");

    vi.stubEnv("BITFLOW_API_URL", "");
    expect(await render(name)).toContain("Dashboard unavailable: BITFLOW_API_URL is not set");
  });
});

describe("apps/", () => {
  it("holds exactly the apps of apps.json, each with page, layout and health route", () => {
    const names = APPS.map((a) => a.name).sort();
    const dirsOf = (mods: Record<string, unknown>) => Object.keys(mods).map((k) => k.split("/")[2]).sort();
    expect(dirsOf(pages)).toEqual(names);
    expect(dirsOf(layouts)).toEqual(names);
    expect(dirsOf(routes)).toEqual(names);
  });
});
