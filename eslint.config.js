import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";

const config = [
  ...nextVitals,
  ...nextTs,
  {
    ignores: [".next/**", "node_modules/**", "lib/generated/**", ".data/**", "test-results/**", "playwright-report/**", "next-env.d.ts"],
  },
  {
    // Cycles are looked for in our own code, not inside packages.
    settings: { "import/ignore": ["node_modules"] },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      // Dependencies point one way (docs/architecture.md): no module may reach itself again
      // through its imports.
      "import/no-cycle": ["error", { ignoreExternal: true }],
    },
  },
  {
    // The domain knows no transport: it emits events (lib/events.server.ts) that lib/realtime/
    // listens to. lib/phone-client.ts (with its state, lib/phone-state.ts) and lib/presenter-client.ts are the phone's and the tutor's
    // sides of the protocol, with what they share in lib/live-client.ts, not domain.
    files: ["lib/**/*.ts"],
    ignores: ["lib/realtime/**", "lib/live-client.ts", "lib/phone-client.ts", "lib/phone-state.ts", "lib/presenter-client.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              regex: "(^@/lib/realtime/|/realtime/|^\\./realtime/)",
              message: "The domain imports nothing from lib/realtime/: emit an event (lib/events.server.ts) instead.",
            },
          ],
        },
      ],
    },
  },
];

export default config;
