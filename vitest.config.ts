// Unit and integration tests (Playwright's end-to-end tests in e2e/ are separate).
// tests/global-setup.ts prepares one migrated database for the run: a fresh database on the
// PostgreSQL server in TEST_DATABASE_URL, or else an embedded PGlite in a temporary directory.
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const root = fileURLToPath(new URL(".", import.meta.url));

export default defineConfig({
  resolve: {
    alias: { "@": root.replace(/\/$/, "") },
  },
  test: {
    environment: "node",
    include: ["lib/**/*.test.ts", "tests/**/*.test.ts"],
    exclude: ["e2e/**", "node_modules/**", ".next/**", ".data/**"],
    globalSetup: ["tests/global-setup.ts"],
    setupFiles: ["tests/setup-database-env.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
