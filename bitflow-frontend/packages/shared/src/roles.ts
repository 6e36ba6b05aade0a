// Role definitions: what each portal's dashboard shows. An app is a thin
// layer that names its role (via apps.json); everything role-specific lives
// here so the 14 apps are not copies of each other.

/** A column of a dashboard table: `key` is read from each backend row. */
export interface Column {
  key: string;
  label: string;
}

/** One block of a dashboard, filled from one bitflow-core endpoint. */
export interface DashboardSection {
  /** Anchor id, also the navigation target (#id). */
  id: string;
  title: string;
  /** Path on bitflow-core, relative to BITFLOW_API_URL. */
  path: string;
  columns: Column[];
  /** Shown when the endpoint answers with no rows. */
  emptyText: string;
}

/** What a portal's user is, and what their dashboard shows. */
export interface RoleDefinition {
  id: string;
  title: string;
  summary: string;
  sections: DashboardSection[];
}

/**
 * bitflow-core endpoints the dashboards read (bitflow-core/routes/api.php).
 * Each answers Laravel's paginated `{ "data": [...], "meta": { "total": n } }`
 * (a bare JSON array is accepted too). Filters they accept: per_page (1..100),
 * page; institutions also type=university|college and parent_id; students
 * institution_id. Row fields: bitflow-core/app/Http/Resources/*Resource.php.
 */
export const API_PATHS = {
  institutions: "/api/institutions",
  students: "/api/students",
} as const;

const institutionColumns: Column[] = [
  { key: "name", label: "Name" },
  { key: "type", label: "Type" },
  { key: "code", label: "Code" },
];

const studentColumns: Column[] = [
  { key: "enrollment_number", label: "Enrolment no." },
  { key: "first_name", label: "First name" },
  { key: "last_name", label: "Last name" },
  { key: "email", label: "Email" },
  { key: "institution_id", label: "Institution" },
];

function section(
  id: string,
  title: string,
  resource: keyof typeof API_PATHS,
  query: Record<string, string>,
  emptyText: string,
): DashboardSection {
  const qs = new URLSearchParams(query).toString();
  return {
    id,
    title,
    path: qs ? `${API_PATHS[resource]}?${qs}` : API_PATHS[resource],
    columns: resource === "students" ? studentColumns : institutionColumns,
    emptyText,
  };
}

const universities = section("universities", "Universities", "institutions", { type: "university", per_page: "10" }, "No universities registered yet.");
const colleges = section("colleges", "Colleges", "institutions", { type: "college", per_page: "10" }, "No colleges registered yet.");
const institutions = section("institutions", "Institutions", "institutions", { per_page: "10" }, "No institutions registered yet.");
const students = section("students", "Students", "students", { per_page: "10" }, "No students enrolled yet.");
const admissions = section("admissions", "Admissions", "students", { per_page: "25" }, "No admissions yet.");

function role(id: string, title: string, summary: string, sections: DashboardSection[]): RoleDefinition {
  return { id, title, summary, sections };
}

/** Every role a portal can have, keyed by role id (apps.json "role"). */
export const ROLES: Readonly<Record<string, RoleDefinition>> = Object.freeze({
  bitflow_admin: role("bitflow_admin", "Bitflow Admin", "Operates the whole Bitflow platform across every tenant.", [institutions, students]),
  university_owner: role("university_owner", "University Owner", "Owns a university and the colleges under it.", [universities, colleges]),
  super_admin: role("super_admin", "Super Admin", "Administers a university: its colleges, staff and students.", [colleges, students]),
  principal: role("principal", "Principal", "Leads one college: its students and academic health.", [students, colleges]),
  college_admin: role("college_admin", "College Admin", "Runs a college's day-to-day administration.", [students]),
  super_academics: role("super_academics", "Super Academics", "Oversees academics across the university's colleges.", [colleges, students]),
  faculty_teacher: role("faculty_teacher", "Faculty / Teacher", "Teaches classes and tracks their students.", [students]),
  student: role("student", "Student", "Sees their own enrolment and institution.", [institutions]),
  parent: role("parent", "Parent", "Follows their children's enrolment.", [students]),
  admission_admin: role("admission_admin", "Admission Admin", "Handles admissions into the colleges.", [admissions, colleges]),
  super_accountant: role("super_accountant", "Super Accountant", "Oversees accounts across the university.", [institutions]),
  college_accounts_admin: role("college_accounts_admin", "College Accounts Admin", "Keeps a college's accounts.", [colleges]),
  college_fee_admin: role("college_fee_admin", "College Fee Admin", "Collects and tracks student fees for a college.", [students]),
  super_non_teaching_manager: role("super_non_teaching_manager", "Super Non-Teaching Manager", "Manages non-teaching staff across the colleges.", [colleges]),
});

/** Returns the role `id`, or throws listing the valid role ids. */
export function getRole(id: string): RoleDefinition {
  const r = Object.prototype.hasOwnProperty.call(ROLES, id) ? ROLES[id] : undefined;
  if (!r) {
    throw new Error(`unknown role ${JSON.stringify(id)}; valid roles: ${Object.keys(ROLES).join(", ")}`);
  }
  return r;
}
