// Prisma 7 configuration. The connection URL lives here, not in schema.prisma.
//
// DATABASE_URL is optional: `prisma generate` (run by `npm install`) needs no database, and
// without DATABASE_URL the app uses its embedded PGlite database (see docs/database.md).
// Migrations are applied by `npm run db:migrate` with the Wasm schema engine, which works
// offline; `prisma migrate deploy` also works wherever Prisma can download its engine.
import { existsSync } from "node:fs";
import { defineConfig } from "prisma/config";

// Prisma 7 no longer reads .env by itself. Load it when present (never overriding real env).
if (existsSync(".env") && typeof process.loadEnvFile === "function") {
  try {
    process.loadEnvFile(".env");
  } catch {
    // A malformed .env must not break `prisma generate`.
  }
}

const url = process.env.DATABASE_URL;

export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  ...(url ? { datasource: { url } } : {}),
});
