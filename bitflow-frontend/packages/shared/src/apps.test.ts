import { describe, expect, it } from "vitest";
import { APPS, getApp, validateRegistry } from "./apps";

// The contract from the deployment guide and issue 6: these 14 portals, in
// this order, on ports 3001..3014.
const EXPECTED = [
  "bitflow-admin",
  "university-owner",
  "super-admin",
  "principal",
  "college-admin",
  "super-academics",
  "faculty-teacher",
  "student",
  "parent",
  "admission-admin",
  "super-accountant",
  "college-accounts-admin",
  "college-fee-admin",
  "super-non-teaching-manager",
];

describe("apps.json registry", () => {
  it("lists the 14 portals in order on ports 3001..3014", () => {
    expect(APPS.map((a) => a.name)).toEqual(EXPECTED);
    expect(APPS.map((a) => a.port)).toEqual(EXPECTED.map((_, i) => 3001 + i));
  });

  it("finds an app by name and refuses an unknown one with the valid names", () => {
    expect(getApp("principal").port).toBe(3004);
    expect(() => getApp("principle")).toThrow(/unknown app "principle"; valid apps: bitflow-admin, .*super-non-teaching-manager/);
  });

  const ok = { name: "a", port: 3001, role: "r", title: "A" };
  it.each([
    [[], /non-empty array/],
    [{}, /non-empty array/],
    [[null], /apps.json\[0\]: expected an object/],
    [[{ ...ok, name: "Bad Name" }], /\[0\]\.name: expected a lower-case kebab-case/],
    [[{ ...ok, port: "3001" }], /\[0\]\.port \(a\): expected an integer port/],
    [[{ ...ok, port: 80 }], /\[0\]\.port \(a\)/],
    [[{ ...ok, role: "Role-X" }], /\[0\]\.role \(a\): expected a snake_case role id/],
    [[{ ...ok, title: " " }], /\[0\]\.title \(a\)/],
    [[ok, { ...ok, port: 3002 }], /\[1\]\.name: duplicate app name a/],
    [[ok, { ...ok, name: "b" }], /\[1\]\.port \(b\): duplicate port 3001/],
  ])("rejects bad registry %j", (input, msg) => {
    expect(() => validateRegistry(input)).toThrow(msg);
  });
});
