/**
 * The shape check of a record argument (an option value, a send's `prinfo`):
 * an object, its `type` tag (optional) the expected one, no field the record
 * lacks.
 *
 * @module
 */

/** Whether `v` is a plain object (not null, not an array). */
export function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

/**
 * `v` as a record tagged `tag` with only `fields` (and `type`); a TypeError
 * naming `what` otherwise.
 */
export function recordArg(
  v: unknown,
  tag: string,
  fields: readonly string[],
  what: string,
): Record<string, unknown> {
  if (!isRecord(v)) throw new TypeError(`${what}: expected a ${tag} record`);
  if (v.type !== undefined && v.type !== tag) {
    throw new TypeError(
      `${what}: expected a ${tag} record, got ${String(v.type)}`,
    );
  }
  for (const k of Object.keys(v)) {
    if (k !== "type" && !fields.includes(k)) {
      throw new TypeError(`${what}: unknown field ${k}`);
    }
  }
  return v;
}
