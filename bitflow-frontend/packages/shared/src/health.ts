// The /api/health route every portal serves: liveness of the portal itself.
// It does not call bitflow-core, so a backend outage does not make the load
// balancer drain every portal.
import { getApp } from "./apps";

/** The JSON body of /api/health. */
export interface HealthBody {
  status: "ok";
  app: string;
  role: string;
  port: number;
  version: string;
  uptimeSeconds: number;
  backendConfigured: boolean;
}

/** Builds the health body for `appName` from the environment. */
export function healthBody(appName: string, env: Record<string, string | undefined> = process.env): HealthBody {
  const app = getApp(appName);
  return {
    status: "ok",
    app: app.name,
    role: app.role,
    port: app.port,
    version: env.BITFLOW_VERSION || "dev",
    uptimeSeconds: Math.round(process.uptime()),
    backendConfigured: Boolean(env.BITFLOW_API_URL),
  };
}

/** The GET handler (app/api/health/route.ts) for `appName`. */
export function createHealthHandler(appName: string): () => Response {
  getApp(appName); // fail at import time for an unknown app, not per request
  return function GET() {
    return Response.json(healthBody(appName), { headers: { "cache-control": "no-store" } });
  };
}
