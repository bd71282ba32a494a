// Downloads: GET /exports?scope=seminar|cohort|comparison&…&format=csv|xlsx&rows=aggregate|responses|reasons|factors|segments
import { Readable } from "node:stream";
import { z } from "zod";
import { currentTutor } from "@/lib/auth.server";
import { recordId } from "@/lib/form-input";
import { ExportError, csvStream, exportSheets, xlsxStream, type ExportScope } from "@/lib/exports.server";
import { HistoryError } from "@/lib/history.server";
import { historySearchSchema } from "@/lib/history-query";

export const dynamic = "force-dynamic";

const common = {
  format: z.enum(["csv", "xlsx"]).default("csv"),
  rows: z.enum(["aggregate", "responses", "reasons", "factors", "segments"]).default("aggregate"),
};
const querySchema = z.discriminatedUnion("scope", [
  z.object({ scope: z.literal("seminar"), id: recordId, ...common }),
  z.object({ scope: z.literal("cohort"), id: recordId, ...common }),
  z.object({ scope: z.literal("comparison"), ...historySearchSchema.shape, ...common }),
]);

function queryObject(url: URL): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const key of new Set(url.searchParams.keys())) {
    const all = url.searchParams.getAll(key);
    out[key] = all.length > 1 ? all : all[0]!;
  }
  return out;
}

export async function GET(request: Request): Promise<Response> {
  const tutor = await currentTutor();
  if (!tutor) return new Response("Sign in to download exports.\n", { status: 401 });
  const parsed = querySchema.safeParse(queryObject(new URL(request.url)));
  if (!parsed.success) {
    return new Response(`Bad export request: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}\n`, { status: 400 });
  }
  const q = parsed.data;
  let scope: ExportScope;
  if (q.scope === "comparison") {
    if (!q.scenario) return new Response("Bad export request: choose a scenario or a pack.\n", { status: 400 });
    scope = { scope: "comparison", packSlug: q.scenario.packSlug, scenarioId: q.scenario.scenarioId, cohortIds: q.cohort };
  } else scope = { scope: q.scope, id: q.id };

  let sheets;
  try {
    sheets = await exportSheets(tutor.id, scope, q.rows);
  } catch (error) {
    if (error instanceof ExportError || error instanceof HistoryError) return new Response("Not found.\n", { status: 404 });
    throw error;
  }
  const name = `weigh-in-${q.scope}${q.rows === "aggregate" ? "" : `-${q.rows}`}-${new Date().toISOString().slice(0, 10)}.${q.format}`;
  const stream = q.format === "csv" ? csvStream(sheets[0]!) : xlsxStream(sheets);
  return new Response(Readable.toWeb(stream) as ReadableStream, {
    headers: {
      "content-type": q.format === "csv" ? "text/csv; charset=utf-8" : "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
      "content-disposition": `attachment; filename="${name}"`,
      "cache-control": "no-store",
    },
  });
}
