/**
 * The poll worker: one per process. Blocks in the shim's readiness queue
 * (epoll/kqueue, one-shot arms made by the main thread) and posts
 * `[fd, revents, ...]` batches to the main thread. A pipe wakes it to stop.
 *
 * @module
 */
import { openShim } from "../ffi/load.ts";

interface Init {
  libPath: string;
  ctl: SharedArrayBuffer;
  queue: number;
  wakeFd: number;
}

const STOP = 0;
const MAX_EVENTS = 64;
const WAIT_MS = 1000;

self.onmessage = async (ev: MessageEvent<Init>) => {
  self.onmessage = null;
  const { libPath, queue, wakeFd } = ev.data;
  const ctl = new Int32Array(ev.data.ctl);
  const lib = await openShim(libPath);
  const out = new Uint8Array(MAX_EVENTS * 8);
  const dv = new DataView(out.buffer);
  const post = (self as unknown as { postMessage(m: unknown): void })
    .postMessage.bind(self);
  while (Atomics.load(ctl, STOP) === 0) {
    const n = lib.sctp_shim_rq_wait(queue, out, MAX_EVENTS, WAIT_MS);
    if (n <= 0) continue;
    const ready: number[] = [];
    for (let i = 0; i < n; i++) {
      const fd = dv.getInt32(i * 8, true);
      if (fd === wakeFd) lib.sctp_shim_drain(wakeFd);
      else ready.push(fd, dv.getUint16(i * 8 + 4, true));
    }
    if (ready.length > 0 && Atomics.load(ctl, STOP) === 0) post(ready);
  }
  self.close();
};
