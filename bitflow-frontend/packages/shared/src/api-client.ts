// The portals' client for bitflow-core's JSON API. It never throws for
// backend trouble: every call resolves to a result the UI can render as an
// error state. The bearer token is sent as a header and never appears in an
// error message.

/** The outcome of one call: data, or an error message for the UI. */
export type ApiResult<T> =
  | { ok: true; data: T }
  | { ok: false; error: string; status?: number };

/** Rows of a list endpoint, with the total the backend reported if any. */
export interface ListPage {
  rows: Record<string, unknown>[];
  total?: number;
}

/** How to reach bitflow-core. */
export interface ApiClientOptions {
  /** e.g. http://bitflow-core:8000 (no trailing path needed). */
  baseUrl: string;
  /** Optional bearer token (BITFLOW_API_TOKEN). */
  token?: string;
  /** Per-request timeout; default 5000 ms. */
  timeoutMs?: number;
  /** Injected for tests; default the global fetch. */
  fetch?: typeof fetch;
}

/** Environment variable with bitflow-core's base URL, read at request time. */
export const API_URL_ENV = "BITFLOW_API_URL";
/** Environment variable with an optional bearer token for bitflow-core. */
export const API_TOKEN_ENV = "BITFLOW_API_TOKEN";

/** A small JSON client for bitflow-core. */
export class ApiClient {
  readonly baseUrl: string;
  readonly #token: string | undefined;
  readonly #timeoutMs: number;
  readonly #fetch: typeof fetch;

  constructor(opts: ApiClientOptions) {
    let url: URL;
    try {
      url = new URL(opts.baseUrl);
    } catch {
      throw new Error(`${API_URL_ENV}: not a valid absolute URL (expected e.g. http://bitflow-core:8000)`);
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") {
      throw new Error(`${API_URL_ENV}: expected an http(s) URL, got ${url.protocol}`);
    }
    if (url.username || url.password) {
      throw new Error(`${API_URL_ENV}: credentials in the URL are not allowed; use ${API_TOKEN_ENV}`);
    }
    this.baseUrl = url.toString().replace(/\/+$/, "");
    this.#token = opts.token || undefined;
    this.#timeoutMs = opts.timeoutMs ?? 5000;
    this.#fetch = opts.fetch ?? globalThis.fetch;
  }

  /** Full URL for an API path such as /api/students?per_page=10. */
  url(path: string): string {
    return this.baseUrl + (path.startsWith("/") ? path : `/${path}`);
  }

  /** GETs `path` and parses the JSON body. */
  async getJson<T = unknown>(path: string): Promise<ApiResult<T>> {
    const url = this.url(path);
    const headers: Record<string, string> = { accept: "application/json" };
    if (this.#token) headers.authorization = `Bearer ${this.#token}`;
    let res: Response;
    try {
      res = await this.#fetch(url, {
        headers,
        cache: "no-store",
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
    } catch (err) {
      const e = err as Error;
      const why = e?.name === "TimeoutError" ? `timed out after ${this.#timeoutMs} ms` : describe(e);
      return { ok: false, error: `GET ${url}: ${why}` };
    }
    if (!res.ok) {
      return { ok: false, status: res.status, error: `GET ${url}: HTTP ${res.status}` };
    }
    try {
      return { ok: true, data: (await res.json()) as T };
    } catch {
      return { ok: false, status: res.status, error: `GET ${url}: response is not valid JSON` };
    }
  }

  /** GETs a list endpoint: a JSON array or Laravel's `{data: [...], meta: {total}}`. */
  async getList(path: string): Promise<ApiResult<ListPage>> {
    const res = await this.getJson(path);
    if (!res.ok) return res;
    const page = toListPage(res.data);
    if (!page) {
      return { ok: false, error: `GET ${this.url(path)}: expected a JSON array or an object with a "data" array` };
    }
    return { ok: true, data: page };
  }
}

/** Interprets a list response body; undefined when it has neither shape. */
export function toListPage(body: unknown): ListPage | undefined {
  const isRows = (v: unknown): v is Record<string, unknown>[] =>
    Array.isArray(v) && v.every((r) => typeof r === "object" && r !== null && !Array.isArray(r));
  if (isRows(body)) return { rows: body, total: body.length };
  if (typeof body === "object" && body !== null && "data" in body) {
    const b = body as { data: unknown; meta?: { total?: unknown }; total?: unknown };
    if (!isRows(b.data)) return undefined;
    const total = typeof b.meta?.total === "number" ? b.meta.total : typeof b.total === "number" ? b.total : undefined;
    return total === undefined ? { rows: b.data } : { rows: b.data, total };
  }
  return undefined;
}

function describe(e: Error): string {
  const cause = (e as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? e?.message ?? String(e);
}

/** The client from the environment, or why there is none (for the UI). */
export type ClientFromEnv = { ok: true; client: ApiClient } | { ok: false; error: string };

/**
 * Builds the client from BITFLOW_API_URL and BITFLOW_API_TOKEN. Read at
 * request time, so one image serves every environment.
 */
export function apiClientFromEnv(env: Record<string, string | undefined> = process.env, fetchImpl?: typeof fetch): ClientFromEnv {
  const baseUrl = env[API_URL_ENV];
  if (!baseUrl) return { ok: false, error: `${API_URL_ENV} is not set: the portal does not know where bitflow-core is` };
  try {
    return { ok: true, client: new ApiClient({ baseUrl, token: env[API_TOKEN_ENV], fetch: fetchImpl }) };
  } catch (err) {
    return { ok: false, error: (err as Error).message };
  }
}
