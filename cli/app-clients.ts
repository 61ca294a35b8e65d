import path from "node:path";
import { z } from "zod";
import { ConfigError, loadConfig } from "@/lib/config";
import {
  type AppClientRow,
  corpusKeySchema,
  createAppClient,
  type DB,
  deleteAppClient,
  getAppClientByClientId,
  getAppClientById,
  type KeyRole,
  listAppClients,
  openDatabase,
  updateAppClient,
} from "@/lib/engine";
import { parseCommandLine, UsageError } from "./args";

/**
 * `npm run app-clients -- <command>`: manage the local engine's OAuth app clients
 * in `$DATA_DIR/engine.db`, the database the server uses, through the engine's public
 * entry. The engine is plain Node (no `server-only` modules), so tsx needs no extra
 * conditions.
 */

const USAGE = `Usage: npm run app-clients -- <command>

Commands:
  add <name> --role <serving|serving_and_indexing|personal> [--corpus k1,k2]
                              create a client; prints its client id and secret once
  list                        list every client
  disable <client_id>         refuse the client's credentials and revoke its tokens
  enable <client_id>          accept the client's credentials again
  delete <client_id>          delete the client and its tokens

A client gets access tokens from POST /oauth2/token (form) or /oauth/token (JSON)
with grant_type=client_credentials. --corpus limits a non-personal client to those
corpora. <client_id> may also be the client's app_… id.`;

class CommandError extends Error {}

const ROLES = ["serving", "serving_and_indexing", "personal"] as const;

type Command =
  | { name: "add"; clientName: string; role: KeyRole; corpusKeys: string[] | null }
  | { name: "list" }
  | { name: "disable" | "enable" | "delete"; clientId: string }
  | { name: "help" };

function parseRole(value: string): KeyRole {
  const parsed = z.enum(ROLES).safeParse(value);
  if (!parsed.success) {
    throw new UsageError(
      value ? `unknown role: ${value} (use ${ROLES.join(", ")})` : "--role needs a value",
    );
  }
  return parsed.data;
}

function parseCorpora(value: string): string[] {
  if (!value) throw new UsageError("--corpus needs a comma-separated list of corpus keys");
  const keys = value
    .split(",")
    .map((k) => k.trim())
    .filter(Boolean);
  const checked = z.array(corpusKeySchema).min(1).max(100).safeParse(keys);
  if (!checked.success) {
    throw new UsageError(`--corpus: ${checked.error.issues[0]?.message ?? "is invalid"}`);
  }
  return [...new Set(checked.data)];
}

function parseAppClientsArgs(argv: readonly string[]): Command {
  const [name, ...rest] = argv;
  if (!name || name === "help" || name === "--help" || name === "-h") return { name: "help" };
  const args = () => parseCommandLine(rest, { options: {}, allowPositionals: true }).positionals;
  switch (name) {
    case "add": {
      const { values, positionals } = parseCommandLine(rest, {
        options: { role: { type: "string" }, corpus: { type: "string" } },
        allowPositionals: true,
      });
      const role = values.role === undefined ? undefined : parseRole(values.role);
      const corpusKeys = values.corpus === undefined ? null : parseCorpora(values.corpus);
      if (positionals.length !== 1) throw new UsageError("add takes one name (quote it)");
      const clientName = (positionals[0] as string).trim();
      if (!clientName || clientName.length > 200) {
        throw new UsageError("the name must be 1 to 200 characters");
      }
      if (!role) throw new UsageError(`add needs --role <${ROLES.join("|")}>`);
      if (role === "personal" && corpusKeys) {
        throw new UsageError("a personal client reaches every corpus: drop --corpus");
      }
      return { name, clientName, role, corpusKeys };
    }
    case "list":
      if (args().length) throw new UsageError("list takes no arguments");
      return { name };
    case "disable":
    case "enable":
    case "delete": {
      const ids = args();
      if (ids.length !== 1) throw new UsageError(`${name} takes one client id`);
      return { name, clientId: ids[0] as string };
    }
    default:
      throw new UsageError(`unknown command: ${name}`);
  }
}

function requireClient(db: DB, clientId: string): AppClientRow {
  const client = getAppClientByClientId(db, clientId) ?? getAppClientById(db, clientId);
  if (!client) throw new CommandError(`No app client has the id ${clientId}.`);
  return client;
}

function formatClients(clients: readonly AppClientRow[]): string {
  if (clients.length === 0) {
    return "No app clients yet. Add one with: npm run app-clients -- add <name> --role serving\n";
  }
  const rows = [
    ["CLIENT_ID", "NAME", "ROLE", "CORPORA", "STATUS", "CREATED"],
    ...clients.map((c) => [
      c.clientId,
      c.name,
      c.role,
      c.corpusKeys?.join(",") ?? "*",
      c.enabled ? "enabled" : "disabled",
      c.createdAt.slice(0, 16).replace("T", " "),
    ]),
  ];
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length))) ?? [];
  return `${rows
    .map((r) =>
      r
        .map((cell, i) => cell.padEnd(widths[i] ?? 0))
        .join("  ")
        .trimEnd(),
    )
    .join("\n")}\n`;
}

function run(command: Exclude<Command, { name: "help" }>, db: DB): string {
  switch (command.name) {
    case "add": {
      const { client, secret } = createAppClient(db, {
        name: command.clientName,
        role: command.role,
        corpusKeys: command.corpusKeys,
      });
      return [
        `Added app client ${client.name} (${client.role}, corpora: ${client.corpusKeys?.join(",") ?? "all"}).`,
        `client_id:     ${client.clientId}`,
        `client_secret: ${secret}`,
        "The secret is shown only now: store it somewhere safe.",
        "",
      ].join("\n");
    }
    case "list":
      return formatClients(listAppClients(db));
    case "disable":
    case "enable": {
      const client = requireClient(db, command.clientId);
      const enabled = command.name === "enable";
      updateAppClient(db, client.id, { enabled });
      return enabled
        ? `Enabled ${client.clientId}.\n`
        : `Disabled ${client.clientId}: its credentials are refused and its tokens revoked.\n`;
    }
    case "delete": {
      const client = requireClient(db, command.clientId);
      deleteAppClient(db, client.id);
      return `Deleted ${client.clientId} and its tokens.\n`;
    }
  }
}

function main(argv: string[]): number {
  let command: Command;
  try {
    command = parseAppClientsArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`app-clients: ${error.message}\n\n${USAGE}\n`);
    return 2;
  }
  if (command.name === "help") {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  let dataDir: string;
  try {
    const config = loadConfig();
    if (config.mode === "remote") {
      process.stderr.write(
        "app-clients: Parley is configured for Vectara (remote mode); manage app clients in Vectara's console. This command manages the local engine's.\n",
      );
      return 2;
    }
    dataDir = path.resolve(config.dataDir);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    return 2;
  }
  const db = openDatabase(path.join(dataDir, "engine.db"));
  try {
    process.stdout.write(run(command, db));
    return 0;
  } catch (error) {
    if (error instanceof CommandError) {
      process.stderr.write(`app-clients: ${error.message}\n`);
      return 1;
    }
    throw error;
  } finally {
    db.close();
  }
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (error) {
  process.stderr.write(`app-clients: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}
