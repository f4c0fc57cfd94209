/**
 * The main-thread side of the poll worker: a one-shot readiness queue
 * (epoll/kqueue, in the shim) that the main thread arms directly with a
 * syscall, and the worker's lifetime. The worker blocks in the queue's wait
 * and hands `[fd, revents, ...]` batches over through a SharedArrayBuffer,
 * signalled with Atomics.notify and awaited here with Atomics.waitAsync
 * (Deno's postMessage costs milliseconds per hop under emulation; this costs
 * a fraction). Arming never needs to wake the worker. It runs only while
 * something is armed or a socket is in use (reading or sending), plus
 * an idle grace of 1 s (one to two graces: its timer is not reset on every
 * use), doubled up to 16 s each time the worker has to start
 * again within ten graces of an idle stop, and never while no socket is
 * open, so it does not keep an idle process alive. While a
 * worker starts, the main thread polls the queue itself (non-blocking, every
 * millisecond), so no wait is held up by the start (Deno's `new Worker`
 * itself blocks the thread for a while: the grace keeps restarts rare).
 *
 * The control block's layout is in poll_ctl.ts.
 *
 * The hand-over delay (worker wake-up to main-thread dispatch) is measured on
 * every batch: it is what a socket saves by spinning instead of sleeping, so
 * the sockets' adaptive busy-polling sizes its budget from it
 * ({@linkcode Poller.spinBudget}).
 *
 * @module
 */
import { check } from "./errors.ts";
import { RQ_ADD, RQ_DEL, RQ_MOD } from "./layout.ts";
import { lib, libPath } from "./lib.ts";
import {
  ACK,
  BATCH,
  collectReady,
  COUNT,
  CTL_BYTES,
  DONE,
  MAX_EVENTS,
  PERSISTENT,
  POLL_IN,
  READY,
  SEQ,
  STAMP,
  STOP,
} from "./poll_ctl.ts";

export { POLL_IN, POLL_OUT } from "./poll_ctl.ts";

/**
 * How long the worker outlives the last refd arming, doubled (up to the max)
 * each time it has to start again within ten graces of such a stop: a socket
 * that waits now and then must not pay a worker start every time.
 */
const IDLE_GRACE_MS = 1000, IDLE_GRACE_MAX_MS = 16000;
/** The main thread's own polling interval while a worker starts (ms). */
const BOOT_POLL_MS = 1;
/**
 * An unref'd socket that waits while no worker runs (nothing ref'd is
 * armed) is polled by the main thread from an unref'd timer, every 1 ms
 * after something was found, backing off to 50 ms: a worker would keep a
 * Deno process alive (Deno's Worker has no unref()).
 */
const UNREF_POLL_MIN_MS = 1, UNREF_POLL_MAX_MS = 50;
/** Lets a timer not keep the process alive (Deno: a number; Bun/Node: an object). */
function unrefTimer(t: unknown): void {
  if (typeof t === "number") {
    (globalThis as { Deno?: { unrefTimer(id: number): void } }).Deno
      ?.unrefTimer(t);
  } else (t as { unref?: () => void })?.unref?.();
}
/** How long #listen waits for a stopping worker's last batch (ms). */
const STOP_WAIT_MS = 3000;
/** Adaptive spin budget bounds (ms) and its starting hop estimate. */
const SPIN_MIN_MS = 0.05, SPIN_MAX_MS = 10, HOP_START_MS = 0.25;
const epochNow = (): number => performance.timeOrigin + performance.now();

/**
 * The adaptive busy-poll budget (ms) for a measured worker-to-main hop (ms):
 * twice what sleeping costs (two hops), within 50 µs..10 ms. Spinning for a
 * small multiple of the wake-up cost bounds the CPU spent on a miss by the
 * latency a hit saves (the ski-rental rule). The bound is far above a native
 * hop (tens of µs) so that it never cuts the rule short where wake-ups are
 * slow: under emulation a hop measured 1-3 ms, and with a 2 ms bound two
 * request/response peers that both slept saw each other's replies come after
 * a sleeping wake-up (2-5 ms), beyond any budget, and never spun again (RTT
 * 6-9 ms instead of 0.4-0.7 ms in 2 of 5 runs).
 */
export function spinBudgetFor(hop: number): number {
  return Math.min(SPIN_MAX_MS, Math.max(SPIN_MIN_MS, 4 * hop));
}

type WaitAsync = (
  a: Int32Array,
  i: number,
  v: number,
  timeout?: number,
) => { async: boolean; value: Promise<unknown> | string };
const waitAsync = (Atomics as unknown as { waitAsync?: WaitAsync }).waitAsync;
// The npm build (scripts/build-npm) bundles the worker as poller_worker.js
// next to the bundled module.
const WORKER = import.meta.url.endsWith(".ts")
  ? "./poller_worker.ts"
  : "./poller_worker.js";

