import { describe, expect, it } from "vitest";
import { createHealthHandler, healthBody } from "./health";

describe("health", () => {
  it("describes the app from apps.json and the environment", () => {
    const body = healthBody("super-accountant", { BITFLOW_VERSION: "abc123", BITFLOW_API_URL: "http://core" });
    expect(body).toMatchObject({ status: "ok", app: "super-accountant", role: "super_accountant", port: 3011, version: "abc123", backendConfigured: true });
    expect(body.uptimeSeconds).toBeGreaterThanOrEqual(0);
    expect(healthBody("student", {})).toMatchObject({ version: "dev", backendConfigured: false });
  });

  it("answers JSON 200 that is not cached", async () => {
    const res = createHealthHandler("parent")();
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(await res.json()).toMatchObject({ status: "ok", app: "parent", port: 3009 });
  });

  it("refuses an unknown app when the route is defined", () => {
    expect(() => createHealthHandler("ghost")).toThrow(/unknown app "ghost"/);
  });
});
