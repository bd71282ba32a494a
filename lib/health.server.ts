// Liveness and readiness for load balancers and container health checks: 200 while the database
// answers, 503 when it does not. Served at /api/health by the pages, and by a process of the live
// channel alone (PAGES=false).
import { getPrisma } from "@/lib/db/client.server";

export async function health(): Promise<{ status: 200 | 503; body: { status: string } }> {
  try {
    await getPrisma().$queryRaw`SELECT 1`;
    return { status: 200, body: { status: "ok" } };
  } catch {
    return { status: 503, body: { status: "database unavailable" } };
  }
}