type Ready = (revents: number) => void;

interface Slot {
  handler: Ready | null;
  refd: boolean;
}

class Poller {
  #ctl = new Int32Array(new SharedArrayBuffer(CTL_BYTES));
  #slots = new Map<number, Slot>();
  #q = -1;
  #worker: Worker | null = null;
  #wakeR = -1;
  #wakeW = -1;
  #armedRefd = 0;
  /** Armed fds that do not keep the process alive (unref'd). */
  #armedUnrefd = 0;
  /** Why the worker cannot run (null: it can); see #workerFailed. */
  #broken: string | null = null;
  #unrefTimer: ReturnType<typeof setTimeout> | undefined;
  #unrefDelay = UNREF_POLL_MIN_MS;
  #idleTimer: ReturnType<typeof setTimeout> | undefined;
  /** A socket read or sent (or tried to) since the idle timer was set. */
  #used = false;
  /** Moving average of the worker-to-main hand-over delay (ms). */
  #hop = HOP_START_MS;
  #grace = IDLE_GRACE_MS;
  /** When the worker last stopped for being idle (performance.now()). */
  #idleStop = -Infinity;
  #starts = 0;
  #bootTimer: ReturnType<typeof setTimeout> | undefined;
  /** The boot poll's wait output (lazily). */
  #out: { buf: Uint8Array; dv: DataView } | null = null;

