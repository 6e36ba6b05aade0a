import { describe, expect, it } from "vitest";
import { APPS } from "./apps";
import { getRole, ROLES } from "./roles";

describe("roles", () => {
  it("defines the role of every app in apps.json, and no role without an app", () => {
    for (const app of APPS) expect(ROLES[app.role], `role of ${app.name}`).toBeDefined();
    expect(Object.keys(ROLES).sort()).toEqual(APPS.map((a) => a.role).sort());
  });

  it.each(Object.values(ROLES).map((r) => [r.id, r] as const))("%s has sections with unique ids, API paths and columns", (id, role) => {
    expect(role.id).toBe(id);
    expect(role.sections.length).toBeGreaterThan(0);
    const ids = role.sections.map((s) => s.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const s of role.sections) {
      expect(s.path).toMatch(/^\/api\/[a-z]+(\?.*)?$/);
      expect(s.columns.length).toBeGreaterThan(0);
      expect(s.emptyText).not.toBe("");
    }
  });

  it("refuses an unknown role, listing the valid ones", () => {
    expect(() => getRole("janitor")).toThrow(/unknown role "janitor"; valid roles: .*principal/);
    expect(() => getRole("toString")).toThrow(/unknown role/);
  });
});
