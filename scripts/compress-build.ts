// After `next build`: the build's scripts and styles compressed once in Brotli, so that the
// server does not spend the first hall's CPU on it (lib/static-brotli.server.ts).
import { compressBuild } from "@/lib/static-brotli.server";

const started = Date.now();
const count = await compressBuild(".next");
console.log(`Compressed ${count} scripts and styles in ${Date.now() - started} ms`);
