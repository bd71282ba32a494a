// Runs in every test worker before the test files: points DATABASE_URL at the database that
// tests/global-setup.ts prepared, whatever the worker inherited from the parent's environment.
import { inject } from "vitest";

process.env.DATABASE_URL = inject("databaseUrl");
