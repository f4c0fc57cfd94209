/**
 * `SctpSocket`: gen_sctp's socket semantics over one kernel SCTP fd.
 *
 * @module
 */
import {
  ADDR_SIZE,
  addrList,
  type Family,
  formatIp,
  type Ip,
  ipArg,
  portArg,
  readAddr,
  resolveHost,
  type SockAddr,
} from "./addr.ts";
import { Buffer } from "node:buffer";
import { setImmediate } from "node:timers";
import { check, errnoName, SctpError } from "./errors.ts";
import { decodeNotification, isErrorEvent } from "./events.ts";
import { lib } from "./lib.ts";
import {
  getKernelOpt,
  isKernelOpt,
  isRecordOpt,
  keyOf,
  OPT_SNDBUFFORCE,
  setKernelOpt,
} from "./options.ts";
import { POLL_IN, POLL_OUT, poller } from "./poller.ts";
import type {
  AncValue,
  SctpAssocChange,
  SctpEvent,
  SctpMessage,
  SctpSndRcvInfo,
} from "./records.ts";
import { readSri, sendParams, uintField } from "./sndrcvinfo.ts";

/**
 * gen_sctp's `active` option.
 *
 * @example
 * ```ts
 * import type { Active } from "./mod.ts";
 * const a: Active = "once";
 * ```
 */
export type Active = boolean | "once" | number;

/**
 * Socket options as an object keyed by gen_sctp option names.
 *
 * @example
 * ```ts
 * import type { SctpOptions } from "./mod.ts";
 * const o: SctpOptions = { active: 10, sctp_nodelay: true };
 * ```
 */
export type SctpOptions = Record<string, unknown>;

/**
 * An association: its id or its `sctp_assoc_change` record.
 *
 * @example
 * ```ts
 * import type { Assoc } from "./mod.ts";
 * const a: Assoc = 1;
 * ```
 */
export type Assoc = number | SctpAssocChange;

/**
 * Data to send: bytes, a string, or an iolist (a nested array of these).
 *
 * @example
 * ```ts
 * import type { SendData } from "./mod.ts";
 * const d: SendData = ["head", new Uint8Array([1, 2]), [3, "tail"]];
 * ```
 */
export type SendData =
  | Uint8Array
  | ArrayBuffer
  | ArrayBufferView
  | string
  | ReadonlyArray<SendData | number>;

/**
 * The `{ family?, addr, port }` form of a peer address.
 *
 * @example
 * ```ts
 * import type { SockAddrArg } from "./mod.ts";
 * const a: SockAddrArg = { family: "inet6", addr: "::1", port: 3868 };
 * ```
 */
export interface SockAddrArg {
  /** Address family. */
  family?: Family;
  /** IP address string. */
  addr: string;
  /** Port number. */
  port: number;
}

/**
 * Options of `recv`.
 *
 * @example
 * ```ts
 * import type { RecvOptions } from "./mod.ts";
 * const o: RecvOptions = { timeout: 1000, signal: AbortSignal.timeout(500) };
 * // a bulk receiver reusing one buffer: each message's data may alias it
 * const bulk: RecvOptions = { timeout: 1000, into: new Uint8Array(65536) };
 * ```
 */
export interface RecvOptions {
  /** Milliseconds, or "infinity" (the default). */
  timeout?: number | "infinity";
  /** Rejects the pending recv with reason "aborted" when aborted. */
  signal?: AbortSignal;
  /**
   * A buffer the message's data may be received into, for bulk receivers
   * that reuse one buffer (no allocation and no zero-fill per message, the
   * way a C program reads): while recent messages are large (16 KiB or
   * more), the kernel writes the next one straight into `into` and `data`
   * is a view of it (also when the kernel delivers it in pieces). So `data`
   * may alias `into`: it stays valid until `into` is written or passed to
   * another recv. Small messages (read in batches), one already queued, or
   * one larger than `into` get a buffer of their own; `into` is then only
   * scratch. Not part of gen_sctp.
   */
  into?: Uint8Array;
}

interface Item {
  msg: SctpMessage;
  error: boolean;
}

interface Waiter {
  resolve(item: Item): void;
  reject(e: unknown): void;
  /** A timeout whose timer is not started while busy-polling. */
  deadline?: number;
  /** Starts that timer (when the socket stops spinning and sleeps). */
  sleep?: () => void;
  /** Fails the wait with `timeout`. */
  expire?: () => void;
  /** RecvOptions.into. */
  into?: Uint8Array;
}

/**
 * A connect() waiting for the outcome of the association it started: the
 * `sctp_assoc_change` whose assoc_id is the one the kernel gave it (never an
 * earlier association's event from the same peer), or, where the kernel gave
 * no id (0), the first one from the peer's address and port.
 */
interface ConnectWaiter {
  id: number;
  ip: string;
  port: number;
  resolve(m: SctpMessage): void;
  reject(e: unknown): void;
}

const isAssocChange = (m: SctpMessage | undefined): boolean =>
  !!m && m.data !== null && typeof m.data === "object" &&
  !(m.data instanceof Uint8Array) && !Array.isArray(m.data) &&
  (m.data as SctpEvent).type === "sctp_assoc_change";

function connectMatches(w: ConnectWaiter, m: SctpMessage): boolean {
  if (!isAssocChange(m)) return false;
  return w.id !== 0
    ? (m.data as SctpAssocChange).assoc_id === w.id
    : m.fromIp === w.ip && m.fromPort === w.port;
}

interface PendingSend {
  bytes: Uint8Array;
  assoc: number;
  stream: number;
  ppid: number;
  flags: number;
  context: number;
  ttl: number;
  resolve(): void;
  reject(e: unknown): void;
}

const SEND_DEFAULTS = 0x100;
const NOOP = () => {};
/** Shared by every send that completes at once (no per-message promise). */
const RESOLVED: Promise<void> = Promise.resolve();
const RF_NOTIFICATION = 1,
  RF_EOR = 2,
  RF_SNDRCV = 4,
  RF_TOS = 8,
  RF_TTL = 16,
  RF_TCLASS = 32;
const REC_HDR = 88;
/** `#busyPoll` value of busy_poll "auto" (the default). */
const AUTO = -1;
const busyPollOut = (ms: number): number | "auto" =>
  ms === AUTO ? "auto" : Math.round(ms * 1000);
const busyPollIn = (v: number | "auto" | undefined): number =>
  v === "auto" || v === undefined ? AUTO : v / 1000;
const BATCH_MSGS = 64;
/** Options the socket itself keeps (not the kernel's). */
export const SOCKET_OPTS: ReadonlySet<string> = new Set([
  "active",
  "mode",
  "buffer",
  "non_block_send",
  "busy_poll",
  "debug",
  "high_msgq_watermark",
  "low_msgq_watermark",
  "exclusiveaddruse",
]);

/**
 * Messages (pieces) of at least LARGE bytes are read one by one straight
 * into their own buffer while they keep coming: copying them out of the
 * shared batch buffer cost as much as the kernel's receive (64 KiB).
 */
const LARGE = 16384;
// room for a batch of 64 slots of up to LARGE bytes
const recvBuf = new Uint8Array(BATCH_MSGS * (LARGE + REC_HDR));
const recvDv = new DataView(recvBuf.buffer);
/**
 * A copy of `recvBuf[start, start+len)` in an ArrayBuffer of its own. Every
 * received message owns its whole buffer: no pool shared between messages
 * (or sockets), so `m.data.buffer` holds that message's bytes and nothing
 * else, and transferring it to a Worker cannot touch another message. (A
 * shared slab, as Node pools small Buffers, was ~0.2-0.5 µs cheaper per
 * message natively; see the README's note on received buffers.)
 */
const copyOut = (start: number, len: number): Uint8Array =>
  recvBuf.slice(start, start + len);
/**
 * A buffer of `n` bytes that owns its whole ArrayBuffer, not zero-filled
 * first where the runtime allows (Bun's allocUnsafeSlow: half the cost of a
 * zeroed Uint8Array at 64 KiB); the caller overwrites or zeroes every byte.
 */
function ownBuffer(n: number): Uint8Array {
  const b = Buffer.allocUnsafeSlow(n);
  return b.byteOffset === 0 && b.buffer.byteLength === n
    ? new Uint8Array(b.buffer, 0, n)
    : new Uint8Array(n);
}

/** An unused large-read buffer (its read found nothing), for the next. */
let spare: Uint8Array | null = null;
/** Header of a large-message read (sctp_shim_recv_into). */
const hdrBuf = new Uint8Array(REC_HDR);
const hdrDv = new DataView(hdrBuf.buffer);
const encoder = new TextEncoder();

/** Whether an ArrayBuffer was detached (transferred): it has no bytes. */
const isDetached = (b: ArrayBufferLike): boolean =>
  (b as { detached?: boolean }).detached === true;

function notDetached(b: ArrayBufferLike): void {
  if (isDetached(b)) {
    throw new TypeError("data: the buffer is detached (transferred)");
  }
}

