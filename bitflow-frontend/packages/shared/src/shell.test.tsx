import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { createMetadata, createRootLayout } from "./layout";
import { navItemsFor } from "./navigation";
import { getRole } from "./roles";

describe("navigation", () => {
  it("starts with the dashboard and links each section of the role", () => {
    const role = getRole("principal");
    expect(navItemsFor(role)).toEqual([{ href: "/", label: "Dashboard" }, ...role.sections.map((s) => ({ href: `#${s.id}`, label: s.title }))]);
  });
});

describe("layout", () => {
  it("wraps content in the app's header and navigation", () => {
    const Layout = createRootLayout("parent");
    const html = renderToStaticMarkup(
      <Layout>
        <p>content</p>
      </Layout>,
    );
    expect(html).toMatch(/^<html lang="en">/);
    expect(html).toContain('<body data-app="parent">');
    expect(html).toContain("<h1>Bitflow · Parent</h1>");
    expect(html).toContain('<nav aria-label="Main"');
    expect(html).toContain("<main><p>content</p></main>");
  });

  it("builds metadata and refuses unknown apps", () => {
    expect(createMetadata("student")).toEqual({ title: "Student · Bitflow", description: getRole("student").summary });
    expect(() => createRootLayout("nope")).toThrow(/unknown app "nope"/);
  });
});
