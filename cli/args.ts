import { type ParseArgsConfig, parseArgs } from "node:util";

/** A mistake on the command line: the CLI prints it, then its usage, and exits 2. */
export class UsageError extends Error {
  override name = "UsageError";
}

/**
 * `node:util` parseArgs in strict mode, its errors turned into a UsageError that names the
 * argument as typed: "unknown option -x", "--corpus needs a value", "--prune takes no value".
 * As in parseArgs, a value that starts with "-" must be given inline (`--corpus=-kb`).
 */
export function parseCommandLine<const T extends Omit<ParseArgsConfig, "args" | "strict">>(
  args: readonly string[],
  config: T,
) {
  try {
    return parseArgs({ ...config, args, strict: true as const });
  } catch (error) {
    if (!String((error as { code?: unknown })?.code).startsWith("ERR_PARSE_ARGS_")) throw error;
    throw new UsageError(firstMistake(args, config) ?? (error as Error).message);
  }
}

/** The first argument strict parsing refuses, read from the lenient parse's tokens. */
function firstMistake(args: readonly string[], config: ParseArgsConfig): string | undefined {
  const options = config.options ?? {};
  const { tokens } = parseArgs({ ...config, args, strict: false, tokens: true });
  for (const token of tokens) {
    if (token.kind === "positional" && !config.allowPositionals) {
      return `unexpected argument ${token.value}`;
    }
    if (token.kind !== "option") continue;
    const type = Object.hasOwn(options, token.name) ? options[token.name]?.type : undefined;
    const { rawName, value, inlineValue } = token;
    // "-hx" is reported as typed, not as the "-h" parseArgs splits it into.
    if (!type) return `unknown option ${(args[token.index] ?? rawName).split("=")[0]}`;
    if (type === "boolean" && value !== undefined) return `${rawName} takes no value`;
    if (type === "string" && value === undefined) return `${rawName} needs a value`;
    if (type === "string" && !inlineValue && value?.startsWith("-")) {
      return value.startsWith("--")
        ? `${rawName} needs a value`
        : `${rawName} needs a value (write ${rawName}=${value} for one that starts with -)`;
    }
  }
  return undefined;
}
