// The envelope of a server action request, as React's client encodes it: the arguments as a JSON
// array (the whole body, or the multipart field `0` next to a form's fields), where a string
// starting with `$` is a reference the decoder resolves. Our pages send forms (`$K1`), text and
// plain values only. Anything else (no arguments, text that is not JSON, a reference to a part
// that was never sent) would make the decoder fail with a server error before the action could
// refuse it: `actionEnvelopeProblem` names what is wrong so that it can be refused with a 400.

/** References our clients send: an escaped `$`, a form, and the values JSON cannot spell. */
const KNOWN_REFERENCE = /^\$(\$|K\d{1,6}$|undefined$|NaN$|-0$|Infinity$|-Infinity$|n-?\d{1,40}$|D)/;
const MAX_VALUES = 100_000;
const CONTROL = /[\u0000-\u001f\u007f]/;

/** Why `json` is no argument list our clients could have sent, or null. */
export function argumentsProblem(json: string): string | null {
  let args: unknown;
  try {
    args = JSON.parse(json);
  } catch {
    return "the arguments are not JSON";
  }
  if (!Array.isArray(args)) return "the arguments are not a list";
  // Iterative, so that deeply nested input cannot exhaust the stack.
  const stack: unknown[] = [args];
  for (let seen = 0; stack.length > 0; seen++) {
    if (seen > MAX_VALUES) return "too many values";
    const value = stack.pop();
    if (typeof value === "string") {
      if (value.startsWith("$") && !KNOWN_REFERENCE.test(value)) return "an unknown reference in the arguments";
    } else if (Array.isArray(value)) stack.push(...value);
    else if (value && typeof value === "object") stack.push(...Object.values(value));
  }
  return null;
}

/**
 * Why a request carrying a `Next-Action` header is not an action call our pages could have made,
 * or null. `body` is the request's multipart form when it has one, else its text.
 */
export function actionEnvelopeProblem(body: FormData | string): string | null {
  if (typeof body === "string") return argumentsProblem(body);
  for (const [name, value] of body) {
    // Next.js reads the parts again with a stricter parser, which fails on these.
    if (CONTROL.test(name) || (typeof value !== "string" && CONTROL.test(value.name))) return "a part's name has control characters";
  }
  const args = body.get("0");
  if (typeof args !== "string") return "the arguments are missing";
  return argumentsProblem(args);
}
