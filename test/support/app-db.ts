import { randomBytes } from "node:crypto";
import path from "node:path";
import pg from "pg";
import { afterAll, afterEach } from "vitest";
import { tempDir } from "./files";

/**
 * The engines the app-database suites run against: SQLite always, PostgreSQL when
 * TEST_DATABASE_URL names a database (.ci/run sets one up). Each Postgres database
 * is a fresh schema `test_<random>` of that database, dropped after the test file.
 *
 * Test files that import this must mock "server-only" (lib/db is loaded lazily).
 */

type SqlDriver = import("@/lib/db").SqlDriver;
type AppDbLocation = import("@/lib/db").AppDbLocation;

export interface AppDbEngine {
  /** "SQLite" or "PostgreSQL", to name the describe block. */
  name: string;
  dialect: SqlDriver["dialect"];
  /** A new, empty place for an app database: a file, or a URL to a new schema. */
  location(): Promise<AppDbLocation>;
  /** A new app database with its schema up to date, closed after the test. */
  open(): Promise<SqlDriver>;
}

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL?.trim() || undefined;

/** The title of the one skipped suite that says Postgres was not tested. */
export const POSTGRES_SKIPPED =
  "Postgres: set TEST_DATABASE_URL to run the app-database suite against PostgreSQL";

const opened: SqlDriver[] = [];
afterEach(async () => {
  for (const db of opened.splice(0)) await db.close();
});

async function openTracked(where: AppDbLocation): Promise<SqlDriver> {
  const { openAppDb } = await import("@/lib/db");
  const db = await openAppDb(where);
  opened.push(db);
  return db;
}

const sqlite: AppDbEngine = {
  name: "SQLite",
  dialect: "sqlite",
  location: async () => ({ file: path.join(tempDir("parley-db-"), "app.db") }),
  open: () => openTracked({ file: ":memory:" }),
};

function postgresEngine(baseUrl: string): AppDbEngine {
  let admin: pg.Pool | undefined;
  const schemas: string[] = [];
  afterAll(async () => {
    if (!admin) return;
    for (const schema of schemas.splice(0)) {
      await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    }
    await admin.end();
  });
  const location = async (): Promise<AppDbLocation> => {
    admin ??= new pg.Pool({ connectionString: baseUrl, max: 1 });
    const schema = `test_${randomBytes(6).toString("hex")}`;
    await admin.query(`CREATE SCHEMA ${schema}`);
    schemas.push(schema);
    return { url: withSearchPath(baseUrl, schema) };
  };
  return {
    name: "PostgreSQL",
    dialect: "postgres",
    location,
    open: async () => openTracked(await location()),
  };
}

/** The URL with every connection's search_path set to `schema` (libpq's `options`). */
export function withSearchPath(url: string, schema: string): string {
  const u = new URL(url);
  u.searchParams.set("options", `-c search_path=${schema}`);
  return u.toString();
}

export const appDbs: readonly AppDbEngine[] = TEST_DATABASE_URL
  ? [sqlite, postgresEngine(TEST_DATABASE_URL)]
  : [sqlite];

/** Every table of the current database (SQLite) or schema (Postgres), by name. */
export async function listTables(db: SqlDriver): Promise<string[]> {
  const rows =
    db.dialect === "sqlite"
      ? await db.all<{ name: string }>(
          "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name",
        )
      : await db.all<{ name: string }>(
          `SELECT table_name AS name FROM information_schema.tables
           WHERE table_schema = current_schema() ORDER BY table_name`,
        );
  return rows.map((r) => r.name);
}
