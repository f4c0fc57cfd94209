/**
 * The poll worker: one per process. Blocks in poll(2) on the armed fds plus
 * a wakeup pipe and posts readiness to the main thread. It shares its
 * interest set with the main thread through a SharedArrayBuffer and never
 * writes to it, so there is nothing to race on (layout: poller.ts).
 *
 * @module
 */
import { openShim } from "../ffi/load.ts";

interface Init {
  libPath: string;
  ctl: SharedArrayBuffer;
  wakeFd: number;
  maxSlots: number;
}

// Control block offsets (Int32 indices), mirrored in poller.ts.
const STOP = 0, NSLOTS = 1, POLLING = 2, WOKEN = 3, SLOTS = 8;
const POLL_TIMEOUT_MS = 1000;

self.onmessage = async (ev: MessageEvent<Init>) => {
  self.onmessage = null;
  const { libPath, wakeFd, maxSlots } = ev.data;
  const ctl = new Int32Array(ev.data.ctl);
  const lib = await openShim(libPath);
  const seen = new Int32Array(maxSlots).fill(-1); // armseq last reported
  const entries = new Uint8Array((maxSlots + 1) * 8);
  const dv = new DataView(entries.buffer);
  const slotOf = new Int32Array(maxSlots + 1);
  const seqOf = new Int32Array(maxSlots + 1);
  (self as unknown as { postMessage(m: unknown): void }).postMessage("ready");
  while (Atomics.load(ctl, STOP) === 0) {
    Atomics.store(ctl, POLLING, 1);
    const nslots = Atomics.load(ctl, NSLOTS);
    dv.setInt32(0, wakeFd, true);
    dv.setUint16(4, 1, true);
    let n = 1;
    for (let i = 0; i < nslots; i++) {
      const base = SLOTS + i * 4;
      const mask = Atomics.load(ctl, base + 1);
      const seq = Atomics.load(ctl, base + 2);
      if (mask === 0 || seen[i] === seq) continue;
      dv.setInt32(n * 8, Atomics.load(ctl, base), true);
      dv.setUint16(n * 8 + 4, mask, true);
      slotOf[n] = i;
      seqOf[n] = seq;
      n++;
    }
    const r = lib.sctp_shim_poll(entries, n, POLL_TIMEOUT_MS);
    Atomics.store(ctl, POLLING, 0);
    if (r <= 0) continue;
    if (dv.getUint16(6, true) !== 0) {
      lib.sctp_shim_drain(wakeFd);
      Atomics.store(ctl, WOKEN, 0);
    }
    const ready: number[] = [];
    for (let k = 1; k < n; k++) {
      const rev = dv.getUint16(k * 8 + 6, true);
      if (rev === 0) continue;
      seen[slotOf[k]] = seqOf[k];
      ready.push(slotOf[k], seqOf[k], rev);
    }
    if (ready.length) {
      (self as unknown as { postMessage(m: unknown): void }).postMessage(ready);
    }
  }
  self.close();
};
