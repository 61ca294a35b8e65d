import "server-only";
import { z } from "zod";

/**
 * Column parsers shared by the per-table query modules. Postgres returns BIGINT as a
 * string, SQLite as a number: both parse to the same value here.
 */

/** A timestamp column: epoch milliseconds in a BIGINT. */
export const epochMs = z.coerce.number().int();
