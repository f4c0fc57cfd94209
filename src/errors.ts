/**
 * `SctpError`, gen_sctp's `{error, Reason}`, and errno decoding.
 *
 * @module
 */
import { lib } from "./lib.ts";

/**
 * The rejection of a gen_sctp operation: `reason` is gen_sctp's reason, a
 * POSIX atom such as `"einval"`, `"eaddrinuse"`, `"timeout"`, `"closed"`,
 * or an event record (for example a `cant_assoc` `sctp_assoc_change`, or the
 * `sctp_send_failed` record that a passive `recv` rejects with).
 *
 * @example Matching a reason
 * ```ts
 * import { open, SctpError } from "./mod.ts";
 * const s = await open();
 * await s.close();
 * try {
 *   await s.recv();
 * } catch (e) {
 *   if (e instanceof SctpError && e.reason === "closed") console.log("closed");
 * }
 * ```
 */
export class SctpError extends Error {
  /** gen_sctp's reason: a posix atom string or an event record. */
  readonly reason: string | { type: string };
  /** For error-class events: the message they arrived in. */
  readonly detail?: unknown;

  /** Creates an error with gen_sctp's `reason`. */
  constructor(
    reason: string | { type: string },
    message?: string,
    detail?: unknown,
  ) {
    super(
      message ??
        (typeof reason === "string" ? reason : `${reason.type} event`),
    );
    this.name = "SctpError";
    this.reason = reason;
    if (detail !== undefined) this.detail = detail;
  }
}

const names = new Map<number, string>();
const nameBuf = new Uint8Array(32);

/** The POSIX atom of a negative shim result (`-EINVAL` -> `"einval"`). */
export function errnoName(neg: number): string {
  const e = -neg;
  let n = names.get(e);
  if (n === undefined) {
    const len = lib.sctp_shim_errname(e, nameBuf, nameBuf.length);
    n = len > 0
      ? new TextDecoder().decode(nameBuf.subarray(0, len))
      : `errno${e}`;
    names.set(e, n);
  }
  return n;
}

/** Throws the SctpError of a negative shim result; returns it otherwise. */
export function check(r: number, what?: string): number {
  if (r < 0) {
    const n = errnoName(r);
    throw new SctpError(n, what ? `${what}: ${n}` : n);
  }
  return r;
}

/** Whether a negative shim result is EAGAIN. */
export function isEagain(r: number): boolean {
  return r < 0 && errnoName(r) === "eagain";
}
