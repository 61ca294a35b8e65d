// Creates a fresh, empty Postgres database for one e2e run and prints its URL.
// Usage: node scripts/create-e2e-database.mjs postgres://user:pass@host:5432/postgres
// The e2e config calls it once per run (playwright.config.ts), so two-instance tests never
// see another run's rows. Old e2e databases are dropped at the same time.
import { randomBytes } from "node:crypto";
import pg from "pg";

const admin = process.argv[2];
if (!admin || !/^postgres(ql)?:\/\//.test(admin)) {
  console.error("usage: create-e2e-database.mjs <postgres://… URL of a database to connect to>");
  process.exit(2);
}
const client = new pg.Client({ connectionString: admin });
await client.connect();
try {
  // Leftovers of earlier runs (older than an hour) go, so the server does not fill up.
  const { rows } = await client.query(
    `SELECT datname FROM pg_database WHERE datname LIKE 'parley_e2e_%'
       AND datname < $1`,
    [`parley_e2e_${Date.now() - 3_600_000}`],
  );
  for (const { datname } of rows) {
    await client.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`).catch(() => {});
  }
  const name = `parley_e2e_${Date.now()}_${randomBytes(3).toString("hex")}`;
  await client.query(`CREATE DATABASE "${name}"`);
  const url = new URL(admin);
  url.pathname = `/${name}`;
  process.stdout.write(url.toString());
} finally {
  await client.end();
}
