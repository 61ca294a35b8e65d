/**
 * Bounds on JSON from callers, measured without recursion. `JSON.parse` builds a
 * value of any depth iteratively, but `JSON.stringify`, zod's `z.json()` and
 * SQLite's JSON functions (at most 1000 levels) do not cope with one 10,000 levels
 * deep: the depth is checked here before any of them sees the value.
 */

/** Metadata objects (document, part, section, upload, front matter) nest at most this deep. */
export const MAX_METADATA_DEPTH = 32;
/** And serialize to at most this many bytes (UTF-8 JSON). */
export const MAX_METADATA_BYTES = 64 * 1024;
/**
 * Any JSON request body. Above every field's own limit (16 levels of sections, each
 * with 32-level metadata, reach 65), far below what anything recursive overflows on.
 */
export const MAX_BODY_DEPTH = 100;
/**
 * SQLite's JSON functions refuse text nested deeper than this ("malformed JSON").
 * Stored metadata beyond it predates the limits above; reads leave such values out.
 */
export const SQLITE_JSON_MAX_DEPTH = 999;

export interface JsonBounds {
  /** Containers (objects and arrays) nested at most this deep; the value itself is level 1. */
  maxDepth: number;
  /** Serialized size in UTF-8 bytes. */
  maxBytes?: number;
}

export const METADATA_BOUNDS: JsonBounds = {
  maxDepth: MAX_METADATA_DEPTH,
  maxBytes: MAX_METADATA_BYTES,
};

const sizeLabel = (bytes: number) => (bytes % 1024 === 0 ? `${bytes / 1024} KB` : `${bytes} bytes`);

/**
 * What is wrong with `value` ("is nested deeper than 32 levels", "is larger than
 * 64 KB"), or undefined. Iterative, and it stops at the first container past
 * `maxDepth`, so a cycle reads as too deep. With `maxBytes` the walk also stops
 * once a lower bound of the serialized size passes it, so a value with shared
 * parts (YAML aliases) costs at most about `maxBytes` steps.
 */
export function checkJsonBounds(value: unknown, bounds: JsonBounds): string | undefined {
  const { maxDepth, maxBytes = Number.POSITIVE_INFINITY } = bounds;
  const deep = `is nested deeper than ${maxDepth} levels`;
  const large = `is larger than ${sizeLabel(maxBytes)}`;
  const values: unknown[] = [value];
  const depths: number[] = [1];
  /** A lower bound of the JSON's length: UTF-16 units never outnumber UTF-8 bytes. */
  let bytes = 0;
  while (values.length > 0) {
    const v = values.pop();
    const depth = depths.pop() as number;
    if (typeof v === "string") bytes += v.length + 2;
    else if (typeof v !== "object" || v === null) bytes += 1;
    else {
      if (depth > maxDepth) return deep;
      bytes += 2;
      if (Array.isArray(v)) {
        for (const item of v) {
          values.push(item);
          depths.push(depth + 1);
        }
        bytes += Math.max(0, v.length - 1);
      } else {
        const keys = Object.keys(v);
        for (const key of keys) {
          values.push((v as Record<string, unknown>)[key]);
          depths.push(depth + 1);
          bytes += key.length + 3;
        }
        bytes += Math.max(0, keys.length - 1);
      }
    }
    if (bytes > maxBytes) return large;
  }
  // Bounded depth and no cycles: serializing is safe now, and exact.
  if (maxBytes !== Number.POSITIVE_INFINITY) {
    const text = JSON.stringify(value);
    if (text !== undefined && Buffer.byteLength(text, "utf8") > maxBytes) return large;
  }
  return undefined;
}

/**
 * Parses stored JSON text (metadata written before the limits existed may be very
 * deep): an object keeps only the keys whose values SQLite's JSON functions (and
 * `JSON.stringify`) can read, so one such value cannot break a listing or a query.
 * Text too short to be that deep (two characters per level at least) is not walked.
 */
export function parseStoredObject(text: string): Record<string, unknown> {
  const value = JSON.parse(text) as Record<string, unknown>;
  if (text.length < 2 * SQLITE_JSON_MAX_DEPTH || typeof value !== "object" || value === null) {
    return value;
  }
  if (checkJsonBounds(value, { maxDepth: SQLITE_JSON_MAX_DEPTH }) === undefined) return value;
  if (Array.isArray(value)) return {};
  const inner = { maxDepth: SQLITE_JSON_MAX_DEPTH - 1 };
  const kept: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (checkJsonBounds(v, inner) === undefined) kept[key] = v;
  }
  return kept;
}