/**
 * Converts send data to one byte array (copying only iolists and strings,
 * which then make a fresh array: see {@linkcode isFreshBytes}).
 */
export function toBytes(data: unknown): Uint8Array {
  if (data instanceof Uint8Array) {
    notDetached(data.buffer);
    return data;
  }
  if (typeof data === "string") return encoder.encode(data);
  if (data instanceof ArrayBuffer) {
    notDetached(data);
    return new Uint8Array(data);
  }
  if (ArrayBuffer.isView(data)) {
    notDetached(data.buffer);
    return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  }
  if (Array.isArray(data)) {
    const parts: Uint8Array[] = [];
    let len = 0;
    const walk = (d: unknown) => {
      if (typeof d === "number") {
        if (!Number.isInteger(d) || d < 0 || d > 255) {
          throw new TypeError(`data: ${d} is not a byte`);
        }
        parts.push(Uint8Array.of(d));
        len++;
      } else if (Array.isArray(d)) d.forEach(walk);
      else {
        const b = toBytes(d);
        parts.push(b);
        len += b.length;
      }
    };
    walk(data);
    const out = new Uint8Array(len);
    let o = 0;
    for (const p of parts) {
      out.set(p, o);
      o += p.length;
    }
    return out;
  }
  throw new TypeError(
    "data: expected Uint8Array, ArrayBuffer(View), string or an iolist",
  );
}

/**
 * Whether toBytes(data) made a new array (nobody else holds it): a send
 * that must wait keeps it as it is; otherwise it copies the caller's bytes
 * (the caller may write to its buffer once send() has returned).
 */
const isFreshBytes = (data: unknown): boolean =>
  typeof data === "string" || Array.isArray(data);

function assocId(a: unknown, what: string): number {
  if (typeof a === "number") return uintField(a, 32, `${what}: assoc id`);
  if (
    a !== null && typeof a === "object" &&
    (a as SctpAssocChange).type === "sctp_assoc_change"
  ) {
    return uintField((a as SctpAssocChange).assoc_id, 32, `${what}: assoc_id`);
  }
  throw new TypeError(
    `${what}: expected an assoc id or an sctp_assoc_change record`,
  );
}

/**
 * A delay setTimeout takes: at most 2^31-1 ms (a longer one fires after
 * 1 ms, with a warning); a longer timeout sets its timer again when it fires.
 */
const timerDelay = (ms: number): number =>
  Math.min(2 ** 31 - 1, Math.max(0, Math.ceil(ms)));

function timeoutArg(t: unknown, what: string): number {
  if (t === undefined || t === "infinity" || t === Infinity) return -1;
  if (typeof t !== "number" || !Number.isInteger(t)) {
    throw new TypeError(`${what}: timeout must be an integer or "infinity"`);
  }
  if (t < 0 || t > 4294967294) {
    throw new RangeError(`${what}: timeout ${t} is outside 0..4294967294`);
  }
  return t;
}

function activeArg(v: unknown): Active {
  if (v === true || v === false || v === "once") return v;
  if (typeof v === "number" && Number.isInteger(v)) {
    if (v < -32768 || v > 32767) {
      throw new RangeError(`active: ${v} is outside -32768..32767`);
    }
    return v;
  }
  throw new TypeError(`active: expected true, false, "once" or an integer`);
}

/** Internal construction parameters of a socket. */
export interface SocketInit {
  fd: number;
  family: 4 | 6;
  type: "seqpacket" | "stream";
}

/**
 * A gen_sctp socket. Create one with {@linkcode open}; it is an EventTarget
 * that, in active mode, dispatches `"sctp"`, `"sctp_error"` and
 * `"sctp_passive"` events, and an async iterable of received messages.
 *
 * @example Echo one message
 * ```ts
 * import { open } from "./mod.ts";
 * await using server = await open({ ip: "127.0.0.1" });
 * await server.listen(true);
 * await using client = await open();
 * const up = await client.connect("127.0.0.1", await server.port());
 * await client.send(up, 0, "hello");
 * for await (const m of server) {
 *   if (m.data instanceof Uint8Array) {
 *     console.log(new TextDecoder().decode(m.data));
 *     break;
 *   }
 * }
 * ```
 */
