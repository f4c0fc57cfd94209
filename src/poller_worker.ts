/**
 * The poll worker: one per process. Blocks in the shim's readiness queue
 * (epoll/kqueue, one-shot arms made by the main thread) and posts
 * `[fd, revents, ...]` batches to the main thread: through the shared
 * control block and Atomics.notify (layout in poll_ctl.ts), or postMessage
 * where Atomics.waitAsync is missing. A pipe wakes it to stop.
 *
 * @module
 */
import { openShim } from "../ffi/load.ts";
import {
  ACK,
  ARM,
  BATCH,
  collectReady,
  COUNT,
  DONE,
  MAX_EVENTS,
  POLL_IN,
  POLL_OUT,
  READY,
  SEQ,
  STAMP,
  STOP,
} from "./poll_ctl.ts";

interface Init {
  libPath: string;
  ctl: SharedArrayBuffer;
  queue: number;
  wakeFd: number;
  shared: boolean;
}

const WAIT_MS = 1000;

self.onmessage = (ev: MessageEvent<Init>) => {
  self.onmessage = null;
  try {
    run(ev.data);
  } catch (e) {
    // Never an uncaught error in the worker (it would end the process after
    // the caller's code ran): a string message, which the main thread does
    // not take for a batch, says why; the main thread polls the queue itself
    // while READY is unset.
    const post = (self as unknown as { postMessage(m: unknown): void })
      .postMessage.bind(self);
    post(`gen_sctp poll worker: ${(e as Error)?.message ?? String(e)}`);
    closeSelf();
  }
};

function run(init: Init): void {
  const { libPath, queue, wakeFd, shared } = init;
  const ctl = new Int32Array(init.ctl);
  const stamp = new Float64Array(init.ctl, STAMP * 4, 1);
  const lib = openShim(libPath);
  // the main thread polls the queue itself until this is set
  Atomics.store(ctl, READY, 1);
  const out = new Uint8Array(MAX_EVENTS * 8);
  const dv = new DataView(out.buffer);
  const post = (self as unknown as { postMessage(m: unknown): void })
    .postMessage.bind(self);
  // Stopping without the shared block: readiness taken from the one-shot
  // queue after the main thread stopped listening would be lost; arm it
  // again for whoever waits next (at worst a spurious wake-up: handlers
  // read their own state, not revents).
  const rearm = (ready: number[]) => {
    for (let i = 0; i < ready.length; i += 2) {
      lib.sctp_shim_rq_arm(queue, ready[i], POLL_IN | POLL_OUT, ARM);
    }
  };
  // hands a batch over once the main thread has taken the previous one
  const publish = (ready: number[], woke: number) => {
    // after a stop the main thread listens for a few seconds at most: do not
    // wait for it forever
    for (let late = 0; late < 3;) {
      const ack = Atomics.load(ctl, ACK);
      if (ack === Atomics.load(ctl, SEQ)) break;
      if (Atomics.wait(ctl, ACK, ack, WAIT_MS) === "timed-out") {
        if (Atomics.load(ctl, STOP) !== 0) late++;
      }
    }
    for (let i = 0; i < ready.length; i++) ctl[BATCH + i] = ready[i];
    stamp[0] = woke;
    Atomics.store(ctl, COUNT, ready.length);
    Atomics.add(ctl, SEQ, 1);
    Atomics.notify(ctl, SEQ);
  };
  while (Atomics.load(ctl, STOP) === 0) {
    const n = lib.sctp_shim_rq_wait(queue, out, MAX_EVENTS, WAIT_MS);
    if (n <= 0) continue;
    const woke = performance.timeOrigin + performance.now();
    const ready: number[] = [];
    if (collectReady(dv, n, wakeFd, ready)) lib.sctp_shim_drain(wakeFd);
    if (ready.length === 0) continue;
    if (!shared) {
      if (Atomics.load(ctl, STOP) === 0) post(ready);
      else rearm(ready);
      continue;
    }
    publish(ready, woke);
  }
  // the main thread listens until this last, empty batch: nothing taken
  // from the queue before the stop is lost
  if (shared) {
    Atomics.store(ctl, DONE, 1);
    publish([], 0);
  }
  closeSelf();
}

/**
 * Ends this worker: Deno's `self.close()`; Bun's worker global has no
 * `close` (its thread ends when the event loop is empty, as it is here).
 */
function closeSelf(): void {
  (self as unknown as { close?: () => void }).close?.();
}
