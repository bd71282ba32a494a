// Input from forms and addresses, checked before it reaches the database.
//
// Server actions get whatever a request carried: a form when the app's own pages post it, but a
// replayed or forged request may carry anything (no argument, text, numbers, an object). Actions
// read their input through `formFields`, which turns a form into a plain object for a zod schema
// and anything else into `null`, which every object schema refuses: a clear error, not a crash.
// PostgreSQL stores no NUL character in text, so a form with one is no form either.
import { z } from "zod";

/** A form's fields by name (the last value of a repeated name), as `Object.fromEntries` makes them. */
export type FormFields = Record<string, FormDataEntryValue>;

const hasNul = (s: string) => s.includes("\u0000");

export function formFields(input: unknown): FormFields | null {
  if (!(input instanceof FormData)) return null;
  for (const [name, value] of input) {
    if (hasNul(name) || hasNul(typeof value === "string" ? value : value.name)) return null;
  }
  return Object.fromEntries(input);
}

/** The id of a stored record, as an address or a form gives it. */
export const recordId = z
  .string()
  .min(1)
  .max(64)
  .refine((s) => !hasNul(s), "Not an id.");
