/**
 * What the poller (main thread) and the poll worker share: the control
 * block's layout, the poll flags and the reading of a readiness-queue wait.
 *
 * Control block (Int32): [0] stop, [1] batch sequence (bumped by the
 * worker), [2] entries in the batch, [3] sequence acknowledged by the main
 * thread, [4..5] (one Float64) when the worker's wait returned the batch
 * (epoch milliseconds), [6] set by the worker once it waits, [7] set before
 * its last (empty) batch after a stop, then the batch from [8]: fd, revents
 * pairs.
 *
 * @module
 */

export const STOP = 0, SEQ = 1, COUNT = 2, ACK = 3, STAMP = 4, READY = 6;
export const DONE = 7, BATCH = 8;
/** Entries one wait returns at most. */
export const MAX_EVENTS = 64;
export const CTL_BYTES = (BATCH + MAX_EVENTS * 2) * 4;
export { POLL_IN, POLL_OUT } from "./layout.ts";
/** sctp_shim_rq_arm: a persistent (level-triggered) watch; op "arm". */
export { POLL_PERSISTENT as PERSISTENT, RQ_MOD as ARM } from "./layout.ts";

/**
 * Appends the `[fd, revents]` pairs of a wait's `n` entries in `dv`
 * (sctp_shim_rq_wait output) to `ready`, leaving out the wake pipe; returns
 * whether the wake pipe was among them.
 */
export function collectReady(
  dv: DataView,
  n: number,
  wakeFd: number,
  ready: number[],
): boolean {
  let woken = false;
  for (let i = 0; i < n; i++) {
    const fd = dv.getInt32(i * 8, true);
    if (fd === wakeFd) woken = true;
    else ready.push(fd, dv.getUint16(i * 8 + 4, true));
  }
  return woken;
}
