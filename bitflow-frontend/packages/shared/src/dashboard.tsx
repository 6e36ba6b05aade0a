// The role dashboard: load every section of a role from bitflow-core in
// parallel, then render each as a table, an empty state or an error state.
import { apiClientFromEnv, type ApiClient } from "./api-client";
import { getApp } from "./apps";
import { getRole, type DashboardSection, type RoleDefinition } from "./roles";

/** What one section shows. */
export type SectionState =
  | { section: DashboardSection; state: "ok"; rows: Record<string, unknown>[]; total?: number }
  | { section: DashboardSection; state: "empty" }
  | { section: DashboardSection; state: "error"; error: string };

/** A dashboard ready to render: either its sections, or why none loaded. */
export type DashboardData = { sections: SectionState[] } | { unavailable: string };

/** Fetches every section of `role` concurrently. Never throws. */
export async function loadDashboard(role: RoleDefinition, client: ApiClient): Promise<DashboardData> {
  const sections = await Promise.all(
    role.sections.map(async (section): Promise<SectionState> => {
      const res = await client.getList(section.path);
      if (!res.ok) return { section, state: "error", error: res.error };
      if (res.data.rows.length === 0) return { section, state: "empty" };
      return { section, state: "ok", rows: res.data.rows, total: res.data.total };
    }),
  );
  return { sections };
}

function cell(v: unknown): string {
  if (v === null || v === undefined || v === "") return "—";
  if (typeof v === "object") return JSON.stringify(v);
  return String(v);
}

function Section({ s }: { s: SectionState }) {
  const { section } = s;
  return (
    <section id={section.id} aria-labelledby={`${section.id}-title`}>
      <h2 id={`${section.id}-title`}>{section.title}</h2>
      {s.state === "error" && (
        <p role="alert" className="bf-error">
          Could not load {section.title.toLowerCase()}: {s.error}
        </p>
      )}
      {s.state === "empty" && <p className="bf-empty">{section.emptyText}</p>}
      {s.state === "ok" && (
        <>
          <table>
            <thead>
              <tr>
                {section.columns.map((c) => (
                  <th key={c.key}>{c.label}</th>
                ))}
              </tr>
            </thead>
            <tbody>
              {s.rows.map((row, i) => (
                <tr key={cell(row.id ?? i)}>
                  {section.columns.map((c) => (
                    <td key={c.key}>{cell(row[c.key])}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
          {s.total !== undefined && (
            <p className="bf-total">
              Showing {s.rows.length} of {s.total}
            </p>
          )}
        </>
      )}
    </section>
  );
}

/** Renders a loaded dashboard for `role`. */
export function Dashboard({ role, data }: { role: RoleDefinition; data: DashboardData }) {
  return (
    <div className="bf-dashboard" data-role={role.id}>
      <h2>{role.title} dashboard</h2>
      {"unavailable" in data ? (
        <p role="alert" className="bf-error">
          Dashboard unavailable: {data.unavailable}
        </p>
      ) : (
        data.sections.map((s) => <Section key={s.section.id} s={s} />)
      )}
    </div>
  );
}

/**
 * The dashboard page (app/page.tsx default export) for `appName`: an async
 * server component that reads BITFLOW_API_URL at request time.
 */
export function createDashboardPage(appName: string) {
  const role = getRole(getApp(appName).role);
  async function DashboardPage() {
    const env = apiClientFromEnv();
    const data: DashboardData = env.ok ? await loadDashboard(role, env.client) : { unavailable: env.error };
    return <Dashboard role={role} data={data} />;
  }
  return DashboardPage;
}
