// What next-auth is given: a request whose path, query and form are a few short fields of
// printable text, its form re-sent as the URL-encoded body next-auth reads. Anything else (a body
// that is not a form, control characters, broken Unicode, a return address that is no address,
// too many or too long fields) is refused with a 400 that says why, before next-auth could fail
// on it with a server error.
import { NextRequest } from "next/server";
import { z } from "zod";

const MAX_FIELDS = 30;
const MAX_VALUE = 4096;
const MAX_BODY = 64 * 1024;

/** Printable text: no control characters, no unpaired surrogates. */
const printable = (max: number) =>
  z
    .string()
    .max(max, `longer than ${max} characters`)
    .refine((s) => !/[\u0000-\u001f\u007f]/.test(s), "control characters")
    .refine((s) => !/[\ud800-\udfff]/u.test(s), "broken Unicode");

/** Where to go after signing in or out: a path of this site, or an address next-auth can parse. */
const returnAddress = printable(2048).refine(
  (s) => (s.startsWith("/") && !s.startsWith("//") && !s.startsWith("/\\")) || (/^https?:\/\//i.test(s) && URL.canParse(s)),
  "not an address",
);

const fields = z
  .array(z.tuple([printable(100), printable(MAX_VALUE)]))
  .max(MAX_FIELDS, `more than ${MAX_FIELDS} fields`)
  .superRefine((pairs, ctx) => {
    for (const [key, value] of pairs) {
      if (key === "callbackUrl" && !returnAddress.safeParse(value).success) ctx.addIssue({ code: "custom", message: "callbackUrl: not an address" });
    }
  });

const jsonForm = z.record(z.string(), z.string());

function bad(message: string, status = 400): Response {
  return new Response(`Bad sign-in request: ${message.slice(0, 200)}\n`, { status, headers: { "content-type": "text/plain; charset=utf-8" } });
}

/** The first problem, named by its field (a field's name when it is the name that is wrong). */
function firstProblem(error: z.ZodError, pairs: unknown[]): string {
  const issue = error.issues[0]!;
  const [index, part] = issue.path;
  const pair = typeof index === "number" ? pairs[index] : undefined;
  if (!Array.isArray(pair)) return issue.message;
  const name = part === 0 ? "a field's name" : z.string().max(40).regex(/^[\w-]*$/).safeParse(pair[0]).data ?? "a field";
  return `${name}: ${issue.message}`;
}

/**
 * The request next-auth may see, or the 4xx that refuses it. `postOnly` names the providers
 * whose callback takes a posted form only (sign-in with a password).
 */
export async function checkedAuthRequest(request: NextRequest, segments: unknown, postOnly: ReadonlySet<string>): Promise<NextRequest | Response> {
  const path = z.array(printable(100)).max(3).safeParse(segments ?? []);
  if (!path.success) return bad(`path: ${path.error.issues[0]!.message}`);
  const [action, provider] = path.data;
  if (action === "callback" && provider && postOnly.has(provider) && request.method !== "POST") return bad("sign in with the form", 405);
  const url = new URL(request.url);
  const queryPairs = [...url.searchParams];
  const query = fields.safeParse(queryPairs);
  if (!query.success) return bad(`query: ${firstProblem(query.error, queryPairs)}`);
  if (request.method !== "POST") return request;

  if (Number(request.headers.get("content-length") ?? 0) > MAX_BODY) return bad("the body is too large", 413);
  const text = await request.text();
  if (text.length > MAX_BODY) return bad("the body is too large", 413);
  const type = request.headers.get("content-type") ?? "";
  let pairs: [string, string][] = [];
  if (type.includes("application/json")) {
    let json: unknown;
    try {
      json = text === "" ? {} : JSON.parse(text);
    } catch {
      return bad("the body is not JSON");
    }
    const form = jsonForm.safeParse(json);
    if (!form.success) return bad("the body is not an object of text fields");
    pairs = Object.entries(form.data);
  } else if (type.includes("application/x-www-form-urlencoded")) {
    pairs = [...new URLSearchParams(text)];
  } else if (text !== "") {
    return bad("send the form URL-encoded", 415);
  }
  const form = fields.safeParse(pairs);
  if (!form.success) return bad(`form: ${firstProblem(form.error, pairs)}`);

  const headers = new Headers(request.headers);
  headers.delete("content-length");
  headers.set("content-type", "application/x-www-form-urlencoded");
  return new NextRequest(request.url, { method: "POST", headers, body: new URLSearchParams(form.data).toString() });
}