export class SctpSocket extends EventTarget {
  #fd: number;
  #family: 4 | 6;
  #type: "seqpacket" | "stream";
  #mode: "binary" | "list" = "binary";
  #active: false | true | "once" | "multi" = false;
  #count = 0;
  #buffer = 65536;
  #nonBlockSend = false;
  /** busy_poll budget in milliseconds (0: off, AUTO: adaptive). */
  #busyPoll = AUTO;
  /** End of the current busy-poll episode (performance.now()), 0 if none. */
  #spinUntil = 0;
  #spinScheduled = false;
  /**
   * Adaptive busy-poll: moving average of the waits that a spin served (or,
   * for waits that slept, would have), and when the current sleep began.
   */
  #spinRate = 1;
  #sleptAt = 0;
  /** Something was sent since the last wait for data began. */
  #sent = false;
  #extra: Record<string, unknown> = {
    debug: false,
    high_msgq_watermark: 8192,
    low_msgq_watermark: 4096,
    exclusiveaddruse: false,
  };
  #closed = false;
  #notOwner = false;
  #defaults = false;
  #inbox: Item[] = [];
  #partial: Uint8Array[] = [];
  #partialLen = 0;
  #partialNotif = false;
  /** Size of the last data message when it was LARGE or more (the next
   * one is read directly into a buffer of this size), else 0. */
  #largeLen = 0;
  /** A data message being read piece by piece straight into this buffer
   * (its first #pendLen bytes so far): the caller's `into`, or one of its
   * own (#pendMine). */
  #pend: Uint8Array | null = null;
  #pendLen = 0;
  #pendMine = false;
  /** The rest of a data message whose first pieces were lost (the caller
   * detached its `into` under them) is dropped up to its end. */
  #skipRest = false;
  #waiter: Waiter | null = null;
  #sends: PendingSend[] = [];
  #readArmed = false;
  #writeArmed = false;
  #servicing = false;
  #again = false;
  #mailbox: Event[] = [];
  #listeners = 0;
  /** connect() calls waiting for their association's sctp_assoc_change. */
  #connectWaiters: ConnectWaiter[] = [];

  /** @internal Use {@linkcode open}. */
  constructor(init: SocketInit) {
    super();
    this.#fd = init.fd;
    this.#family = init.family;
    this.#type = init.type;
    poller.register(this.#fd);
  }

  /** The kernel file descriptor (for diagnostics). */
  get fd(): number {
    return this.#fd;
  }

  /** "seqpacket" (one-to-many) or "stream" (one-to-one). */
  get type(): "seqpacket" | "stream" {
    return this.#type;
  }

  /** "inet" or "inet6". */
  get family(): Family {
    return this.#family === 4 ? "inet" : "inet6";
  }

  /** Whether the socket is closed. */
  get closed(): boolean {
    return this.#closed;
  }

  #usable(): void {
    if (this.#notOwner) throw new SctpError("not_owner");
    if (this.#closed) throw new SctpError("closed");
  }

  // ---- listeners: nothing dispatched before someone listens is lost ----

  /** EventTarget.addEventListener; flushes deliveries queued so far. */
  override addEventListener(
    type: string,
    listener: EventListenerOrEventListenerObject | null,
    options?: boolean | AddEventListenerOptions,
  ): void {
    super.addEventListener(type, listener, options);
    if (
      listener &&
      (type === "sctp" || type === "sctp_error" || type === "sctp_passive")
    ) {
      this.#listeners++;
      queueMicrotask(() => this.#flushMailbox());
    }
  }

  /** EventTarget.removeEventListener. */
  override removeEventListener(
    type: string,
    listener: EventListenerOrEventListenerObject | null,
    options?: boolean | EventListenerOptions,
  ): void {
    super.removeEventListener(type, listener, options);
    if (
      listener &&
      (type === "sctp" || type === "sctp_error" || type === "sctp_passive")
    ) {
      this.#listeners = Math.max(0, this.#listeners - 1);
    }
  }

  #flushMailbox(): void {
    while (this.#listeners > 0 && this.#mailbox.length > 0) {
      this.dispatchEvent(this.#mailbox.shift()!);
    }
  }

  #post(ev: Event): void {
    this.#mailbox.push(ev);
    if (this.#mailbox.length === 1) queueMicrotask(() => this.#flushMailbox());
  }

  // ---- receiving ----

  #demand(): boolean {
    return !this.#closed && !this.#notOwner &&
      (this.#waiter !== null || this.#active !== false ||
        this.#connectWaiters.length > 0);
  }

  /** Hands queued items to a waiting recv or to active delivery. */
  #deliver(): void {
    while (this.#inbox.length > 0) {
      if (this.#waiter) {
        const w = this.#waiter;
        this.#waiter = null;
        w.resolve(this.#inbox.shift()!);
      } else if (this.#active !== false) {
        this.#activeDeliver(this.#inbox.shift()!);
      } else return;
    }
  }

  #activeDeliver(item: Item): void {
    const m = item.msg;
    this.#post(
      new CustomEvent(item.error ? "sctp_error" : "sctp", { detail: m }),
    );
    if (this.#active === "once") {
      this.#active = false;
    } else if (this.#active === "multi") {
      if (--this.#count <= 0) {
        this.#count = 0;
        this.#active = false;
        this.#post(new Event("sctp_passive"));
      }
    }
  }

  /** Reads and delivers while someone wants messages. */
  #service(): void {
    if (this.#servicing) {
      this.#again = true;
      return;
    }
    this.#servicing = true;
    try {
      do {
        this.#again = false;
        this.#deliver();
        while (this.#demand()) {
          const r = this.#readBatch(this.#waiter?.into);
          if (r === "eagain") {
            this.#awaitData();
            break;
          }
          this.#gotData();
          if (r !== "ok") {
            this.#readError(r);
            break;
          }
          this.#deliver();
        }
      } while (this.#again);
    } finally {
      this.#servicing = false;
    }
  }

  /**
   * Nothing to read: busy-poll (retry from the event loop, yielding with
   * setImmediate) until the budget of this episode is spent, then fall back
   * to the poll worker, whose wake-up is the slow path.
   */
  #awaitData(): void {
    const t = performance.now();
    if (this.#spinUntil === 0) {
      const budget = this.#spinBudget();
      this.#sent = false;
      if (budget > 0) this.#spinUntil = t + budget;
    }
    if (this.#spinUntil !== 0) {
      if (t < this.#spinUntil) {
        if (!this.#spinScheduled) {
          this.#spinScheduled = true;
          setImmediate(this.#spin);
        }
        return;
      }
      if (this.#busyPoll === AUTO) this.#spinScore(0); // a miss
    } else if (this.#busyPoll === AUTO && this.#sleptAt === 0) {
      this.#sleptAt = t;
    }
    this.#spinUntil = 0;
    const w = this.#waiter;
    if (w?.sleep) {
      const sleep = w.sleep;
      w.sleep = w.deadline = undefined;
      sleep();
    }
    this.#armRead();
  }

  /**
   * This wait's busy-poll budget (ms): the fixed `busy_poll`; in AUTO mode
   * the poller's budget when the socket sent something since its last wait
   * (request/response: a reply is coming; a pure receiver gains no
   * throughput by spinning and would take CPU from its senders) and at least
   * half of the recent waits were (or would have been) served within it,
   * else 0. An unref'd socket sleeps.
   */
  #spinBudget(): number {
    if (this.#busyPoll !== AUTO) return this.#busyPoll;
    return this.#sent && this.#spinRate >= 0.5 && poller.isRefd(this.#fd)
      ? poller.spinBudget()
      : 0;
  }

  #spinScore(hit: 0 | 1): void {
    this.#spinRate += (hit - this.#spinRate) / 4;
  }

  /**
   * Data found: ends the wait. In AUTO mode it scores the wait: a spin that
   * got the data is a hit; a sleep is one when the data came within the
   * budget (the wait minus what sleeping itself cost).
   */
  #gotData(): void {
    if (this.#spinUntil !== 0) {
      this.#spinUntil = 0;
      if (this.#busyPoll === AUTO) this.#spinScore(1);
    } else if (this.#sleptAt !== 0) {
      const gap = performance.now() - this.#sleptAt - poller.sleepCost();
      this.#spinScore(gap < poller.spinBudget() ? 1 : 0);
    }
    this.#sleptAt = 0;
  }

  #spin = (): void => {
    this.#spinScheduled = false;
    if (this.#closed || this.#notOwner || !this.#demand()) {
      this.#spinUntil = 0;
      return;
    }
    const w = this.#waiter;
    if (w?.deadline !== undefined && performance.now() >= w.deadline) {
      this.#spinUntil = 0;
      w.expire!();
      return;
    }
    this.#service();
  };

  #armRead(): void {
    if (this.#readArmed || this.#closed) return;
    this.#readArmed = true;
    this.#armPoll();
  }

  #armPoll(): void {
    const ev = (this.#readArmed ? POLL_IN : 0) |
      (this.#writeArmed ? POLL_OUT : 0);
    if (ev === 0) {
      poller.disarm(this.#fd);
      return;
    }
    poller.arm(this.#fd, ev, (rev) => {
      const r = this.#readArmed, w = this.#writeArmed;
      this.#readArmed = false;
      this.#writeArmed = false;
      if (w) this.#flushSends();
      if (r) this.#service();
      if (!w && !r) return;
      // re-arm whichever side is still waiting (the other side's wish)
      if (this.#readArmed || this.#writeArmed) this.#armPoll();
      void rev;
    });
  }

  #readError(reason: string): void {
    const err = new SctpError(reason);
    if (this.#waiter) {
      const w = this.#waiter;
      this.#waiter = null;
      w.reject(err);
    } else if (this.#active !== false) {
      this.#post(new CustomEvent("sctp_error", { detail: reason }));
    }
  }

  /**
   * One read: a batch into the shared buffer, whose records are parsed into
   * the inbox, or, while messages are large, one message (or its next piece)
   * straight into `into` or a buffer of its own (#readDirect).
   */
  #readBatch(into?: Uint8Array): "ok" | "eagain" | string {
    poller.touch();
    if (this.#pend !== null && this.#intoDetached()) return "ok";
    const chunk = Math.max(this.#buffer, 1);
    const direct = this.#largeLen !== 0 && chunk >= LARGE;
    // the pieces of a message pending in the caller's `into` move out when
    // this read does not go there
    if (
      this.#pend !== null &&
      (!direct || (!this.#pendMine && this.#pend !== into))
    ) this.#spill();
    if (direct) {
      // into: when the last large message would have fitted
      return this.#readDirect(
        into && into.length >= this.#largeLen ? into : undefined,
        chunk,
      );
    }
    // batch slots of at most LARGE bytes: a `buffer` (or recbuf) of 1 MiB
    // must not make each recvmmsg slot 1 MiB, one message per syscall; a
    // larger message arrives in pieces and switches to direct reads
    const slot = Math.min(chunk, LARGE);
    const n = lib.sctp_shim_recv_batch(
      this.#fd,
      recvBuf,
      recvBuf.length,
      BATCH_MSGS,
      slot,
    );
    if (n < 0) return errnoName(n);
    let off = 0;
    const dv = recvDv;
    while (off < n) {
      this.#record(dv, off, null);
      off += dv.getUint32(off, true);
    }
    return "ok";
  }

  /**
   * Large-message reads: one message straight into `into` (the caller's)
   * or into a buffer of its own, sized for the last large message. A
   * message delivered in pieces (the kernel's partial delivery, when the
   * receive buffer fills) is read piece after piece into the same buffer
   * while it fits; a bigger one continues in #partial.
   */
  #readDirect(
    into: Uint8Array | undefined,
    chunk: number,
  ): "ok" | "eagain" | string {
    let buf = this.#pend, at = this.#pendLen, mine = this.#pendMine;
    if (buf !== null && at >= buf.length) {
      this.#spill(); // full: a message larger than its buffer
      buf = null;
    }
    let fresh = false;
    if (buf === null) {
      at = 0;
      mine = into === undefined;
      if (into) buf = into;
      else {
        const size = Math.min(chunk, this.#largeLen);
        // the buffer of a read that found nothing serves the next one: a
        // wait (each spin included) would otherwise allocate one for nothing
        buf = spare?.length === size ? spare : ownBuffer(size);
        spare = null;
        fresh = true;
      }
    }
    const n = lib.sctp_shim_recv_into(
      this.#fd,
      hdrBuf,
      at === 0 ? buf : buf.subarray(at),
      Math.min(chunk, buf.length - at),
    );
    if (n < 0) {
      if (fresh) spare = buf;
      return errnoName(n);
    }
    const flags = hdrDv.getUint32(4, true);
    if (flags & RF_NOTIFICATION) {
      // (amid a message only sctp_pdapi_event, which ends it: its pieces
      // go to #partial, where #record drops them)
      if (this.#pend !== null) this.#spill();
      this.#record(hdrDv, 0, buf.slice(at, at + n));
      if (fresh) spare = buf;
      return "ok";
    }
    const total = at + n;
    if (!(flags & RF_EOR)) {
      this.#pend = buf;
      this.#pendLen = total;
      this.#pendMine = mine;
      return "ok";
    }
    this.#pend = null;
    this.#pendLen = 0;
    let data: Uint8Array;
    if (!mine || total >= buf.length / 2) {
      // no stale heap bytes behind `.buffer` of a buffer of our own
      if (mine && total < buf.length) buf.fill(0, total);
      data = buf.subarray(0, total);
    } else {
      data = buf.slice(0, total); // need not keep the whole buffer alive
      spare = buf; // not handed out: its bytes are overwritten next time
    }
    hdrDv.setUint32(80, total, true); // the record's length: the message's
    this.#record(hdrDv, 0, data);
    return "ok";
  }

  /**
   * Whether the caller detached (transferred) the `into` that holds the
   * first pieces of a message: those bytes are gone, so the message is
   * lost. Its pieces are dropped, the rest of it skipped, and the recv that
   * owns `into` rejects with a TypeError (never a crash or a hang).
   */
  #intoDetached(): boolean {
    const p = this.#pend;
    if (p === null || this.#pendMine || !isDetached(p.buffer)) return false;
    this.#pend = null;
    this.#pendLen = 0;
    this.#skipRest = true;
    const w = this.#waiter;
    if (w !== null && w.into === p) {
      this.#waiter = null;
      w.reject(
        new TypeError(
          "recv: `into` was detached while a message was being received into it; that message is lost",
        ),
      );
    }
    return true;
  }

  /** Moves the pending pieces (#pend) to #partial: copied out of `into`. */
  #spill(): void {
    if (this.#intoDetached()) return;
    const p = this.#pend!, len = this.#pendLen;
    this.#partial.push(this.#pendMine ? p.subarray(0, len) : p.slice(0, len));
    this.#partialLen += len;
    this.#partialNotif = false;
    this.#pend = null;
    this.#pendLen = 0;
  }

  /**
   * Parses the record whose header is at `off` in `dv` into the inbox; its
   * data follows the header in the shared buffer, or is `own` (a buffer the
   * message may keep).
   */
  #record(dv: DataView, off: number, own: Uint8Array | null): void {
    const flags = dv.getUint32(off + 4, true);
    const dlen = dv.getUint32(off + 80, true);
    const start = off + REC_HDR;
    const notif = (flags & RF_NOTIFICATION) !== 0;
    if (this.#skipRest && !notif) {
      if (flags & RF_EOR) this.#skipRest = false;
      this.#partial = [];
      this.#partialLen = 0;
      return;
    }
    if (!notif) {
      const whole = this.#partialLen + dlen;
      this.#largeLen = whole < LARGE
        ? 0
        : flags & RF_EOR
        ? (whole + 7) & ~7
        : this.#largeLen || LARGE;
    }
    if (this.#partial.length > 0 && notif !== this.#partialNotif) {
      // a notification after part of a message (sctp_pdapi_event: partial
      // delivery aborted) ends that message: its pieces are dropped
      this.#partial = [];
      this.#partialLen = 0;
    }
    if (!(flags & RF_EOR)) {
      this.#partialNotif = notif;
      this.#partial.push(own ?? recvBuf.slice(start, start + dlen));
      this.#partialLen += dlen;
      return;
    }
    let bytes: Uint8Array;
    if (this.#partial.length > 0) {
      bytes = new Uint8Array(this.#partialLen + dlen);
      let o = 0;
      for (const p of this.#partial) {
        bytes.set(p, o);
        o += p.length;
      }
      bytes.set(own ?? recvBuf.subarray(start, start + dlen), o);
      this.#partial = [];
      this.#partialLen = 0;
    } else {
      bytes = own ?? copyOut(start, dlen);
    }
    const from = this.#from(dv, off + 8);
    const anc: Array<SctpSndRcvInfo | AncValue> = flags & RF_SNDRCV
      ? [readSri(dv, off + 32)]
      : [];
    if (flags & RF_TOS) {
      anc.push({ type: "tos", value: dv.getInt32(off + 68, true) });
    }
    if (flags & RF_TTL) {
      anc.push({ type: "ttl", value: dv.getInt32(off + 72, true) });
    }
    if (flags & RF_TCLASS) {
      anc.push({ type: "tclass", value: dv.getInt32(off + 76, true) });
    }
    let data: SctpMessage["data"];
    let error = false;
    if (notif) {
      const ev = decodeNotification(bytes);
      error = isErrorEvent(ev);
      data = ev;
    } else {
      data = this.#mode === "list" ? Array.from(bytes) : bytes;
    }
    const msg: SctpMessage = {
      fromIp: from ? from.addr : "",
      fromPort: from ? from.port : 0,
      ancData: anc,
      data,
    };
    if (this.#connectWaiters.length > 0 && this.#claimConnect(msg)) return;
    this.#inbox.push({ msg, error });
  }

  /** Hands `m` to the connect() it answers, if any; whether it did. */
  #claimConnect(m: SctpMessage): boolean {
    const i = this.#connectWaiters.findIndex((w) => connectMatches(w, m));
    if (i < 0) return false;
    const [w] = this.#connectWaiters.splice(i, 1);
    w.resolve(m);
    return true;
  }

  #lastFrom: SockAddr | null = null;
  #lastKey = new Uint32Array(6);
  /** IPv4 senders seen recently, by port * 2^32 + address (many peers). */
  #from4 = new Map<number, SockAddr>();

  /**
   * The sender's address: the last one when the bytes repeat, a known IPv4
   * peer from a small map (a server with many associations), else decoded.
   */
  #from(dv: DataView, off: number): SockAddr | null {
    const k = this.#lastKey;
    let same = this.#lastFrom !== null;
    for (let i = 0; i < 6; i++) {
      const w = dv.getUint32(off + i * 4, true);
      if (k[i] !== w) {
        same = false;
        k[i] = w;
      }
    }
    if (same) return this.#lastFrom;
    const fam = k[0] & 0xffff;
    if (fam === 4) {
      const key = (k[0] >>> 16) * 0x100000000 + k[2];
      let a = this.#from4.get(key);
      if (a === undefined) {
        a = readAddr(dv, off)!;
        if (this.#from4.size >= 4096) this.#from4.clear();
        this.#from4.set(key, a);
      }
      return this.#lastFrom = a;
    }
    return this.#lastFrom = readAddr(dv, off);
  }

  #recvItem(opts?: number | "infinity" | RecvOptions): Promise<Item> {
    let timeout: unknown = opts;
    let signal: AbortSignal | undefined;
    let into: Uint8Array | undefined;
    if (opts !== null && typeof opts === "object") {
      timeout = opts.timeout;
      signal = opts.signal;
      into = opts.into;
      if (signal !== undefined && !(signal instanceof AbortSignal)) {
        throw new TypeError("recv: signal must be an AbortSignal");
      }
      if (into !== undefined) {
        if (!(into instanceof Uint8Array)) {
          throw new TypeError("recv: into must be a Uint8Array");
        }
        if (isDetached(into.buffer)) {
          throw new TypeError("recv: into is detached (transferred)");
        }
        if (into.length === 0) {
          throw new RangeError("recv: into must not be empty");
        }
      }
    }
    const ms = timeoutArg(timeout, "recv");
    this.#usable();
    if (this.#active !== false) {
      throw new SctpError("einval", "recv: socket is active");
    }
    if (this.#waiter) {
      throw new SctpError("ealready", "recv: another recv is pending");
    }
    if (signal?.aborted) throw new SctpError("aborted", "recv: aborted");
    // already received, or readable now: no waiter, timer or closures
    let empty = false;
    if (this.#inbox.length === 0 && !this.#servicing && !this.#readArmed) {
      const r = this.#readBatch(into);
      if (r === "eagain") empty = true;
      else if (r !== "ok") throw new SctpError(r);
      else this.#gotData();
    }
    if (this.#inbox.length > 0) return Promise.resolve(this.#inbox.shift()!);
    return new Promise<Item>((resolve, reject) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const done = () => {
        if (timer !== undefined) clearTimeout(timer);
        signal?.removeEventListener("abort", onAbort);
      };
      const w: Waiter = {
        into,
        resolve: (i) => {
          done();
          resolve(i);
        },
        reject: (e) => {
          done();
          reject(e);
        },
      };
      const cancel = (e: SctpError) => {
        if (this.#waiter === w) {
          this.#waiter = null;
          // the caller may write to `into` once this recv has ended
          if (into && this.#pend === into) this.#spill();
          w.reject(e);
          if (!this.#demand()) {
            this.#readArmed = false;
            this.#armPoll();
          }
        }
      };
      const onAbort = () => cancel(new SctpError("aborted", "recv: aborted"));
      this.#waiter = w;
      // just found nothing to read: wait for data (no second attempt)
      if (empty) this.#awaitData();
      else this.#service();
      if (this.#waiter !== w) return;
      if (ms === 0) return cancel(new SctpError("timeout"));
      if (ms > 0) {
        const deadline = performance.now() + ms;
        const arm = () => {
          timer = setTimeout(expire, timerDelay(deadline - performance.now()));
        };
        // a timeout past setTimeout's limit waits in steps
        const expire = () =>
          deadline - performance.now() > 1
            ? arm()
            : cancel(new SctpError("timeout"));
        if (this.#spinScheduled) {
          // busy-polling: a timer only if the socket goes to sleep
          w.deadline = deadline;
          w.expire = expire;
          w.sleep = arm;
        } else arm();
      }
      signal?.addEventListener("abort", onAbort);
    });
  }

  /**
   * Receives one message or event (gen_sctp `recv/1,2`). Rejects with
   * `timeout`, `closed`, `einval` (socket is active), `ealready` (another recv
   * is pending), `aborted` (the signal fired), or, for the error-class events
   * `sctp_send_failed`, `sctp_remote_error` and `sctp_pdapi_event`, an
   * SctpError whose `reason` is the record and `detail` the whole message.
   *
   * @example
   * ```ts
   * import { open } from "./mod.ts";
   * await using s = await open({ ip: "127.0.0.1" });
   * await s.recv(10).catch((e) => console.log(e.reason)); // "timeout"
   * ```
   */
  async recv(
    timeout?: number | "infinity" | RecvOptions,
  ): Promise<SctpMessage> {
    // fast path: a queued message, nobody else waiting
    const item = this.#inbox.length > 0 && this.#waiter === null &&
        this.#active === false && !this.#closed && !this.#notOwner &&
        (timeout === undefined || typeof timeout === "number") &&
        (timeout === undefined || timeoutArg(timeout, "recv") >= 0)
      ? this.#inbox.shift()!
      : await this.#recvItem(timeout);
    if (item.error) {
      const ev = item.msg.data as SctpEvent;
      throw new SctpError(ev, `${ev.type} event`, item.msg);
    }
    return item.msg;
  }

  /**
   * Yields what `recv` would, in order, including error-class events (yielded,
   * not thrown); ends when the socket closes.
   */
  async *[Symbol.asyncIterator](): AsyncGenerator<
    SctpMessage,
    void,
    undefined
  > {
    while (!this.#closed) {
      let item: Item;
      try {
        item = await this.#recvItem();
      } catch (e) {
        if (e instanceof SctpError && e.reason === "closed") return;
        throw e;
      }
      yield item.msg;
    }
  }

  // ---- sending ----

  /**
   * Sends one message (gen_sctp `send/3,4`): `send(assoc, stream, data)`
   * with the association's default send parameters, or
   * `send(sndrcvinfo, data)` with full control. Waits for buffer space unless
   * `non_block_send` is set (then rejects with `eagain`).
   *
   * @example
   * ```ts
   * import { open } from "./mod.ts";
   * await using srv = await open({ ip: "127.0.0.1" });
   * await srv.listen(true);
   * await using cli = await open();
   * const assoc = await cli.connect("127.0.0.1", await srv.port());
   * await cli.send(assoc, 0, "on stream 0");
   * await cli.send({ stream: 1, ppid: 46, flags: ["unordered"], assoc_id: assoc.assoc_id }, "ppid 46");
   * ```
   */
  send(
    a: Assoc | SctpSndRcvInfo,
    b: number | SendData,
    c?: SendData,
  ): Promise<void> {
    let bytes: Uint8Array,
      assoc: number,
      stream: number,
      ppid = 0,
      flags: number,
      context = 0,
      ttl = 0,
      fresh: boolean;
    try {
      if (
        typeof a === "number" ||
        (a as SctpAssocChange)?.type === "sctp_assoc_change"
      ) {
        assoc = assocId(a, "send");
        if (typeof b !== "number" || !Number.isInteger(b)) {
          throw new TypeError("send: stream must be an integer");
        }
        stream = uintField(b, 16, "send: stream");
        bytes = toBytes(c);
        fresh = isFreshBytes(c);
        flags = this.#defaults ? SEND_DEFAULTS : 0;
      } else {
        if (c !== undefined) throw new TypeError("send: too many arguments");
        const sp = sendParams(a, "send");
        bytes = toBytes(b);
        fresh = isFreshBytes(b);
        assoc = sp.assoc_id;
        stream = sp.stream;
        ppid = sp.ppid;
        flags = sp.flags;
        context = sp.context;
        ttl = sp.timetolive;
      }
      this.#usable();
    } catch (e) {
      return Promise.reject(e);
    }
    this.#sent = true;
    // the common case: nothing queued and the kernel takes it at once
    if (
      this.#sends.length === 0 &&
      this.#sendNow(bytes, assoc, stream, ppid, flags, context, ttl) >= 0
    ) return RESOLVED;
    // it may have to wait: the message is captured now, as gen_sctp's
    // immutable binaries are (the caller may reuse its buffer at once)
    return this.#submit(
      this.#pending(
        fresh ? bytes : bytes.slice(),
        assoc,
        stream,
        ppid,
        flags,
        context,
        ttl,
      ),
    );
  }

  #pending(
    bytes: Uint8Array,
    assoc: number,
    stream: number,
    ppid: number,
    flags: number,
    context: number,
    ttl: number,
  ): PendingSend {
    return {
      bytes,
      assoc,
      stream,
      ppid,
      flags,
      context,
      ttl,
      resolve: NOOP,
      reject: NOOP,
    };
  }

  /** One `sendmsg` (negative errno on failure); marks the poller used. */
  #sendNow(
    bytes: Uint8Array,
    assoc: number,
    stream: number,
    ppid: number,
    flags: number,
    context: number,
    ttl: number,
  ): number {
    poller.touch();
    return lib.sctp_shim_send(
      this.#fd,
      bytes,
      bytes.length,
      assoc,
      stream,
      ppid,
      flags,
      context,
      ttl,
    );
  }

  #trySend(p: PendingSend): number {
    return this.#sendNow(
      p.bytes,
      p.assoc,
      p.stream,
      p.ppid,
      p.flags,
      p.context,
      p.ttl,
    );
  }

  #submit(p: PendingSend): Promise<void> {
    if (this.#sends.length === 0) {
      const r = this.#trySend(p);
      if (r >= 0) return RESOLVED;
      let e = errnoName(r);
      if (e === "emsgsize" && this.#growSndbuf(p.bytes.length)) {
        const r2 = this.#trySend(p);
        if (r2 >= 0) return RESOLVED;
        e = errnoName(r2);
      }
      if (e !== "eagain") {
        return Promise.reject(
          new SctpError(
            e,
            e === "emsgsize"
              ? `send: emsgsize (a ${p.bytes.length}-byte message exceeds the send buffer or, with sctp_disable_fragments, the fragmentation point; raise sndbuf / net.core.wmem_max)`
              : `send: ${e}`,
          ),
        );
      }
      if (this.#nonBlockSend) {
        return Promise.reject(new SctpError("eagain", "send: eagain"));
      }
    } else if (this.#nonBlockSend) {
      return Promise.reject(new SctpError("eagain", "send: eagain"));
    }
    return new Promise<void>((resolve, reject) => {
      p.resolve = resolve;
      p.reject = reject;
      this.#sends.push(p);
      if (!this.#writeArmed) {
        this.#writeArmed = true;
        this.#armPoll();
      }
    });
  }

  /**
   * Linux refuses a message larger than the socket's send buffer with
   * EMSGSIZE: raise the buffer to fit it (SO_SNDBUF, capped by
   * net.core.wmem_max; then SO_SNDBUFFORCE where permitted). Returns whether
   * the buffer grew.
   */
  #growSndbuf(len: number): boolean {
    const read = () =>
      getKernelOpt(this.#fd, "sndbuf", undefined, this.#family) as
        | number
        | undefined;
    const cur = read();
    if (cur === undefined || cur >= len + 4096) return false;
    const want = Math.min(len + 65536, 0x3fffffff);
    try {
      setKernelOpt(this.#fd, "sndbuf", want, this.#family);
    } catch {
      // capped or refused: try the privileged variant below
    }
    if ((read() ?? 0) < len + 4096) {
      const v = new Uint8Array(4);
      new DataView(v.buffer).setInt32(0, want, true);
      lib.sctp_shim_setopt(this.#fd, OPT_SNDBUFFORCE, v, 4);
    }
    return (read() ?? 0) > cur;
  }

  #flushSends(): void {
    while (this.#sends.length > 0 && !this.#closed) {
      const p = this.#sends[0];
      const r = this.#trySend(p);
      if (r < 0) {
        const e = errnoName(r);
        if (e === "eagain") {
          this.#writeArmed = true;
          return;
        }
        this.#sends.shift();
        p.reject(new SctpError(e, `send: ${e}`));
        continue;
      }
      this.#sends.shift();
      p.resolve();
    }
  }

  /**
   * Gracefully shuts down one association (gen_sctp `eof/2`); the socket
   * stays open. Takes the association's `sctp_assoc_change` record.
   *
   * @example
   * ```ts
   * import { open } from "./mod.ts";
   * await using srv = await open({ ip: "127.0.0.1" });
   * await srv.listen(true);
   * await using cli = await open();
   * const assoc = await cli.connect("127.0.0.1", await srv.port());
   * await cli.eof(assoc);
   * ```
   */
  eof(assoc: SctpAssocChange): Promise<void> {
    return this.#terminate(assoc, 8, "eof");
  }

  /**
   * Aborts one association (gen_sctp `abort/2`); the peer sees `comm_lost`.
   *
   * @example
   * ```ts
   * import { open } from "./mod.ts";
   * await using srv = await open({ ip: "127.0.0.1" });
   * await srv.listen(true);
   * await using cli = await open();
   * const assoc = await cli.connect("127.0.0.1", await srv.port());
   * await cli.abort(assoc);
   * ```
   */
  abort(assoc: SctpAssocChange): Promise<void> {
    return this.#terminate(assoc, 4, "abort");
  }

  #terminate(
    assoc: SctpAssocChange,
    flag: number,
    what: string,
  ): Promise<void> {
    try {
      if (
        assoc === null || typeof assoc !== "object" ||
        assoc.type !== "sctp_assoc_change"
      ) {
        throw new TypeError(`${what}: expected an sctp_assoc_change record`);
      }
      const id = assocId(assoc, what);
      this.#usable();
      return this.#submit(
        this.#pending(new Uint8Array(0), id, 0, 0, flag, 0, 0),
      );
    } catch (e) {
      return Promise.reject(e);
    }
  }

  // ---- associations ----

  /**
   * Marks the socket as accepting associations (gen_sctp `listen/2`): a
   * boolean for seqpacket sockets (true = backlog 5), a backlog number for
   * stream sockets.
   *
   * @example
   * ```ts
   * import { open } from "./mod.ts";
   * await using s = await open({ ip: "127.0.0.1" });
   * await s.listen(true);
   * ```
   */
  listen(isServerOrBacklog: boolean | number): Promise<void> {
    try {
      let backlog: number;
      if (typeof isServerOrBacklog === "boolean") {
        backlog = isServerOrBacklog ? 5 : 0;
      } else if (
        typeof isServerOrBacklog === "number" &&
        Number.isInteger(isServerOrBacklog)
      ) {
        backlog = isServerOrBacklog;
        if (backlog < -0x80000000 || backlog > 0x7fffffff) {
          throw new RangeError(
            `listen: backlog ${backlog} is outside the 32-bit integer range`,
          );
        }
      } else {
        throw new TypeError("listen: expected a boolean or an integer backlog");
      }
      this.#usable();
      check(lib.sctp_shim_listen(this.#fd, backlog), "listen");
      return Promise.resolve();
    } catch (e) {
      return Promise.reject(e);
    }
  }

  async #peer(
    a: string | SockAddrArg,
    b: unknown,
    what: string,
  ): Promise<{ ip: Ip; port: number; rest: number }> {
    if (a !== null && typeof a === "object") {
      const fam = a.family === undefined
        ? this.#family
        : a.family === "inet"
        ? 4
        : a.family === "inet6"
        ? 6
        : 0;
      if (fam === 0) {
        throw new TypeError(`${what}: family must be "inet" or "inet6"`);
      }
      const ip = ipArg(a.addr, fam as 4 | 6, `${what}: addr`);
      if (ip.family !== this.#family) throw new SctpError("eafnosupport");
      return { ip, port: portArg(a.port, `${what}: port`), rest: 1 };
    }
    const port = portArg(b, `${what}: port`);
    const ip = await resolveHost(a, this.#family);
    return { ip, port, rest: 2 };
  }

  #connectArgs(args: unknown[], what: string) {
    const first = args[0];
    const mapForm = first !== null && typeof first === "object";
    const opts = (mapForm ? args[1] : args[2]) ?? {};
    const timeout = mapForm ? args[2] : args[3];
    if (opts === null || typeof opts !== "object" || Array.isArray(opts)) {
      throw new TypeError(`${what}: options must be an object`);
    }
    const ms = timeoutArg(timeout, what);
    if (!mapForm && typeof first !== "string") {
      throw new TypeError(
        `${what}: address must be a string or { addr, port }`,
      );
    }
    return { opts: opts as SctpOptions, ms };
  }

  async #start(args: unknown[], what: string) {
    const { opts, ms } = this.#connectArgs(args, what);
    this.#usable();
    const deadline = ms < 0 ? Infinity : performance.now() + ms;
    const peer = await this.#peer(
      args[0] as string | SockAddrArg,
      args[1],
      what,
    );
    this.#usable();
    this.#changeOpts(opts);
    // sctp_connectx gives the new association's id (the shim treats
    // EINPROGRESS as success): connect() waits for that one's outcome
    const r = lib.sctp_shim_connectx(
      this.#fd,
      addrList([peer.ip], peer.port),
      1,
    );
    if (r < 0) {
      const e = errnoName(r);
      throw new SctpError(e, `${what}: ${e}`);
    }
    return { peer, deadline, id: r };
  }

  /**
   * Sets up an association and waits for its outcome (gen_sctp
   * `connect/4,5` and the sockaddr form `connect/3,4`). Resolves with the
   * `sctp_assoc_change` record in state `comm_up`; rejects with an SctpError
   * whose reason is the record (e.g. `cant_assoc`) or a posix reason.
   *
   * @example
   * ```ts
   * import { open } from "./mod.ts";
   * await using srv = await open({ ip: "127.0.0.1" });
   * await srv.listen(true);
   * await using cli = await open();
   * const up = await cli.connect("127.0.0.1", await srv.port(), { sctp_initmsg: { num_ostreams: 5 } }, 5000);
   * console.log(up.outbound_streams);
   * ```
   */
  connect(
    addr: string | SockAddrArg,
    portOrOpts?: number | SctpOptions,
    optsOrTimeout?: SctpOptions | number | "infinity",
    timeout?: number | "infinity",
  ): Promise<SctpAssocChange> {
    return this.#connect([addr, portOrOpts, optsOrTimeout, timeout]);
  }

  async #connect(args: unknown[]): Promise<SctpAssocChange> {
    const { peer, deadline, id } = await this.#start(args, "connect");
    const msg = await new Promise<SctpMessage>((resolve, reject) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const settle = () => {
        if (timer !== undefined) clearTimeout(timer);
        const i = this.#connectWaiters.indexOf(w);
        if (i >= 0) this.#connectWaiters.splice(i, 1);
      };
      const w: ConnectWaiter = {
        id,
        ip: formatIp(peer.ip.family, peer.ip.bytes),
        port: peer.port,
        resolve: (m) => {
          settle();
          resolve(m);
        },
        reject: (e) => {
          settle();
          reject(e);
        },
      };
      // the outcome may be here already: received (passive) or posted
      // (active) while the handshake ran; other messages stay where they are
      const i = this.#inbox.findIndex((it) => connectMatches(w, it.msg));
      if (i >= 0) return w.resolve(this.#inbox.splice(i, 1)[0].msg);
      const j = this.#mailbox.findIndex((ev) =>
        ev.type === "sctp" &&
        connectMatches(w, (ev as CustomEvent<SctpMessage>).detail)
      );
      if (j >= 0) {
        const [ev] = this.#mailbox.splice(j, 1);
        return w.resolve((ev as CustomEvent<SctpMessage>).detail);
      }
      if (deadline !== Infinity) {
        const expire = () => {
          const left = deadline - performance.now();
          if (left > 1) timer = setTimeout(expire, timerDelay(left));
          else w.reject(new SctpError("timeout"));
        };
        timer = setTimeout(expire, timerDelay(deadline - performance.now()));
      }
      this.#connectWaiters.push(w);
      this.#service();
    });
    const d = msg.data as SctpAssocChange;
    if (d.state === "comm_up") return d;
    throw new SctpError(d, `connect: ${d.state}`, msg);
  }

  /**
   * Starts setting up an association (gen_sctp `connect_init`); resolves
   * once the attempt is started. The outcome arrives later as an
   * `sctp_assoc_change` event through `recv` or active delivery.
   *
   * @example
   * ```ts
   * import { open } from "./mod.ts";
   * await using srv = await open({ ip: "127.0.0.1" });
   * await srv.listen(true);
   * await using cli = await open();
   * await cli.connectInit("127.0.0.1", await srv.port());
   * const m = await cli.recv(5000);
   * ```
   */
  async connectInit(
    addr: string | SockAddrArg,
    portOrOpts?: number | SctpOptions,
    optsOrTimeout?: SctpOptions | number | "infinity",
    timeout?: number | "infinity",
  ): Promise<void> {
    await this.#start(
      [addr, portOrOpts, optsOrTimeout, timeout],
      "connectInit",
    );
  }

  /**
   * Starts an association to a peer with several addresses (gen_sctp
   * `connectx_init`, sctp_connectx); resolves with the association id. The
   * outcome arrives later as an `sctp_assoc_change` event.
   *
   * @example
   * ```ts
   * import { open } from "./mod.ts";
   * await using srv = await open({ ip: ["127.0.0.1", "127.0.0.2"] });
   * await srv.listen(true);
   * await using cli = await open();
   * const id = await cli.connectxInit(["127.0.0.1", "127.0.0.2"], await srv.port());
   * ```
   */
  async connectxInit(
    addrs: Array<string | SockAddrArg>,
    portOrOpts?: number | SctpOptions,
    opts?: SctpOptions,
  ): Promise<number> {
    if (!Array.isArray(addrs) || addrs.length === 0) {
      throw new TypeError(
        "connectxInit: expected a non-empty list of addresses",
      );
    }
    if (addrs.length > 255) {
      throw new RangeError("connectxInit: at most 255 addresses");
    }
    let port: number | undefined;
    if (typeof portOrOpts === "number") {
      port = portArg(portOrOpts, "connectxInit: port");
    } else if (portOrOpts !== undefined) {
      if (opts !== undefined) {
        throw new TypeError("connectxInit: bad arguments");
      }
      opts = portOrOpts;
    }
    if (
      opts !== undefined &&
      (opts === null || typeof opts !== "object" || Array.isArray(opts))
    ) {
      throw new TypeError("connectxInit: options must be an object");
    }
    this.#usable();
    const ips: Ip[] = [];
    const ports: number[] = [];
    let lastPort = 0;
    for (const a of addrs) {
      if (a !== null && typeof a === "object") {
        const p = await this.#peer(a, undefined, "connectxInit");
        ips.push(p.ip);
        ports.push(p.port);
        if (p.port !== 0) lastPort = p.port;
      } else if (typeof a === "string") {
        if (port === undefined) {
          throw new TypeError(
            "connectxInit: a port is needed with plain addresses",
          );
        }
        try {
          ips.push(await resolveHost(a, this.#family));
        } catch (e) {
          if (e instanceof SctpError) {
            throw new TypeError(`connectxInit: cannot resolve ${a}`);
          }
          throw e;
        }
        ports.push(port);
      } else throw new TypeError("connectxInit: bad address");
    }
    const eff = port ?? lastPort;
    if (eff === 0) {
      throw new TypeError("connectxInit: no address has a non-zero port");
    }
    this.#usable();
    this.#changeOpts(opts ?? {});
    return check(
      lib.sctp_shim_connectx(this.#fd, addrList(ips, eff), ips.length),
      "connectxInit",
    );
  }

  /**
   * Branches one association off into a new one-to-one (`stream`) socket
   * (gen_sctp `peeloff/2`). The new socket is passive and inherits `mode`,
   * `buffer` and `non_block_send`.
   *
   * @example
   * ```ts
   * import { open } from "./mod.ts";
   * await using srv = await open({ ip: "127.0.0.1" });
   * await srv.listen(true);
   * await using cli = await open();
   * const assoc = await cli.connect("127.0.0.1", await srv.port());
   * await using one = await cli.peeloff(assoc);
   * await one.send(assoc.assoc_id, 0, "via the peeled-off socket");
   * ```
   */
  peeloff(assoc: Assoc): Promise<SctpSocket> {
    try {
      const id = assocId(assoc, "peeloff");
      this.#usable();
      if (this.#type !== "seqpacket") {
        throw new SctpError("einval", "peeloff: not a seqpacket socket");
      }
      const fd = check(lib.sctp_shim_peeloff(this.#fd, id), "peeloff");
      let s: SctpSocket;
      try {
        s = new SctpSocket({ fd, family: this.#family, type: "stream" });
      } catch (e) {
        lib.sctp_shim_close(fd); // the poller could not take it
        throw e;
      }
      s.#mode = this.#mode;
      s.#buffer = this.#buffer;
      s.#nonBlockSend = this.#nonBlockSend;
      s.#busyPoll = this.#busyPoll;
      s.#defaults = this.#defaults;
      return Promise.resolve(s);
    } catch (e) {
      return Promise.reject(e);
    }
  }

  // ---- names ----

  /**
   * The local port (gen_sctp's `inet:port/1`).
   *
   * @example
   * ```ts
   * import { open } from "./mod.ts";
   * await using s = await open();
   * console.log(await s.port());
   * ```
   */
  port(): Promise<number> {
    try {
      this.#usable();
      const b = new Uint8Array(ADDR_SIZE);
      check(lib.sctp_shim_sockname(this.#fd, b), "port");
      return Promise.resolve(new DataView(b.buffer).getUint16(2, true));
    } catch (e) {
      return Promise.reject(e);
    }
  }

  #addrs(
    assoc: unknown,
    peer: boolean,
    what: string,
  ): Promise<{ addr: string; port: number }[]> {
    try {
      const id = assoc === undefined ? 0 : assocId(assoc, what);
      this.#usable();
      let max = 16;
      for (;;) {
        const b = new Uint8Array(max * ADDR_SIZE);
        const n = check(
          lib.sctp_shim_getaddrs(this.#fd, id, peer ? 1 : 0, b, max),
          what,
        );
        if (n > max) {
          max = n;
          continue;
        }
        const dv = new DataView(b.buffer);
        const out: { addr: string; port: number }[] = [];
        for (let i = 0; i < n; i++) {
          const a = readAddr(dv, i * ADDR_SIZE);
          if (a) out.push({ addr: a.addr, port: a.port });
        }
        return Promise.resolve(out);
      }
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /**
   * The local addresses of the endpoint, or of one association
   * (gen_sctp's `inet:socknames/1,2`).
   *
   * @example
   * ```ts
   * import { open } from "./mod.ts";
   * await using s = await open({ ip: ["127.0.0.1", "127.0.0.2"] });
   * console.log(await s.socknames()); // two entries, one port
   * ```
   */
  socknames(assoc?: Assoc): Promise<{ addr: string; port: number }[]> {
    return this.#addrs(assoc, false, "socknames");
  }

  /**
   * The peer addresses of an association (gen_sctp's `inet:peernames/2`);
   * without one, a one-to-one socket's peer.
   *
   * @example
   * ```ts
   * import { open } from "./mod.ts";
   * await using srv = await open({ ip: "127.0.0.1" });
   * await srv.listen(true);
   * await using cli = await open();
   * const assoc = await cli.connect("127.0.0.1", await srv.port());
   * console.log(await cli.peernames(assoc));
   * ```
   */
  peernames(assoc?: Assoc): Promise<{ addr: string; port: number }[]> {
    return this.#addrs(assoc, true, "peernames");
  }

  /**
   * Adds (or with `add = false` removes) local addresses of a bound socket
   * (sctp_bindx).
   *
   * @example
   * ```ts
   * import { open } from "./mod.ts";
   * await using s = await open({ ip: "127.0.0.1" });
   * await s.bindx(["127.0.0.2"]);
   * ```
   */
  async bindx(addrs: string[], add = true): Promise<void> {
    if (!Array.isArray(addrs) || addrs.length === 0) {
      throw new TypeError("bindx: expected a non-empty list of addresses");
    }
    const ips = addrs.map((a) => ipArg(a, this.#family, "bindx"));
    this.#usable();
    const port = await this.port();
    // checked again after the await: a socket closed meanwhile (its fd
    // number perhaps reused by another socket) must not be acted on
    this.#usable();
    check(
      lib.sctp_shim_bindx(
        this.#fd,
        addrList(ips, port),
        ips.length,
        add ? 1 : 0,
      ),
      "bindx",
    );
  }

  // ---- options ----

  #setSocketOpt(name: string, v: unknown): void {
    switch (name) {
      case "active": {
        const a = activeArg(v);
        if (typeof a === "number") {
          const cur = this.#active === "multi" ? this.#count : 0;
          const sum = cur + a;
          if (sum > 32767 || sum < -32768) {
            throw new SctpError("einval", "active: counter out of range");
          }
          if (sum <= 0) {
            this.#count = 0;
            this.#active = false;
            this.#post(new Event("sctp_passive"));
          } else {
            this.#count = sum;
            this.#active = "multi";
          }
        } else {
          this.#count = 0;
          this.#active = a;
        }
        return;
      }
      case "mode":
        if (v !== "binary" && v !== "list") {
          throw new TypeError(`mode: expected "binary" or "list"`);
        }
        this.#mode = v;
        return;
      case "buffer":
        if (typeof v !== "number" || !Number.isInteger(v)) {
          throw new TypeError("buffer: expected an integer");
        }
        if (v > 0x7fffffff) throw new RangeError("buffer: too large");
        this.#buffer = Math.max(1, v);
        return;
      case "non_block_send":
        if (typeof v !== "boolean") {
          throw new TypeError("non_block_send: expected a boolean");
        }
        this.#nonBlockSend = v;
        return;
      case "busy_poll":
        if (v === "auto") {
          this.#busyPoll = AUTO;
          return;
        }
        if (typeof v !== "number" || !Number.isInteger(v)) {
          throw new TypeError(
            'busy_poll: expected "auto" or an integer (microseconds)',
          );
        }
        if (v < 0 || v > 1000000) {
          throw new RangeError(`busy_poll: ${v} is outside 0..1000000`);
        }
        this.#busyPoll = v / 1000;
        return;
      default:
        if (name === "high_msgq_watermark" || name === "low_msgq_watermark") {
          if (typeof v !== "number" || !Number.isInteger(v) || v < 0) {
            throw new TypeError(`${name}: expected a non-negative integer`);
          }
        } else if (typeof v !== "boolean") {
          throw new TypeError(`${name}: expected a boolean`);
        }
        this.#extra[name] = v;
    }
  }

  /** @internal applies options in order: set semantics. */
  _applyOpts(opts: SctpOptions, change = false): void {
    let afterActive = false;
    for (const [name, v] of Object.entries(opts)) {
      if (v === undefined) continue;
      if (SOCKET_OPTS.has(name)) {
        this.#setSocketOpt(name, v);
        if (name === "active") afterActive = true;
      } else if (name === "sctp_default_send_param" || isKernelOpt(name)) {
        let val = v;
        if (
          change && isRecordOpt(name) && v !== null && typeof v === "object"
        ) {
          const cur = getKernelOpt(
            this.#fd,
            name,
            keyOf(name, v as Record<string, unknown>),
            this.#family,
          );
          if (cur && typeof cur === "object") {
            const merged: Record<string, unknown> = {
              ...(cur as Record<string, unknown>),
            };
            for (const [k, x] of Object.entries(v)) {
              if (x !== undefined) merged[k] = x;
            }
            if (name === "sctp_default_send_param") {
              delete merged.ssn;
              delete merged.tsn;
              delete merged.cumtsn;
            }
            if (name === "sctp_status" || name === "sctp_get_peer_addr_info") {
              val = merged;
            } else {
              delete merged.type;
              val = merged;
            }
          }
        }
        if (name === "recbuf") {
          setKernelOpt(this.#fd, name, val, this.#family);
          this.#buffer = Math.max(this.#buffer, val as number);
          continue;
        }
        setKernelOpt(this.#fd, name, val, this.#family);
        if (name === "sctp_default_send_param") this.#defaults = true;
      } else if (name === "binary" || name === "list") {
        if (v === true) this.#mode = name;
      } else {
        throw new TypeError(`unknown option ${name}`);
      }
    }
    if (afterActive || this.#active !== false) this.#service();
  }

  #changeOpts(opts: SctpOptions): void {
    this._applyOpts(opts, true);
  }

  /**
   * Sets options (gen_sctp's `inet:setopts/2`), in order. Unknown names and
   * bad values throw TypeError/RangeError naming the option; a kernel refusal
   * rejects with its posix reason.
   *
   * @example
   * ```ts
   * import { open } from "./mod.ts";
   * await using s = await open();
   * await s.setopts({ active: 5, sctp_nodelay: true, sctp_initmsg: { num_ostreams: 10 } });
   * ```
   */
  setopts(opts: SctpOptions): Promise<void> {
    try {
      if (opts === null || typeof opts !== "object" || Array.isArray(opts)) {
        throw new TypeError("setopts: expected an object of options");
      }
      this.#usable();
      this._applyOpts(opts);
      return Promise.resolve();
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /**
   * Reads options (gen_sctp's `inet:getopts/2`): names, or `{ name: record }`
   * requests with the key fields set (`{ sctp_status: { assoc_id } }`).
   * Resolves with an object in request order; options the kernel refuses are
   * omitted, as gen_sctp does.
   *
   * @example
   * ```ts
   * import { open } from "./mod.ts";
   * await using s = await open();
   * const o = await s.getopts(["active", "sndbuf", "sctp_initmsg"]);
   * console.log(o.sctp_initmsg);
   * ```
   */
  getopts(
    names: Array<string | Record<string, unknown>>,
  ): Promise<SctpOptions> {
    try {
      if (!Array.isArray(names)) {
        throw new TypeError("getopts: expected a list");
      }
      this.#usable();
      const out: SctpOptions = {};
      for (const n of names) {
        if (typeof n === "string") {
          const v = this.#getOne(n, undefined);
          if (v !== undefined) out[n] = v;
        } else if (n !== null && typeof n === "object" && !Array.isArray(n)) {
          for (const [k, key] of Object.entries(n)) {
            const v = this.#getOne(k, key);
            if (v !== undefined) out[k] = v;
          }
        } else throw new TypeError("getopts: bad option name");
      }
      return Promise.resolve(out);
    } catch (e) {
      return Promise.reject(e);
    }
  }

  #getOne(name: string, key: unknown): unknown {
    switch (name) {
      case "active":
        return this.#active === "multi" ? this.#count : this.#active;
      case "mode":
        return this.#mode;
      case "buffer":
        return this.#buffer;
      case "non_block_send":
        return this.#nonBlockSend;
      case "busy_poll":
        return busyPollOut(this.#busyPoll);
      case "binary":
      case "list":
        return this.#mode === name;
    }
    if (Object.hasOwn(this.#extra, name)) return this.#extra[name];
    if (!isKernelOpt(name)) throw new TypeError(`unknown option ${name}`);
    return getKernelOpt(this.#fd, name, key, this.#family);
  }

  // ---- lifetime ----

  /**
   * Keeps the process alive while this socket waits for something
   * (default). `unref()` lets the process exit even with a pending recv.
   *
   * @example
   * ```ts
   * import { open } from "./mod.ts";
   * const s = await open({ active: true });
   * s.unref(); // a forgotten active socket no longer keeps the process up
   * ```
   */
  ref(): void {
    if (!this.#closed) poller.setRef(this.#fd, true);
  }

  /** Lets the process exit while this socket waits; see {@linkcode ref}. */
  unref(): void {
    if (!this.#closed) poller.setRef(this.#fd, false);
  }

  /**
   * Hands the socket to a Worker (gen_sctp `controlling_process/2`): posts
   * `{ type: "sctp_socket", handle }` to it, which {@linkcode adopt} turns
   * into a socket there. This object then answers `not_owner`. Queued
   * messages move with it.
   *
   * @example
   * ```ts ignore
   * import { open } from "./mod.ts";
   * const s = await open();
   * const w = new Worker(new URL("./worker.ts", import.meta.url), { type: "module" });
   * await s.controllingProcess(w);
   * ```
   */
  controllingProcess(worker: { postMessage(m: unknown): void }): Promise<void> {
    try {
      if (!worker || typeof worker.postMessage !== "function") {
        throw new TypeError("controllingProcess: expected a Worker");
      }
      this.#usable();
      const handle: SocketHandle = {
        fd: this.#fd,
        family: this.#family,
        type: this.#type,
        mode: this.#mode,
        active: this.#active === "multi" ? this.#count : this.#active,
        buffer: this.#buffer,
        nonBlockSend: this.#nonBlockSend,
        busyPoll: busyPollOut(this.#busyPoll),
        defaults: this.#defaults,
        queued: this.#inbox.map((i) => i.msg),
      };
      this.#notOwner = true;
      this.#inbox = [];
      this.#readArmed = false;
      this.#writeArmed = false;
      poller.unregister(this.#fd);
      worker.postMessage({ type: "sctp_socket", handle });
      return Promise.resolve();
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /** @internal restores a socket handed over by controllingProcess. */
  static _adopt(h: SocketHandle): SctpSocket {
    let s: SctpSocket;
    try {
      s = new SctpSocket({ fd: h.fd, family: h.family, type: h.type });
    } catch (e) {
      lib.sctp_shim_close(h.fd); // nobody else owns it any more
      throw e;
    }
    s.#mode = h.mode;
    s.#buffer = h.buffer;
    s.#nonBlockSend = h.nonBlockSend;
    s.#busyPoll = busyPollIn(h.busyPoll);
    s.#defaults = h.defaults;
    s.#inbox = h.queued.map((msg) => ({
      msg,
      error: !!msg.data && typeof msg.data === "object" &&
        !(msg.data instanceof Uint8Array) && !Array.isArray(msg.data) &&
        isErrorEvent(msg.data),
    }));
    s._applyOpts({ active: h.active });
    return s;
  }

  /**
   * Closes the socket (gen_sctp `close/1`); idempotent. Pending recv and
   * send calls reject with `closed`; iterators end.
   *
   * @example
   * ```ts
   * import { open } from "./mod.ts";
   * const s = await open();
   * await s.close();
   * await s.close(); // fine
   * ```
   */
  close(): Promise<void> {
    if (this.#closed || this.#notOwner) return Promise.resolve();
    this.#closed = true;
    poller.unregister(this.#fd);
    lib.sctp_shim_close(this.#fd);
    const err = () => new SctpError("closed");
    if (this.#waiter) {
      const w = this.#waiter;
      this.#waiter = null;
      w.reject(err());
    }
    for (const p of this.#sends.splice(0)) p.reject(err());
    for (const c of this.#connectWaiters.splice(0)) c.reject(err());
    this.#inbox = [];
    this.#partial = [];
    this.#pend = null;
    return Promise.resolve();
  }

  /** `await using` support: closes the socket. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

/**
 * What controllingProcess posts to the new owner.
 *
 * @example
 * ```ts
 * import type { SocketHandle } from "./mod.ts";
 * const isHandle = (h: SocketHandle) => typeof h.fd === "number";
 * ```
 */
export interface SocketHandle {
  /** Kernel file descriptor. */
  fd: number;
  /** Address family. */
  family: 4 | 6;
  /** Record tag. */
  type: "seqpacket" | "stream";
  /** "binary" or "list". */
  mode: "binary" | "list";
  /** Active mode. */
  active: Active;
  /** Receive buffer size. */
  buffer: number;
  /** non_block_send flag. */
  nonBlockSend: boolean;
  /** busy_poll: "auto" or a budget in microseconds. */
  busyPoll?: number | "auto";
  /** Whether default send parameters are in use. */
  defaults: boolean;
  /** Messages already received, moved with the socket. */
  queued: SctpMessage[];
}
