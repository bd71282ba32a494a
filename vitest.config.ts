// Unit and integration tests (Playwright's end-to-end tests in e2e/ are separate), in two groups:
// - "unit" (`npm run test:unit`): everything that needs no build. App processes started by
//   these tests serve the live channel alone (PAGES=false: socket.io without Next.js).
// - "pages" (`npm run test:pages`): the few that request the web pages of a production build
//   (sign-in, page permissions, security headers, the health check); the build is made first if
//   stale, as for Playwright.
// tests/global-setup.ts prepares one migrated database for the run: a fresh database on the
// PostgreSQL server in TEST_DATABASE_URL, or else an embedded PGlite in a temporary directory.
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const root = fileURLToPath(new URL(".", import.meta.url));

/** Tests that start app processes with `pages: true` (tests/helpers/app-server.ts refuses it elsewhere). */
const PAGE_TESTS = [
  "tests/accounts.integration.test.ts",
  "tests/auth.integration.test.ts",
  "tests/cohort-permissions.integration.test.ts",
  "tests/database-failures.integration.test.ts",
  "tests/http-fuzz.integration.test.ts",
  "tests/phone-page.integration.test.ts",
  "tests/security-headers.integration.test.ts",
  "tests/tutor-access.integration.test.ts",
];

/** What both groups share; each group runs tests/global-setup.ts once for itself. */
const shared = {
  environment: "node" as const,
  globalSetup: ["tests/global-setup.ts"],
  setupFiles: ["tests/setup-database-env.ts", "tests/setup-fuzz-seed.ts"],
  testTimeout: 30_000,
  hookTimeout: 60_000,
};

export default defineConfig({
  resolve: {
    alias: { "@": root.replace(/\/$/, "") },
  },
  test: {
    projects: [
      {
        extends: true,
        test: {
          ...shared,
          name: "unit",
          include: ["lib/**/*.test.ts", "tests/**/*.test.ts"],
          exclude: ["e2e/**", "node_modules/**", ".next/**", ".data/**", ...PAGE_TESTS],
          provide: { pages: false },
        },
      },
      { extends: true, test: { ...shared, name: "pages", include: PAGE_TESTS, provide: { pages: true } } },
    ],
  },
});
