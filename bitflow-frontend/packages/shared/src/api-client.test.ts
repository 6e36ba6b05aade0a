import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { ApiClient, apiClientFromEnv, toListPage } from "./api-client";

const TOKEN = "s3cr3t-token-value";

function jsonResponse(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
}

describe("ApiClient with an injected fetch", () => {
  it("sends Accept and the bearer token, and joins base URL and path", async () => {
    const fetch = vi.fn(async () => jsonResponse([{ id: 1 }]));
    const c = new ApiClient({ baseUrl: "http://core:8000/", token: TOKEN, fetch });
    const res = await c.getJson("/api/students?per_page=10");
    expect(res).toEqual({ ok: true, data: [{ id: 1 }] });
    const [url, init] = fetch.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe("http://core:8000/api/students?per_page=10");
    expect(init.headers).toMatchObject({ accept: "application/json", authorization: `Bearer ${TOKEN}` });
  });

  it("sends no authorization header without a token", async () => {
    const fetch = vi.fn(async () => jsonResponse([]));
    await new ApiClient({ baseUrl: "http://core", fetch }).getJson("/api/x");
    const init = (fetch.mock.calls[0] as unknown as [string, RequestInit])[1];
    expect(init.headers).not.toHaveProperty("authorization");
  });

  it("reports HTTP errors with method, URL and status, never the token", async () => {
    const fetch = vi.fn(async () => jsonResponse({ message: `bad token ${TOKEN}` }, 500));
    const res = await new ApiClient({ baseUrl: "http://core", token: TOKEN, fetch }).getJson("/api/students");
    expect(res).toEqual({ ok: false, status: 500, error: "GET http://core/api/students: HTTP 500" });
    expect(JSON.stringify(res)).not.toContain(TOKEN);
  });

  it("reports network errors by their cause code", async () => {
    const fetch = vi.fn(async () => {
      throw new TypeError("fetch failed", { cause: { code: "ECONNREFUSED" } });
    });
    const res = await new ApiClient({ baseUrl: "http://core", fetch }).getJson("/api/students");
    expect(res).toEqual({ ok: false, error: "GET http://core/api/students: ECONNREFUSED" });
  });

  it("gives up after the timeout", async () => {
    const fetch = vi.fn(
      (_url: string | URL | Request, init?: RequestInit) =>
        new Promise<Response>((_, reject) => init?.signal?.addEventListener("abort", () => reject(init.signal?.reason))),
    );
    const res = await new ApiClient({ baseUrl: "http://core", timeoutMs: 20, fetch }).getJson("/api/slow");
    expect(res).toEqual({ ok: false, error: "GET http://core/api/slow: timed out after 20 ms" });
  });

  it("reports a body that is not JSON", async () => {
    const fetch = vi.fn(async () => new Response("<html>oops</html>", { status: 200 }));
    const res = await new ApiClient({ baseUrl: "http://core", fetch }).getJson("/api/x");
    expect(res).toEqual({ ok: false, status: 200, error: "GET http://core/api/x: response is not valid JSON" });
  });

  it("getList rejects a body that is neither an array nor {data: [...]}", async () => {
    const fetch = vi.fn(async () => jsonResponse({ items: [] }));
    const res = await new ApiClient({ baseUrl: "http://core", fetch }).getList("/api/x");
    expect(res).toEqual({ ok: false, error: 'GET http://core/api/x: expected a JSON array or an object with a "data" array' });
  });

  it.each([
    ["not a url", /BITFLOW_API_URL: not a valid absolute URL/],
    ["ftp://core", /expected an http\(s\) URL, got ftp:/],
  ])("refuses base URL %s", (baseUrl, msg) => {
    expect(() => new ApiClient({ baseUrl })).toThrow(msg);
  });

  it("refuses credentials in the base URL without echoing them", () => {
    let message = "";
    try {
      new ApiClient({ baseUrl: `http://user:${TOKEN}@core` });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/credentials in the URL are not allowed; use BITFLOW_API_TOKEN/);
    expect(message).not.toContain(TOKEN);
  });
});

describe("toListPage", () => {
  it.each([
    [[{ id: 1 }], { rows: [{ id: 1 }], total: 1 }],
    [{ data: [{ id: 1 }], meta: { total: 40 } }, { rows: [{ id: 1 }], total: 40 }],
    [{ data: [{ id: 1 }], total: 7 }, { rows: [{ id: 1 }], total: 7 }],
    [{ data: [] }, { rows: [] }],
    [{ data: "x" }, undefined],
    [[1, 2], undefined],
    [null, undefined],
    ["rows", undefined],
  ])("%j -> %j", (body, expected) => {
    expect(toListPage(body)).toEqual(expected);
  });
});

describe("apiClientFromEnv", () => {
  it("explains a missing BITFLOW_API_URL", () => {
    expect(apiClientFromEnv({})).toEqual({ ok: false, error: expect.stringMatching(/^BITFLOW_API_URL is not set/) });
  });
  it("passes a bad URL's error through", () => {
    expect(apiClientFromEnv({ BITFLOW_API_URL: "::" })).toEqual({ ok: false, error: expect.stringMatching(/not a valid absolute URL/) });
  });
  it("builds a client from the environment", () => {
    const env = apiClientFromEnv({ BITFLOW_API_URL: "http://core:8000", BITFLOW_API_TOKEN: TOKEN });
    expect(env.ok && env.client.baseUrl).toBe("http://core:8000");
    expect(JSON.stringify(env)).not.toContain(TOKEN);
  });
});

describe("ApiClient against a real HTTP server on 127.0.0.1", () => {
  let server: Server;
  let base = "";
  const seen: { url?: string; auth?: string }[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push({ url: req.url, auth: req.headers.authorization });
      if (req.url?.startsWith("/api/students")) {
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify({ data: [{ id: 7, name: "Asha" }], meta: { total: 1 } }));
        return;
      }
      res.writeHead(404, { "content-type": "application/json" });
      res.end("{}");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("reads a paginated list over HTTP with the token", async () => {
    const res = await new ApiClient({ baseUrl: base, token: TOKEN }).getList("/api/students?per_page=10");
    expect(res).toEqual({ ok: true, data: { rows: [{ id: 7, name: "Asha" }], total: 1 } });
    expect(seen.at(-1)).toEqual({ url: "/api/students?per_page=10", auth: `Bearer ${TOKEN}` });
  });

  it("reports a 404", async () => {
    const res = await new ApiClient({ baseUrl: base }).getList("/api/nothing");
    expect(res).toEqual({ ok: false, status: 404, error: `GET ${base}/api/nothing: HTTP 404` });
  });

  it("reports a refused connection", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const res = await new ApiClient({ baseUrl: `http://127.0.0.1:${port}` }).getJson("/api/x");
    expect(res).toEqual({ ok: false, error: `GET http://127.0.0.1:${port}/api/x: ECONNREFUSED` });
  });
});
