// The portal registry: bitflow-frontend/apps.json is the single source of
// truth for the 14 apps (name, port, role, title). The Go pipeline and the
// Dagger module read the same file.
import registry from "../../../apps.json";

/** One portal as listed in apps.json. */
export interface AppEntry {
  /** Directory under apps/ and the image suffix (bitflow-<name>). */
  name: string;
  /** Port the standalone server listens on (3001..3014). */
  port: number;
  /** Role id in roles.ts that shapes this portal's dashboard. */
  role: string;
  /** Human title shown in the header. */
  title: string;
}

const NAME_RE = /^[a-z][a-z0-9-]*$/;
const ROLE_RE = /^[a-z][a-z0-9_]*$/;

/**
 * Checks that `entries` has the apps.json shape: a non-empty array of
 * {name, port, role, title} with unique names and ports. Returns the entries
 * typed, or throws an Error naming the entry and field that is wrong.
 */
export function validateRegistry(entries: unknown, source = "apps.json"): AppEntry[] {
  if (!Array.isArray(entries) || entries.length === 0) {
    throw new Error(`${source}: expected a non-empty array of apps`);
  }
  const names = new Set<string>();
  const ports = new Set<number>();
  return entries.map((raw: unknown, i: number) => {
    const at = `${source}[${i}]`;
    if (typeof raw !== "object" || raw === null) throw new Error(`${at}: expected an object`);
    const e = raw as Record<string, unknown>;
    if (typeof e.name !== "string" || !NAME_RE.test(e.name)) {
      throw new Error(`${at}.name: expected a lower-case kebab-case string, got ${JSON.stringify(e.name)}`);
    }
    if (typeof e.port !== "number" || !Number.isInteger(e.port) || e.port < 1024 || e.port > 65535) {
      throw new Error(`${at}.port (${e.name}): expected an integer port 1024..65535, got ${JSON.stringify(e.port)}`);
    }
    if (typeof e.role !== "string" || !ROLE_RE.test(e.role)) {
      throw new Error(`${at}.role (${e.name}): expected a snake_case role id, got ${JSON.stringify(e.role)}`);
    }
    if (typeof e.title !== "string" || e.title.trim() === "") {
      throw new Error(`${at}.title (${e.name}): expected a non-empty string`);
    }
    if (names.has(e.name)) throw new Error(`${at}.name: duplicate app name ${e.name}`);
    if (ports.has(e.port)) throw new Error(`${at}.port (${e.name}): duplicate port ${e.port}`);
    names.add(e.name);
    ports.add(e.port);
    return { name: e.name, port: e.port, role: e.role, title: e.title };
  });
}

/** All portals, in apps.json order. */
export const APPS: readonly AppEntry[] = Object.freeze(validateRegistry(registry));

/** Returns the portal called `name`, or throws listing the valid names. */
export function getApp(name: string): AppEntry {
  const app = APPS.find((a) => a.name === name);
  if (!app) {
    throw new Error(`unknown app ${JSON.stringify(name)}; valid apps: ${APPS.map((a) => a.name).join(", ")}`);
  }
  return app;
}
