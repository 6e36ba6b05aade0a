// The page frame every portal uses: <html>, header, navigation, main.
import type { ReactNode } from "react";
import { getApp, type AppEntry } from "./apps";
import { Navigation, navItemsFor } from "./navigation";
import { getRole } from "./roles";

const css = `
*{box-sizing:border-box}body{margin:0;font-family:system-ui,sans-serif;color:#1b1f24;background:#f5f6f8}
.bf-header{display:flex;align-items:baseline;gap:1rem;padding:1rem 2rem;background:#12355b;color:#fff}
.bf-header h1{margin:0;font-size:1.25rem}.bf-header p{margin:0;opacity:.8}
.bf-nav ul{display:flex;gap:1rem;margin:0;padding:.5rem 2rem;list-style:none;background:#e3e8ef}
.bf-nav a{color:#12355b;text-decoration:none}
main{padding:1.5rem 2rem}section{margin-bottom:1.5rem;padding:1rem;background:#fff;border-radius:6px}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.35rem .5rem;border-bottom:1px solid #e3e8ef}
.bf-error{color:#8a1c1c}.bf-empty{color:#5b6470}
`;

/** Header, navigation and content area for `app`. */
export function AppShell({ app, children }: { app: AppEntry; children: ReactNode }) {
  const role = getRole(app.role);
  return (
    <>
      <header className="bf-header">
        <h1>Bitflow · {app.title}</h1>
        <p>{role.summary}</p>
      </header>
      <Navigation items={navItemsFor(role)} />
      <main>{children}</main>
    </>
  );
}

/** Next.js metadata for `appName`'s root layout. */
export function createMetadata(appName: string): { title: string; description: string } {
  const app = getApp(appName);
  return { title: `${app.title} · Bitflow`, description: getRole(app.role).summary };
}

/** The root layout component (app/layout.tsx default export) for `appName`. */
export function createRootLayout(appName: string) {
  const app = getApp(appName);
  function RootLayout({ children }: { children: ReactNode }) {
    return (
      <html lang="en">
        <head>
          <style dangerouslySetInnerHTML={{ __html: css }} />
        </head>
        <body data-app={app.name}>
          <AppShell app={app}>{children}</AppShell>
        </body>
      </html>
    );
  }
  return RootLayout;
}
