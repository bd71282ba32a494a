// Browser tests: one tutor and many phones, each a separate context, in real Chromium.
// The app is started on its own port with a fresh database (see scripts/e2e-server.ts).
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { defineConfig, devices } from "@playwright/test";
import { OIDC_CLIENT, OIDC_ISSUER, OIDC_PORT } from "./e2e/oidc-provider";

const port = Number(process.env.E2E_PORT ?? 3100);
// The demo tutor's password for this run: chosen here, handed to the server (DEMO_PASSWORD) and,
// through the environment the workers inherit, to e2e/fixtures.ts.
process.env.E2E_DEMO_PASSWORD ??= randomBytes(18).toString("base64url");
// E2E_BASE_URL: run against a server that is already up (e.g. `npm run dev`) instead of starting one.
const external = process.env.E2E_BASE_URL;
const executablePath = process.env.CHROMIUM_PATH ?? (existsSync("/usr/bin/chromium") ? "/usr/bin/chromium" : undefined);

export default defineConfig({
  testDir: "e2e",
  outputDir: process.env.E2E_OUTPUT_DIR ?? "test-results",
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 120_000,
  expect: { timeout: 10_000 },
  reporter: process.env.CI ? [["list"]] : [["list"]],
  use: {
    baseURL: external ?? `http://127.0.0.1:${port}`,
    trace: "retain-on-failure",
    launchOptions: {
      executablePath,
      args: ["--no-sandbox", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
    },
  },
  projects: [{ name: "chromium", use: { ...devices["Desktop Chrome"], channel: undefined } }],
  webServer: external
    ? undefined
    : [
        {
          command: "npx tsx scripts/e2e-server.ts",
          url: `http://127.0.0.1:${port}/api/health`,
          // Single sign-on against the local provider below (e2e/oidc.spec.ts).
          env: {
            PORT: String(port),
            OIDC_ISSUER,
            OIDC_CLIENT_ID: OIDC_CLIENT.id,
            OIDC_CLIENT_SECRET: OIDC_CLIENT.secret,
            OIDC_NAME: OIDC_CLIENT.name,
            DEMO_PASSWORD: process.env.E2E_DEMO_PASSWORD,
          },
          timeout: 300_000,
          reuseExistingServer: false,
          stdout: "pipe",
          stderr: "pipe",
        },
        {
          command: "npx tsx e2e/oidc-provider.ts",
          url: `${OIDC_ISSUER}/.well-known/openid-configuration`,
          env: { E2E_OIDC_PORT: String(OIDC_PORT), E2E_PORT: String(port) },
          timeout: 60_000,
          reuseExistingServer: false,
          stdout: "pipe",
          stderr: "pipe",
        },
      ],
});
