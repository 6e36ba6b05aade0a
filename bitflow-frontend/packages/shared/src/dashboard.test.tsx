import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it, vi } from "vitest";
import { ApiClient } from "./api-client";
import { Dashboard, loadDashboard } from "./dashboard";
import type { RoleDefinition } from "./roles";

const role: RoleDefinition = {
  id: "tester",
  title: "Tester",
  summary: "Tests things.",
  sections: [
    { id: "full", title: "Students", path: "/api/students", columns: [{ key: "name", label: "Name" }, { key: "email", label: "Email" }], emptyText: "No students." },
    { id: "none", title: "Colleges", path: "/api/institutions?type=college", columns: [{ key: "name", label: "Name" }], emptyText: "No colleges yet." },
    { id: "broken", title: "Universities", path: "/api/institutions?type=university", columns: [{ key: "name", label: "Name" }], emptyText: "-" },
  ],
};

function fakeBackend() {
  return vi.fn(async (url: string | URL | Request) => {
    const u = String(url);
    if (u.endsWith("/api/students")) {
      return Response.json({ data: [{ id: 1, name: "Asha <b>", email: null }, { id: 2, name: "Ravi", email: "r@x.edu" }], meta: { total: 12 } });
    }
    if (u.includes("type=college")) return Response.json({ data: [] });
    return new Response("down", { status: 503 });
  });
}

describe("loadDashboard", () => {
  it("fetches every section and classifies ok, empty and error", async () => {
    const fetch = fakeBackend();
    const data = await loadDashboard(role, new ApiClient({ baseUrl: "http://core", fetch }));
    expect(fetch).toHaveBeenCalledTimes(3);
    expect("sections" in data && data.sections.map((s) => s.state)).toEqual(["ok", "empty", "error"]);
  });
});

describe("Dashboard", () => {
  it("renders rows, totals, empty and error states", async () => {
    const data = await loadDashboard(role, new ApiClient({ baseUrl: "http://core", fetch: fakeBackend() }));
    const html = renderToStaticMarkup(<Dashboard role={role} data={data} />);
    expect(html).toContain('<section id="full"');
    expect(html).toContain("<td>Asha &lt;b&gt;</td><td>—</td>");
    expect(html).toContain("<td>Ravi</td><td>r@x.edu</td>");
    expect(html).toContain("Showing 2 of 12");
    expect(html).toContain('<p class="bf-empty">No colleges yet.</p>');
    expect(html).toMatch(/role="alert"[^>]*>Could not load universities: GET http:\/\/core\/api\/institutions\?type=university: HTTP 503/);
  });

  it("renders a page-level error when the backend is not configured", () => {
    const html = renderToStaticMarkup(<Dashboard role={role} data={{ unavailable: "BITFLOW_API_URL is not set" }} />);
    expect(html).toContain("Dashboard unavailable: BITFLOW_API_URL is not set");
    expect(html).not.toContain("<section");
  });
});
