/**
 * gen_sctp `error_string/1`.
 *
 * @module
 */

const TABLE = [
  "ok",
  "Invalid Stream Identifier",
  "Missing Mandatory Parameter",
  "Stale Cookie Error",
  "Out of Resource",
  "Unresolvable Address",
  "Unrecognized Chunk Type",
  "Invalid Mandatory Parameter",
  "Unrecognized Parameters",
  "No User Data",
  "Cookie Received While Shutting Down",
  "Restart of an Association with New Addresses",
  "User Initiated Abort",
  "Protocol Violation",
];

/**
 * Translates an SCTP error number (as in `sctp_remote_error.error` or
 * `sctp_send_failed.error`) to gen_sctp's description: `"ok"` for 0, a
 * string for 1..13, `"unknown_error"` otherwise; TypeError for a non-integer.
 *
 * @example
 * ```ts
 * import { errorString } from "./mod.ts";
 * console.log(errorString(12)); // "User Initiated Abort"
 * ```
 */
export function errorString(n: number): string {
  if (typeof n !== "number" || !Number.isInteger(n)) {
    throw new TypeError("errorString: expected an integer");
  }
  return TABLE[n] ?? "unknown_error";
}
