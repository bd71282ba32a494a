// Content packs: the zod schema for files in content/ (and packs written in the app).
// Pure: no Node APIs, safe to import from client components. Loading files lives in
// lib/packs.server.ts; the file format is documented for tutors in docs/content.md.
import { z } from "zod";

/** Lower-case words joined by single hyphens: `service-user-friend-request`. */
export const KEBAB_CASE = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

const TYPE_NAMES: Record<string, string> = {
  string: "text",
  array: "a list",
  object: "a set of fields",
  number: "a number",
  int: "a whole number",
};

function describeValue(value: unknown): string {
  if (value === null) return "nothing (an empty value)";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "string") return "text";
  if (typeof value === "object") return "a set of fields";
  return `${typeof value} ${JSON.stringify(value)}`;
}

/** Plain-language type errors ("Required", "Expected text, got a list") for tutors. */
function typeError(iss: { code?: string; expected?: unknown; input?: unknown }): string | undefined {
  if (iss.code !== "invalid_type") return undefined;
  if (iss.input === undefined) return "Required";
  const expected = TYPE_NAMES[String(iss.expected)] ?? String(iss.expected);
  return `Expected ${expected}, got ${describeValue(iss.input)}`;
}

/** Non-empty text, surrounding white space removed. */
const text = () => z.string({ error: typeError }).trim().min(1, "Must not be empty");

/** A list of at least one non-empty text. */
const textList = () => z.array(text(), { error: typeError }).min(1, "Must list at least one item");

/** A list of non-empty texts that may be left out: then it is empty. */
const optionalTextList = () => z.array(text(), { error: typeError }).default([]);

/** An object that rejects unknown fields (usually typos) and names the fields it allows. */
function fields<Shape extends z.ZodRawShape>(shape: Shape) {
  const allowed = Object.keys(shape).join(", ");
  return z.strictObject(shape, {
    error: (iss) => {
      if (iss.code === "unrecognized_keys") {
        const keys = iss.keys.map((k) => `"${k}"`).join(", ");
        return `Unknown field${iss.keys.length === 1 ? "" : "s"} ${keys} (allowed: ${allowed})`;
      }
      return typeError(iss);
    },
  });
}

export const factorSchema = fields({
  /** A short name, e.g. "Power and seniority". */
  label: text(),
  /** One line saying what the factor asks the reader to consider. */
  detail: text().optional(),
});

export const scenarioSchema = fields({
  /**
   * Stable identifier, kebab-case. Seminar history refers to it for years: never change or
   * reuse an id once a pack has been used in a seminar.
   */
  id: text().regex(KEBAB_CASE, "Must be kebab-case: lower-case letters and digits joined by single hyphens"),
  title: text(),
  /** The situation, shown on the projector and phones before voting. */
  prompt: text(),
  /** The Yes/No question students answer. */
  question: text(),
  /** Discussion notes shown after the reveal: short paragraphs. */
  discussion: textList(),
  /** Factors that might influence the decision. */
  factors: z.array(factorSchema, { error: typeError }).min(1, "Must list at least one factor").optional(),
  /** Questions to prompt discussion. */
  questions: textList().optional(),
  /** Phones offer a field for one short anonymous reason with the answer. */
  askReason: z.boolean({ error: typeError }).optional(),
  /** Phones offer the factors as ticks with the answer (the scenario must list factors). */
  tickFactors: z.boolean({ error: typeError }).optional(),
});

/** Most options a context question may offer (each is a group the split can be shown by). */
export const MAX_SEGMENT_OPTIONS = 8;

export const segmentQuestionSchema = fields({
  /** Asked once when a phone joins, e.g. "Where is your placement?". Answering is optional. */
  question: text(),
  options: z
    .array(text(), { error: typeError })
    .min(2, "Must list at least two options")
    .max(MAX_SEGMENT_OPTIONS, `Must list at most ${MAX_SEGMENT_OPTIONS} options`)
    .refine((options) => new Set(options).size === options.length, "Must not list the same option twice"),
});

export const sourceSchema = fields({
  /** Title of the work the pack is adapted from. */
  title: text(),
  author: text().optional(),
  publisher: text().optional(),
  year: z.number({ error: typeError }).int("Must be a whole number").optional(),
  url: z.url({ error: "Must be a web address (https://...)" }).optional(),
  /** How the pack relates to the source, e.g. "Paraphrased adaptation". */
  note: text().optional(),
});

