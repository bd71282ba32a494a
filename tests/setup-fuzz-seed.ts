// Runs in every test worker before the test files: with FUZZ_SEED set, every property (fast-check)
// that names no seed of its own draws its inputs from that seed, so a failure seen in a log (which
// prints the seed with the counterexample) is repeated with `FUZZ_SEED=<seed> npx vitest run <file>`.
import fc from "fast-check";

if (process.env.FUZZ_SEED) fc.configureGlobal({ ...fc.readConfigureGlobal(), seed: Number(process.env.FUZZ_SEED) });
