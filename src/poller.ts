/**
 * The main-thread side of the poll worker: an interest set of (fd, events)
 * slots in a SharedArrayBuffer, one-shot readiness callbacks, and the
 * worker's lifetime. The worker runs only while something is armed (plus a
 * short idle grace) and never while no socket is open, so it does not keep
 * the process alive.
 *
 * Control block (Int32): [0] stop, [1] slot count, [2] worker in poll,
 * [3] woken, then from [8] per slot {fd, events, armseq, unused}. A slot is
 * armed by writing events and bumping armseq; the worker polls each armed
 * slot once per armseq and reports (slot, armseq, revents).
 *
 * @module
 */
import { check } from "./errors.ts";
import { lib, libPath } from "./lib.ts";

/** poll flags (SHIM_POLL_*). */
export const POLL_IN = 1, POLL_OUT = 2, POLL_ERR = 4;

const STOP = 0, NSLOTS = 1, POLLING = 2, WOKEN = 3, SLOTS = 8;
const MAX_SLOTS = 1023;
// The npm build (scripts/build-npm) bundles the worker as poller_worker.js
// next to the bundled module.
const WORKER = import.meta.url.endsWith(".ts")
  ? "./poller_worker.ts"
  : "./poller_worker.js";
const IDLE_GRACE_MS = 250;

type Ready = (revents: number) => void;

interface Slot {
  fd: number;
  handler: Ready | null;
  refd: boolean;
}

class Poller {
  #ctl = new Int32Array(new SharedArrayBuffer((SLOTS + MAX_SLOTS * 4) * 4));
  #slots: (Slot | null)[] = [];
  #free: number[] = [];
  #bySlotFd = new Map<number, number>(); // fd -> slot
  #worker: Worker | null = null;
  #wakeR = -1;
  #wakeW = -1;
  #armedRefd = 0;
  #idleTimer: ReturnType<typeof setTimeout> | undefined;
  #open = 0;

  /** Registers an open fd (counts toward the worker's lifetime). */
  register(fd: number): void {
    if (this.#bySlotFd.has(fd)) return;
    let i = this.#free.pop();
    if (i === undefined) {
      i = this.#slots.length;
      if (i >= MAX_SLOTS) throw new RangeError("too many open SCTP sockets");
      this.#slots.push(null);
      Atomics.store(this.#ctl, NSLOTS, this.#slots.length);
    }
    this.#slots[i] = { fd, handler: null, refd: true };
    const base = SLOTS + i * 4;
    Atomics.store(this.#ctl, base + 1, 0);
    Atomics.store(this.#ctl, base, fd);
    Atomics.add(this.#ctl, base + 2, 1);
    this.#bySlotFd.set(fd, i);
    this.#open++;
  }

  /** Forgets an fd (before it is closed). */
  unregister(fd: number): void {
    const i = this.#bySlotFd.get(fd);
    if (i === undefined) return;
    this.disarm(fd);
    const base = SLOTS + i * 4;
    Atomics.store(this.#ctl, base + 1, 0);
    Atomics.store(this.#ctl, base, -1);
    Atomics.add(this.#ctl, base + 2, 1);
    this.#slots[i] = null;
    this.#free.push(i);
    this.#bySlotFd.delete(fd);
    this.#open--;
    if (this.#open === 0) this.#stop();
  }

  /** Whether the fd's readiness keeps the process alive (default true). */
  setRef(fd: number, refd: boolean): void {
    const i = this.#bySlotFd.get(fd);
    const s = i === undefined ? null : this.#slots[i];
    if (!s || s.refd === refd) return;
    if (s.handler) this.#armedRefd += refd ? 1 : -1;
    s.refd = refd;
    this.#lifetime();
  }

  /**
   * Calls `handler` once when `fd` is ready for `events` (POLL_IN/POLL_OUT);
   * replaces an earlier arming of the same fd.
   */
  arm(fd: number, events: number, handler: Ready): void {
    const i = this.#bySlotFd.get(fd);
    if (i === undefined) throw new Error(`fd ${fd} not registered`);
    const s = this.#slots[i]!;
    if (!s.handler && s.refd) this.#armedRefd++;
    s.handler = handler;
    const base = SLOTS + i * 4;
    Atomics.store(this.#ctl, base + 1, events);
    Atomics.add(this.#ctl, base + 2, 1);
    this.#lifetime();
    if (
      Atomics.load(this.#ctl, POLLING) === 1 &&
      Atomics.exchange(this.#ctl, WOKEN, 1) === 0
    ) {
      lib.sctp_shim_wake(this.#wakeW);
    }
  }

  /** Cancels an arming. */
  disarm(fd: number): void {
    const i = this.#bySlotFd.get(fd);
    const s = i === undefined ? null : this.#slots[i];
    if (!s || !s.handler) return;
    if (s.refd) this.#armedRefd--;
    s.handler = null;
    Atomics.store(this.#ctl, SLOTS + i! * 4 + 1, 0);
    this.#lifetime();
  }

  #onReady = (ev: MessageEvent<number[] | string>) => {
    const d = ev.data;
    if (typeof d === "string") return;
    for (let k = 0; k < d.length; k += 3) {
      const i = d[k], seq = d[k + 1], rev = d[k + 2];
      const s = this.#slots[i];
      if (!s || !s.handler) continue;
      if (Atomics.load(this.#ctl, SLOTS + i * 4 + 2) !== seq) continue;
      const h = s.handler;
      s.handler = null;
      Atomics.store(this.#ctl, SLOTS + i * 4 + 1, 0);
      if (s.refd) this.#armedRefd--;
      h(rev);
    }
    this.#lifetime();
  };

  #lifetime(): void {
    if (this.#armedRefd > 0) {
      if (this.#idleTimer !== undefined) {
        clearTimeout(this.#idleTimer);
        this.#idleTimer = undefined;
      }
      this.#start();
      return;
    }
    if (!this.#worker || this.#idleTimer !== undefined) return;
    this.#idleTimer = setTimeout(() => {
      this.#idleTimer = undefined;
      if (this.#armedRefd === 0) this.#stop();
    }, IDLE_GRACE_MS);
  }

  #start(): void {
    if (this.#worker) return;
    if (this.#wakeR < 0) {
      const fds = new Int32Array(2);
      check(lib.sctp_shim_pipe(fds), "pipe");
      this.#wakeR = fds[0];
      this.#wakeW = fds[1];
    }
    Atomics.store(this.#ctl, STOP, 0);
    Atomics.store(this.#ctl, WOKEN, 0);
    const w = new Worker(new URL(WORKER, import.meta.url), {
      type: "module",
    });
    w.onmessage = this.#onReady;
    w.postMessage({
      libPath,
      ctl: this.#ctl.buffer,
      wakeFd: this.#wakeR,
      maxSlots: MAX_SLOTS,
    });
    this.#worker = w;
  }

  #stop(): void {
    if (this.#idleTimer !== undefined) {
      clearTimeout(this.#idleTimer);
      this.#idleTimer = undefined;
    }
    const w = this.#worker;
    if (!w) return;
    this.#worker = null;
    Atomics.store(this.#ctl, STOP, 1);
    lib.sctp_shim_wake(this.#wakeW);
    w.onmessage = null;
    w.terminate();
  }
}

/** The process's poller. */
export const poller: Poller = new Poller();