  #queue(): number {
    if (this.#q < 0) {
      const fds = new Int32Array(2);
      check(lib.sctp_shim_pipe(fds), "pipe");
      let q = -1;
      try {
        q = check(lib.sctp_shim_rq_create(), "readiness queue");
        check(
          lib.sctp_shim_rq_arm(q, fds[0], POLL_IN | PERSISTENT, RQ_ADD),
          "readiness queue",
        );
      } catch (e) {
        // nothing half-made stays open: the next socket tries again
        if (q >= 0) lib.sctp_shim_close(q);
        lib.sctp_shim_close(fds[0]);
        lib.sctp_shim_close(fds[1]);
        throw e;
      }
      this.#wakeR = fds[0];
      this.#wakeW = fds[1];
      this.#q = q;
    }
    return this.#q;
  }

  /** Registers an open fd (disarmed). */
  register(fd: number): void {
    if (this.#slots.has(fd)) return;
    check(lib.sctp_shim_rq_arm(this.#queue(), fd, 0, RQ_ADD), "register");
    this.#slots.set(fd, { handler: null, refd: true });
  }

  /** Forgets an fd (before it is closed). */
  unregister(fd: number): void {
    if (!this.#slots.has(fd)) return;
    this.disarm(fd);
    lib.sctp_shim_rq_arm(this.#q, fd, 0, RQ_DEL);
    this.#slots.delete(fd);
    if (this.#slots.size === 0) this.#stop();
  }

  /** Whether the fd's readiness keeps the process alive (default true). */
  setRef(fd: number, refd: boolean): void {
    const s = this.#slots.get(fd);
    if (!s || s.refd === refd) return;
    if (s.handler) {
      this.#armedRefd += refd ? 1 : -1;
      this.#armedUnrefd += refd ? -1 : 1;
    }
    s.refd = refd;
    this.#lifetime();
  }

  /**
   * Calls `handler` once when `fd` is ready for `events` (POLL_IN/POLL_OUT);
   * replaces an earlier arming of the same fd.
   */
  arm(fd: number, events: number, handler: Ready): void {
    const s = this.#slots.get(fd);
    if (!s) throw new Error(`fd ${fd} not registered`);
    if (!s.handler) {
      if (s.refd) this.#armedRefd++;
      else this.#armedUnrefd++;
    }
    s.handler = handler;
    check(lib.sctp_shim_rq_arm(this.#q, fd, events, RQ_MOD), "arm");
    this.#lifetime();
  }

  /** Cancels an arming. */
  disarm(fd: number): void {
    const s = this.#slots.get(fd);
    if (!s || !s.handler) return;
    if (s.refd) this.#armedRefd--;
    else this.#armedUnrefd--;
    s.handler = null;
    lib.sctp_shim_rq_arm(this.#q, fd, 0, RQ_MOD);
    this.#lifetime();
  }

  /**
   * A socket read or sent (or tried to: a busy-poll retries without
   * arming): the worker stays up through the next idle grace as if
   * something were armed. A socket whose reads always find data never arms,
   * yet it is not idle: stopping the worker under it would make its first
   * wait pay a worker start (hundreds of ms under emulation, while the
   * peer's window fills).
   */
  touch(): void {
    this.#used = true;
  }

  /**
   * The worker's state, for tests: whether it runs, whether it is still
   * starting (the main thread polls meanwhile), the idle grace (ms) and how
   * many times a worker was started.
   */
  get state(): {
    running: boolean;
    booting: boolean;
    grace: number;
    starts: number;
  } {
    const running = this.#worker !== null;
    return {
      running,
      booting: running && Atomics.load(this.#ctl, READY) === 0,
      grace: this.#grace,
      starts: this.#starts,
    };
  }

  /** Whether the fd keeps the process alive while it waits. */
  isRefd(fd: number): boolean {
    return this.#slots.get(fd)?.refd ?? false;
  }

  /**
   * What a sleeping socket pays for its wake-up (ms): two thread hand-overs
   * (the kernel's to the worker, the worker's to this thread), estimated as
   * twice the measured worker-to-main delay.
   */
  sleepCost(): number {
    return 2 * this.#hop;
  }

  /** The adaptive busy-poll budget (ms): {@linkcode spinBudgetFor} the hop. */
  spinBudget(): number {
    return spinBudgetFor(this.#hop);
  }

  #onReady = (ev: MessageEvent<number[] | string>) => {
    if (typeof ev.data !== "string") this.#dispatch(ev.data);
    else if (
      ev.target === this.#worker && ev.data.startsWith("gen_sctp poll worker:")
    ) {
      // (one that is stopping, no longer this.#worker, does not count)
      this.#workerFailed(ev.data);
    }
  };

  /**
   * The worker could not run (its module refused to load, a permission
   * was missing): the main thread polls the queue itself from then on, from
   * a timer (every 1 ms after a hit, backing off to 50 ms), so waits are
   * still served; the reason is printed once.
   */
  #workerFailed(reason: string): void {
    if (this.#broken !== null) return;
    this.#broken = reason;
    console.error(
      `gen_sctp: the poll worker failed (${reason}); polling from the main thread`,
    );
    const w = this.#worker;
    this.#worker = null;
    w?.terminate();
    this.#unrefDelay = UNREF_POLL_MIN_MS;
    this.#unrefPoll();
  }

  /**
   * Receives the worker's batches through the control block, until its last
   * (empty) batch after a stop: a batch in flight at the stop is delivered.
   */
  async #listen(ctl: Int32Array, wait: WaitAsync): Promise<void> {
    const stamp = new Float64Array(ctl.buffer, STAMP * 4, 1);
    let seen = 0;
    for (;;) {
      const seq = Atomics.load(ctl, SEQ);
      if (seq === seen) {
        if (Atomics.load(ctl, DONE) !== 0) return;
        // a worker that never says it is done (killed) ends this too
        const stopping = Atomics.load(ctl, STOP) !== 0;
        const r = wait(ctl, SEQ, seen, stopping ? STOP_WAIT_MS : undefined);
        if (r.async) await r.value;
        if (stopping && r.value !== "ok" && Atomics.load(ctl, SEQ) === seen) {
          return;
        }
        continue;
      }
      const n = Atomics.load(ctl, COUNT);
      const batch = Array.from(ctl.subarray(BATCH, BATCH + n));
      const hop = epochNow() - stamp[0];
      if (hop >= 0 && hop < 1000) this.#hop += (hop - this.#hop) / 8;
      seen = seq;
      Atomics.store(ctl, ACK, seq);
      Atomics.notify(ctl, ACK);
      this.#dispatch(batch);
    }
  }

  /**
   * While a worker starts (Deno: hundreds of ms under emulation), the main
   * thread polls the queue itself, without blocking, so that a wait begun
   * then is not held up by the start.
   */
  #bootPoll = (): void => {
    this.#bootTimer = undefined;
    const ctl = this.#ctl;
    if (!this.#worker || Atomics.load(ctl, READY) !== 0) return;
    this.#pollOnce();
    if (this.#worker && this.#bootTimer === undefined) {
      this.#bootTimer = setTimeout(this.#bootPoll, BOOT_POLL_MS);
    }
  };

  /**
   * The main thread's own non-blocking look at the queue (while a worker
   * starts, or for unref'd sockets while none runs); whether it found any.
   */
  #pollOnce(): boolean {
    if (!this.#out) {
      const buf = new Uint8Array(MAX_EVENTS * 8);
      this.#out = { buf, dv: new DataView(buf.buffer) };
    }
    const n = lib.sctp_shim_rq_wait(this.#q, this.#out.buf, MAX_EVENTS, 0);
    if (n <= 0) return false;
    const batch: number[] = [];
    // the wake pipe is the worker's: left for it to drain
    collectReady(this.#out.dv, n, this.#wakeR, batch);
    this.#dispatch(batch);
    return batch.length > 0;
  }

  /** Whether the main thread polls (no worker serves what is armed). */
  #mainPolled(): boolean {
    return this.#armedUnrefd > 0 ||
      (this.#broken !== null && this.#armedRefd > 0);
  }

  #pollUnref = (): void => {
    this.#unrefTimer = undefined;
    if (this.#worker || !this.#mainPolled()) return;
    this.#unrefDelay = this.#pollOnce()
      ? UNREF_POLL_MIN_MS
      : Math.min(2 * this.#unrefDelay, UNREF_POLL_MAX_MS);
    this.#unrefPoll();
  };

  /**
   * Polls for unref'd armings while no worker runs (see UNREF_POLL_MIN_MS),
   * and for every arming when the worker cannot run (a ref'd timer then).
   */
  #unrefPoll(): void {
    if (
      this.#worker || !this.#mainPolled() || this.#unrefTimer !== undefined
    ) return;
    const t = setTimeout(this.#pollUnref, this.#unrefDelay);
    if (this.#broken === null || this.#armedRefd === 0) unrefTimer(t);
    this.#unrefTimer = t;
  }

  #dispatch(d: ArrayLike<number>): void {
    for (let k = 0; k < d.length; k += 2) {
      const s = this.#slots.get(d[k]);
      if (!s || !s.handler) continue;
      const h = s.handler;
      s.handler = null;
      if (s.refd) this.#armedRefd--;
      else this.#armedUnrefd--;
      try {
        h(d[k + 1]);
      } catch (e) {
        queueMicrotask(() => {
          throw e;
        });
      }
    }
    this.#lifetime();
  }

  #lifetime(): void {
    if (this.#armedRefd > 0 && this.#broken === null) {
      // A pending idle timer is left running (it finds the socket used and
      // waits another grace): clearing it here and setting it again at the
      // dispatch would cost a timer per wait (in Deno ~2 µs natively, tens
      // under emulation).
      this.#used = true;
      this.#start();
      return;
    }
    if (!this.#worker) {
      this.#unrefDelay = UNREF_POLL_MIN_MS;
      this.#unrefPoll();
      return;
    }
    if (this.#idleTimer !== undefined) return;
    const idle = () => {
      this.#idleTimer = undefined;
      if (this.#armedRefd !== 0) return;
      if (this.#used) {
        this.#used = false;
        this.#idleTimer = setTimeout(idle, this.#grace);
      } else {
        this.#stop();
        this.#idleStop = performance.now();
        this.#unrefPoll(); // unref'd waits go on without the worker
      }
    };
    this.#used = false;
    this.#idleTimer = setTimeout(idle, this.#grace);
  }

  #start(): void {
    if (this.#worker) return;
    // Deno's `new Worker` blocks this thread for hundreds of ms under
    // emulation (tens natively): a restart within ten graces of an idle stop
    // says the grace was too short for this process's pace
    if (performance.now() - this.#idleStop < 10 * this.#grace) {
      this.#grace = Math.min(2 * this.#grace, IDLE_GRACE_MAX_MS);
    }
    this.#starts++;
    const ctl = new Int32Array(new SharedArrayBuffer(CTL_BYTES));
    this.#ctl = ctl;
    const w = new Worker(new URL(WORKER, import.meta.url), { type: "module" });
    w.onmessage = this.#onReady;
    w.onerror = (e: ErrorEvent) => {
      e.preventDefault(); // not fatal to the process: served from here
      if (this.#worker === w) this.#workerFailed(`error: ${e.message}`);
    };
    w.postMessage({
      libPath,
      ctl: ctl.buffer,
      queue: this.#q,
      wakeFd: this.#wakeR,
      shared: waitAsync !== undefined,
    });
    this.#worker = w;
    if (waitAsync) void this.#listen(ctl, waitAsync);
    this.#bootPoll();
  }

  #stop(): void {
    if (this.#idleTimer !== undefined) {
      clearTimeout(this.#idleTimer);
      this.#idleTimer = undefined;
    }
    if (!this.#worker) return;
    this.#worker = null;
    if (this.#bootTimer !== undefined) {
      clearTimeout(this.#bootTimer);
      this.#bootTimer = undefined;
    }
    // Each worker has its own control block: one winding down keeps seeing
    // STOP. The pipe wakes it from the queue's wait; it hands over what it
    // holds, says it is done and closes itself (terminate() could drop a
    // batch taken from the one-shot queue). Notifying SEQ wakes #listen to
    // bound its wait for that.
    Atomics.store(this.#ctl, STOP, 1);
    Atomics.notify(this.#ctl, SEQ);
    lib.sctp_shim_wake(this.#wakeW);
  }
}

/** The process's poller. */
export const poller: Poller = new Poller();
