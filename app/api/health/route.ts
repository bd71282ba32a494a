// Liveness and readiness for load balancers and container health checks (lib/health.server.ts).
import { health } from "@/lib/health.server";

export const dynamic = "force-dynamic";

export async function GET() {
  const { status, body } = await health();
  return Response.json(body, { status });
}
