/**
 * Flag sets as lists of names, where the name at index i is bit i (the
 * layout tables' order): decoding for records and events, encoding with a
 * TypeError naming the argument.
 *
 * @module
 */

/** The names of the bits set in `bits` (holes in `names` are skipped). */
export function bitNames<T extends string>(
  bits: number,
  names: readonly (T | undefined)[],
): T[] {
  const out: T[] = [];
  names.forEach((n, i) => {
    if (n !== undefined && bits & (1 << i)) out.push(n);
  });
  return out;
}

/**
 * A list of names -> the bits (`undefined` is no flag); a TypeError naming
 * `what` for anything else or an unknown name.
 */
export function namesToBits(
  v: unknown,
  names: readonly (string | undefined)[],
  what: string,
): number {
  if (v === undefined) return 0;
  if (!Array.isArray(v)) throw new TypeError(`${what}: expected a list`);
  let bits = 0;
  for (const f of v) {
    const i = typeof f === "string" ? names.indexOf(f) : -1;
    if (i < 0) throw new TypeError(`${what}: unknown flag ${String(f)}`);
    bits |= 1 << i;
  }
  return bits >>> 0;
}
