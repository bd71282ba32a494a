// The history page's and its export's query string: which scenario (or whole pack) and which cohorts.
import { z } from "zod";
import { KEBAB_CASE } from "@/lib/packs";

const list = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]));

/** "pack-slug" for the whole pack, or "pack-slug/scenario-id". */
export const scenarioParam = z
  .string()
  .max(250)
  .transform((v, ctx) => {
    const [packSlug, scenarioId, ...rest] = v.split("/");
    if (!packSlug || !KEBAB_CASE.test(packSlug) || rest.length > 0 || (scenarioId !== undefined && !KEBAB_CASE.test(scenarioId))) {
      ctx.addIssue({ code: "custom", message: "Not a pack or scenario" });
      return z.NEVER;
    }
    return { packSlug, scenarioId: scenarioId ?? null };
  });

export const historySearchSchema = z.object({
  scenario: z
    .union([z.literal(""), scenarioParam])
    .optional()
    .transform((v) => (v === "" || v === undefined ? null : v)),
  cohort: list.pipe(z.array(z.string().min(1).max(64)).max(100)),
});

export type HistorySearch = z.infer<typeof historySearchSchema>;

export function exportQueryString(query: HistorySearch, format: "csv" | "xlsx", rows: "aggregate" | "responses" | "reasons" | "factors" | "segments" = "aggregate"): string {
  const params = new URLSearchParams({ scope: "comparison", format, rows });
  if (query.scenario) params.set("scenario", query.scenario.scenarioId ? `${query.scenario.packSlug}/${query.scenario.scenarioId}` : query.scenario.packSlug);
  for (const c of query.cohort) params.append("cohort", c);
  return params.toString();
}
