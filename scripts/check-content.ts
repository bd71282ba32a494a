// Validates the content packs: `npx tsx scripts/check-content.ts [dir]`.
// The directory defaults to $CONTENT_DIR, then `content`. Prints "N packs OK" and exits 0, or
// lists every problem (file, field and line) and exits 1.
import { loadPacks, PackValidationError } from "../lib/packs.server";

const dir = process.argv[2] ?? process.env.CONTENT_DIR ?? "content";

try {
  const packs = await loadPacks(dir);
  console.log(`${packs.length} pack${packs.length === 1 ? "" : "s"} OK`);
  for (const pack of packs) {
    const n = pack.scenarios.length;
    console.log(`  ${pack.slug} (version ${pack.version}): ${n} scenario${n === 1 ? "" : "s"}`);
  }
} catch (error) {
  if (error instanceof PackValidationError) {
    console.error(`${error.problems.length} problem${error.problems.length === 1 ? "" : "s"} in ${dir}:`);
    for (const problem of error.problems) console.error(`  ${problem}`);
  } else {
    console.error(error);
  }
  process.exit(1);
}
