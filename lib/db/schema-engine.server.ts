// Offline access to Prisma's schema engine (the part of `prisma migrate` that diffs schemas and
// applies migrations), using the Wasm build from npm instead of the native binary that the
// Prisma CLI downloads on first use. The engine talks to PostgreSQL through @prisma/adapter-pg.
import { readFileSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import { randomUUID } from "node:crypto";
import { createRequire } from "node:module";
import path from "node:path";

import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import {
  ColumnTypeEnum,
  bindMigrationAwareSqlAdapterFactory,
  type SqlMigrationAwareDriverAdapterFactory,
} from "@prisma/driver-adapter-utils";
import type { MigrationList, SchemaEngine } from "@prisma/schema-engine-wasm";

export const PROJECT_ROOT = process.cwd();
export const MIGRATIONS_DIR = path.join(PROJECT_ROOT, "prisma", "migrations");
export const SCHEMA_PATH = path.join(PROJECT_ROOT, "prisma", "schema.prisma");
export const MIGRATION_LOCK_FILE = "migration_lock.toml";

type SchemaEngineModule = typeof import("@prisma/schema-engine-wasm");

let enginePromise: Promise<SchemaEngineModule> | undefined;

let lastPanicMessage: string | undefined;

/** The message of the last panic inside the Wasm engine (it then throws "unreachable"). */
export function takeEnginePanicMessage(): string | undefined {
  const message = lastPanicMessage;
  lastPanicMessage = undefined;
  return message;
}

/**
 * Loads the Wasm schema engine. Its package entry imports the `.wasm` file as an ES module,
 * which Node 20 cannot do, so the module is compiled by hand and handed to the JS glue.
 */
function loadSchemaEngineModule(): Promise<SchemaEngineModule> {
  enginePromise ??= (async () => {
    // The engine reports Rust panics through this global before trapping ("unreachable"). The
    // trap can surface as an uncaught exception, so the reason is printed right away too; and a
    // module that panicked is not reused.
    const registry = {
      set_message: (message: string) => {
        lastPanicMessage = message;
        enginePromise = undefined;
        console.error(`[schema-engine] panic: ${message}`);
      },
    };
    (globalThis as { PRISMA_WASM_PANIC_REGISTRY?: typeof registry }).PRISMA_WASM_PANIC_REGISTRY ??= registry;
    const require = createRequire(import.meta.url);
    // The package exports no "./package.json"; its main entry sits beside the .wasm file.
    const pkgDir = path.dirname(require.resolve("@prisma/schema-engine-wasm"));
    const glue = (await import(
      "@prisma/schema-engine-wasm/schema_engine_bg"
    )) as unknown as SchemaEngineModule & {
      __wbg_set_wasm(exports: WebAssembly.Exports): void;
    };
    const wasmModule = new WebAssembly.Module(readFileSync(path.join(pkgDir, "schema_engine_bg.wasm")));
    const instance = new WebAssembly.Instance(wasmModule, {
      "./schema_engine_bg.js": glue as unknown as WebAssembly.ModuleImports,
    });
    glue.__wbg_set_wasm(instance.exports);
    (instance.exports.__wbindgen_start as () => void)();
    return glue;
  })();
  enginePromise.catch(() => {
    enginePromise = undefined;
  });
  return enginePromise;
}

export interface EngineHandle {
  engine: SchemaEngine;
  /** Frees the engine and closes every connection it opened. */
  dispose(): Promise<void>;
}

/**
 * Creates a schema engine connected to `databaseUrl`. A shadow database is only needed by
 * commands that replay the migrations on a scratch database (`diff` from migrations):
 * - `shadowDatabaseUrl`: an empty database that may be written to and thrown away afterwards;
 * - `shadowServerUrl`: a PostgreSQL server on which a temporary database is created and dropped,
 *   as `prisma migrate dev` does.
 */
export async function openSchemaEngine(options: {
  databaseUrl: string;
  shadowDatabaseUrl?: string;
  shadowServerUrl?: string;
  datamodels?: [path: string, content: string][];
  log?: (message: string) => void;
}): Promise<EngineHandle> {
  const wasm = await loadSchemaEngineModule();
  const disposables: Array<{ dispose(): Promise<void> }> = [];

  const main = new PrismaPg({ connectionString: options.databaseUrl, max: 1 });
  // The engine asks the factory for connections; keep track of them so that dispose() can close
  // every pool (an open pg pool would keep the process alive and PGlite's session busy).
  const factory: SqlMigrationAwareDriverAdapterFactory = {
    provider: main.provider,
    adapterName: main.adapterName,
    async connect() {
      const adapter = patchAdapter(await main.connect());
      disposables.push(adapter);
      return adapter;
    },
    async connectToShadowDb() {
      if (options.shadowDatabaseUrl) {
        const adapter = patchAdapter(await new PrismaPg({ connectionString: options.shadowDatabaseUrl, max: 1 }).connect());
        disposables.push(adapter);
        return adapter;
      }
      if (options.shadowServerUrl) {
        // Not PrismaPg.connectToShadowDb(): with a connection string, pg lets the string's
        // database win over the scratch database it names, so it would migrate the server's
        // default database instead.
        const { url, drop } = await createScratchDatabase(options.shadowServerUrl);
        const adapter = patchAdapter(await new PrismaPg({ connectionString: url, max: 1 }).connect());
        disposables.push({
          async dispose() {
            try {
              await adapter.dispose();
            } finally {
              await drop();
            }
          },
        });
        return adapter;
      }
      throw new Error("This schema engine command needs a shadow database, and none was given.");
    },
  };
  const log = options.log ?? (() => {});
  const engine = await wasm.SchemaEngine.new(
    { datamodels: options.datamodels },
    (message: string) => log(message),
    bindMigrationAwareSqlAdapterFactory(factory),
  );
  return {
    engine,
    async dispose() {
      try {
        engine.free();
      } finally {
        await Promise.allSettled(disposables.map((d) => d.dispose()));
      }
    },
  };
}

// PostgreSQL catalog types that @prisma/adapter-pg 7.10 cannot map to a Prisma column type. The
// schema engine meets them when it describes a database (pg_class.relkind, pg_constraint.contype
// are "char"), and the adapter then fails with "Column type 'char' could not be deserialized".
// "char" is reported as a Character column (the engine reads it as one); the others as text.
const PG_CHAR_OID = 18;
const CATALOG_TEXT_OIDS = new Set([
  22, // int2vector
  24, // regproc
  30, // oidvector
  194, // pg_node_tree
  1033, // aclitem
  2205, // regclass
  2206, // regtype
]);
const PG_TEXT_OID = 25;

type PgResult = { fields: Array<{ dataTypeID: number }>; rows: unknown[] };
type ResultSet = { columnTypes: number[]; rows: unknown[] };
interface PatchablePgAdapter {
  performIO?: (query: unknown) => Promise<PgResult>;
  queryRaw?: (query: unknown) => Promise<ResultSet>;
  executeScript?: (script: string) => Promise<void>;
  onError?: (error: unknown) => never;
  underlyingDriver?: () => { query(text: string): Promise<unknown> };
}

// Result rows → indexes of their "char" columns (queryRaw passes pg's rows array through).
const charColumns = new WeakMap<unknown[], number[]>();

/**
 * Fixes to @prisma/adapter-pg 7.10's adapter for the schema engine's needs:
 * - catalog types it cannot map (above);
 * - `executeScript` (how the engine runs a migration.sql) splits the script on every ";", which
 *   breaks on a ";" inside a string, a comment or a DO $$ … $$ block, and runs the pieces one by
 *   one. Here the whole script goes to PostgreSQL as one simple-protocol query, as the native
 *   engine does: multi-statement queries run in one implicit transaction, so a migration that
 *   fails leaves nothing half-applied (unless it manages transactions itself).
 */
function patchAdapter<T extends object>(adapter: T): T {
  const target = adapter as unknown as PatchablePgAdapter;
  const { performIO, queryRaw, onError, underlyingDriver } = target;
  if (
    typeof performIO !== "function" ||
    typeof queryRaw !== "function" ||
    typeof onError !== "function" ||
    typeof underlyingDriver !== "function"
  ) {
    throw new Error("@prisma/adapter-pg changed: cannot patch PrismaPgAdapter (see lib/db/schema-engine.server.ts).");
  }
  target.performIO = async function (this: unknown, query: unknown) {
    const result = await performIO.call(this, query);
    const chars: number[] = [];
    result.fields.forEach((field, index) => {
      if (field.dataTypeID === PG_CHAR_OID) {
        chars.push(index);
        field.dataTypeID = PG_TEXT_OID;
      } else if (CATALOG_TEXT_OIDS.has(field.dataTypeID)) {
        field.dataTypeID = PG_TEXT_OID;
      }
    });
    if (chars.length > 0) charColumns.set(result.rows, chars);
    return result;
  };
  target.queryRaw = async function (this: unknown, query: unknown) {
    const result = await queryRaw.call(this, query);
    for (const index of charColumns.get(result.rows) ?? []) result.columnTypes[index] = ColumnTypeEnum.Character;
    return result;
  };
  target.executeScript = async (script: string) => {
    try {
      await underlyingDriver.call(adapter).query(script);
    } catch (error) {
      onError.call(adapter, error);
    }
  };
  return adapter;
}

/** Creates an empty database on the server of `serverUrl`; `drop()` removes it. */
export async function createScratchDatabase(
  serverUrl: string,
  prefix = "prisma_migrate_shadow_db_",
): Promise<{ url: string; name: string; drop(): Promise<void> }> {
  const name = `${prefix}${randomUUID().replaceAll("-", "")}`;
  const run = async (sql: string) => {
    const client = new pg.Client({ connectionString: serverUrl });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await run(`CREATE DATABASE "${name}"`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    drop: () => run(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`),
  };
}

/** Reads prisma/migrations the way the Prisma CLI does (folders sorted by name). */
export async function readMigrationsList(migrationsDir = MIGRATIONS_DIR): Promise<MigrationList> {
  let entries: import("node:fs").Dirent[] = [];
  try {
    entries = await readdir(migrationsDir, { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  const folders = entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
  const migrationDirectories = await Promise.all(
    folders.map(async (name) => {
      const file = path.join(migrationsDir, name, "migration.sql");
      const content = await readFile(file, "utf8").then(
        (value) => ({ tag: "ok" as const, value }),
        (error: Error) => ({ tag: "error" as const, value: error.message }),
      );
      return { path: name, migrationFile: { path: "migration.sql", content } };
    }),
  );
  const lockfileContent = await readFile(path.join(migrationsDir, MIGRATION_LOCK_FILE), "utf8").catch(
    () => null,
  );
  return {
    baseDir: migrationsDir,
    lockfile: { path: MIGRATION_LOCK_FILE, content: lockfileContent },
    shadowDbInitScript: "",
    migrationDirectories,
  };
}

export const NO_FILTER = { externalTables: [], externalEnums: [] };

/** Turns whatever the Wasm engine threw into an Error with a readable message. */
export function engineError(prefix: string, error: unknown): Error {
  let detail: string;
  const panic = takeEnginePanicMessage();
  if (panic) return new Error(`${prefix}: the schema engine crashed: ${panic}`, { cause: error });
  if (error instanceof Error) detail = error.message;
  else if (typeof error === "string") detail = error;
  else {
    try {
      detail = JSON.stringify(error);
    } catch {
      detail = String(error);
    }
  }
  return new Error(`${prefix}: ${detail}`, { cause: error });
}