export const packSchema = fields({
  /** Kebab-case identifier; must equal the file name without `.yaml`. */
  slug: text().regex(KEBAB_CASE, "Must be kebab-case: lower-case letters and digits joined by single hyphens"),
  title: text(),
  /** One or two sentences for the pack list. */
  summary: text(),
  /** Shown before the first scenario. */
  introduction: text().optional(),
  /** Subject area, e.g. "Social work". */
  subject: text().optional(),
  tags: optionalTextList(),
  learningObjectives: optionalTextList(),
  /** BCP 47 language tag of the pack's text, e.g. `en` or `en-GB`. */
  language: text()
    .regex(/^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$/, "Must be a language tag such as en or en-GB")
    .default("en"),
  /** Whole number, increased whenever the wording changes. */
  version: z.number({ error: typeError }).int("Must be a whole number").min(1, "Must be 1 or more"),
  /** Credit for the work the pack is based on. */
  source: sourceSchema.optional(),
  scenarios: z.array(scenarioSchema, { error: typeError }).min(1, "Must have at least one scenario"),
  /** Asked at the end of the seminar. */
  reflectiveQuestions: optionalTextList(),
  /** A context question the start form suggests asking when phones join. */
  segmentQuestion: segmentQuestionSchema.optional(),
}).superRefine(
  (pack, ctx) => {
    // Runs even when other fields are invalid, so every problem is reported in one go;
    // hence the defensive look at values that may not have passed validation.
    const scenarios: unknown = (pack as { scenarios?: unknown } | null)?.scenarios;
    if (!Array.isArray(scenarios)) return;
    const firstIndex = new Map<string, number>();
    scenarios.forEach((scenario: unknown, i) => {
      const s = scenario as { tickFactors?: unknown; factors?: unknown } | null;
      if (s?.tickFactors === true && !Array.isArray(s.factors)) {
        ctx.addIssue({ code: "custom", path: ["scenarios", i, "tickFactors"], message: "Needs factors to tick: list them under factors" });
      }
      const raw = (scenario as { id?: unknown } | null)?.id;
      if (typeof raw !== "string" || raw.trim() === "") return;
      const id = raw.trim();
      const earlier = firstIndex.get(id);
      if (earlier === undefined) {
        firstIndex.set(id, i);
        return;
      }
      ctx.addIssue({
        code: "custom",
        path: ["scenarios", i, "id"],
        message: `Duplicate scenario id "${id}" (also used by scenarios[${earlier}])`,
      });
    });
  },
  { when: (payload) => typeof payload.value === "object" && payload.value !== null },
);

export type Pack = z.infer<typeof packSchema>;
export type Scenario = z.infer<typeof scenarioSchema>;
export type Factor = z.infer<typeof factorSchema>;
export type PackSource = z.infer<typeof sourceSchema>;
export type SegmentQuestion = z.infer<typeof segmentQuestionSchema>;
/** What a pack file may contain before defaults are applied (e.g. `language` may be left out). */
export type PackInput = z.input<typeof packSchema>;

/** `["scenarios", 1, "question"]` → `scenarios[1].question`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else out += out === "" ? String(part) : `.${String(part)}`;
  }
  return out;
}

/**
 * One message per problem, naming the file and the field:
 * `content/x.yaml: scenarios[1].question: Required`. Problems with the whole file have no
 * field: `content/x.yaml: Expected a set of fields, got a list`. `locate` may return the line
 * a field is on; it is appended as ` (line 12)`.
 */
export function formatPackError(
  file: string,
  error: z.ZodError,
  locate?: (path: readonly PropertyKey[]) => number | undefined,
): string[] {
  return error.issues.map((issue) => {
    const where = formatPath(issue.path);
    // For an unknown field, point at the field itself rather than the object holding it.
    const target = issue.code === "unrecognized_keys" && issue.keys[0] ? [...issue.path, issue.keys[0]] : issue.path;
    const line = locate?.(target);
    return `${file}: ${where ? `${where}: ` : ""}${issue.message}${line ? ` (line ${line})` : ""}`;
  });
}
