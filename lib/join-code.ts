// Join codes: short, read aloud and typed on phones, so no look-alike characters.
/** No 0/O, 1/I/L: nobody has to guess which one the projector shows. */
export const JOIN_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";
export const JOIN_CODE_LENGTH = 6;

export function generateJoinCode(length = JOIN_CODE_LENGTH): string {
  let code = "";
  const random = globalThis.crypto.getRandomValues(new Uint32Array(length));
  // 2^32 mod 31 is tiny: the bias is below one in a hundred million.
  for (const n of random) code += JOIN_CODE_ALPHABET[n % JOIN_CODE_ALPHABET.length];
  return code;
}

/** What a student typed, made comparable: case, spaces and dashes do not matter. */
export function normalizeJoinCode(input: string): string {
  return input.toUpperCase().replace(/[\s-]/g, "");
}

export function isJoinCode(input: string): boolean {
  const code = normalizeJoinCode(input);
  return code.length === JOIN_CODE_LENGTH && [...code].every((c) => JOIN_CODE_ALPHABET.includes(c));
}

/** "ABC DEF": easier to read off a projector. */
export function formatJoinCode(code: string): string {
  return code.length === 6 ? `${code.slice(0, 3)} ${code.slice(3)}` : code;
}
