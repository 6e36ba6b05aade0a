// Navigation shared by every portal: the dashboard and one link per section
// of the role's dashboard.
import type { RoleDefinition } from "./roles";

/** One navigation link. */
export interface NavItem {
  href: string;
  label: string;
}

/** The navigation of a role: Dashboard first, then its sections in order. */
export function navItemsFor(role: RoleDefinition): NavItem[] {
  return [{ href: "/", label: "Dashboard" }, ...role.sections.map((s) => ({ href: `#${s.id}`, label: s.title }))];
}

/** The main navigation bar. */
export function Navigation({ items }: { items: NavItem[] }) {
  return (
    <nav aria-label="Main" className="bf-nav">
      <ul>
        {items.map((item) => (
          <li key={item.href}>
            <a href={item.href}>{item.label}</a>
          </li>
        ))}
      </ul>
    </nav>
  );
}
