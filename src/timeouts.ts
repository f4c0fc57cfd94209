/**
 * Timeout arguments and timers. Every deadline in the library is on one
 * clock, `performance.now()` (monotonic).
 *
 * @module
 */

/**
 * A delay setTimeout takes: at most 2^31-1 ms (a longer one fires after
 * 1 ms, with a warning); a longer timeout sets its timer again when it fires.
 */
export const timerDelay = (ms: number): number =>
  Math.min(2 ** 31 - 1, Math.max(0, Math.ceil(ms)));

/** A gen_sctp timeout: ms (0..2^32-2), or -1 for "infinity"/undefined. */
export function timeoutArg(t: unknown, what: string): number {
  if (t === undefined || t === "infinity" || t === Infinity) return -1;
  if (typeof t !== "number" || !Number.isInteger(t)) {
    throw new TypeError(`${what}: timeout must be an integer or "infinity"`);
  }
  if (t < 0 || t > 4294967294) {
    throw new RangeError(`${what}: timeout ${t} is outside 0..4294967294`);
  }
  return t;
}

/** The deadline (performance.now()) of a timeout in ms; -1: Infinity. */
export const deadlineOf = (ms: number): number =>
  ms < 0 ? Infinity : performance.now() + ms;
