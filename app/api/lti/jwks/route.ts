// Weigh In's public key set for LTI platforms (the "public keyset URL" in their tool settings).
import { toolKeySet } from "@/lib/lti.server";

export const dynamic = "force-dynamic";

export async function GET() {
  return Response.json(await toolKeySet(), { headers: { "cache-control": "public, max-age=3600" } });
}
