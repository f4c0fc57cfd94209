/**
 * The send path of one socket: a message goes to the kernel at once when
 * nothing is queued and the kernel takes it (no promise, no copy); else it
 * is captured (copied unless it was made for this send) and queued, and the
 * queue is flushed in order when the socket becomes writable. One `sendmsg`
 * per attempt; a message larger than the send buffer grows the buffer
 * once; `non_block_send` makes a send that would wait reject with eagain.
 * A fake shim object can drive it in a unit test.
 *
 * @module
 */
import { errnoName, SctpError } from "./errors.ts";
import { lib } from "./lib.ts";
import { getKernelOpt, OPT_SNDBUFFORCE, setKernelOpt } from "./options.ts";
import { without } from "./lazy_list.ts";

/** One message to send, with its sctp_sndrcvinfo fields. */
export interface Outgoing {
  bytes: Uint8Array;
  assoc: number;
  stream: number;
  ppid: number;
  /** Shim send flags (layout.ts SF_*, SEND_DEFAULTS). */
  flags: number;
  context: number;
  ttl: number;
}

interface Queued extends Outgoing {
  resolve(): void;
  reject(e: unknown): void;
}

/** The shim function the sender calls (the real shim, or a fake). */
export interface SenderShim {
  sctp_shim_send(
    fd: number,
    data: Uint8Array,
    len: number,
    assoc: number,
    stream: number,
    ppid: number,
    flags: number,
    context: number,
    ttl: number,
  ): number;
}

/** The socket's settings the sender reads (they may change). */
export interface SenderSettings {
  /** `non_block_send`. */
  readonly nonBlockSend: boolean;
}

/** What the sender needs from its socket. */
export interface SenderHost {
  /** Asks to be told (flush()) when the socket is writable. */
  armWrite(): void;
  /** A `len`-byte message exceeds the send buffer: grow it; whether it grew. */
  grow(len: number): boolean;
}

/** Shared by every send that completes at once (no per-message promise). */
const RESOLVED: Promise<void> = Promise.resolve();

/** See the module doc. */
export class Sender {
  #fd: number;
  #set: SenderSettings;
  #host: SenderHost;
  #shim: SenderShim;
  /** Sends waiting for room (null when none: an idle socket keeps none). */
  #queue: Queued[] | null = null;

  constructor(
    fd: number,
    settings: SenderSettings,
    host: SenderHost,
    shim: SenderShim = lib,
  ) {
    this.#fd = fd;
    this.#set = settings;
    this.#host = host;
    this.#shim = shim;
  }

  /** Whether sends wait for the socket to become writable. */
  get waiting(): boolean {
    return this.#queue !== null;
  }

  /**
   * Sends `m`: resolves once the kernel took it. `fresh`: `m.bytes` was
   * made for this send (nobody else writes to it), so a queued send need
   * not copy it. `signal` withdraws it while it waits (reason `aborted`).
   */
  send(m: Outgoing, fresh: boolean, signal?: AbortSignal): Promise<void> {
    if (this.#queue === null) {
      const e = this.#attempt(m);
      if (e === null) return RESOLVED;
      if (e !== "eagain") return Promise.reject(sendError(e, m));
    }
    if (this.#set.nonBlockSend) {
      return Promise.reject(new SctpError("eagain", "send: eagain"));
    }
    // it waits: the message is captured now, as gen_sctp's immutable
    // binaries are (the caller may reuse its buffer at once)
    const bytes = fresh ? m.bytes : m.bytes.slice();
    return new Promise<void>((resolve, reject) => {
      const onAbort = () => {
        // withdrawn while it waits (not once the kernel has it)
        const qs = without(this.#queue, q);
        if (qs === undefined) return;
        this.#queue = qs;
        reject(new SctpError("aborted", "send: aborted"));
      };
      const q: Queued = {
        ...m,
        bytes,
        resolve: () => {
          signal?.removeEventListener("abort", onAbort);
          resolve();
        },
        reject: (e) => {
          signal?.removeEventListener("abort", onAbort);
          reject(e);
        },
      };
      signal?.addEventListener("abort", onAbort);
      if (this.#queue === null) {
        this.#queue = [q];
        this.#host.armWrite();
      } else this.#queue.push(q);
    });
  }

  /** The socket is writable: sends what the kernel takes, in order. */
  flush(): void {
    for (let qs = this.#queue; qs !== null; qs = this.#queue) {
      const p = qs[0];
      const e = this.#attempt(p);
      if (e === "eagain") {
        this.#host.armWrite();
        return;
      }
      if (qs.length === 1) this.#queue = null;
      else qs.shift();
      if (e === null) p.resolve();
      else p.reject(sendError(e, p));
    }
  }

  /** Rejects every queued send (the socket closed). */
  rejectAll(err: () => unknown): void {
    const qs = this.#queue;
    this.#queue = null;
    for (const p of qs ?? []) p.reject(err());
  }

  /**
   * One attempt: null when the kernel took `m`, else the reason. A message
   * larger than the send buffer (emsgsize) grows the buffer and is tried
   * once more, whether it went first or waited in the queue.
   */
  #attempt(m: Outgoing): string | null {
    const r = this.#try(m);
    if (r >= 0) return null;
    const e = errnoName(r);
    if (e !== "emsgsize" || !this.#host.grow(m.bytes.length)) return e;
    const r2 = this.#try(m);
    return r2 >= 0 ? null : errnoName(r2);
  }

  /** One `sendmsg`: bytes sent, or a negative errno. */
  #try(m: Outgoing): number {
    return this.#shim.sctp_shim_send(
      this.#fd,
      m.bytes,
      m.bytes.length,
      m.assoc,
      m.stream,
      m.ppid,
      m.flags,
      m.context,
      m.ttl,
    );
  }
}

function sendError(e: string, m: Outgoing): SctpError {
  return new SctpError(
    e,
    e === "emsgsize"
      ? `send: emsgsize (a ${m.bytes.length}-byte message exceeds the send buffer or, with sctp_disable_fragments, the fragmentation point; raise sndbuf / net.core.wmem_max)`
      : `send: ${e}`,
  );
}

/**
 * Linux refuses a message larger than the socket's send buffer with
 * EMSGSIZE: raise the buffer to fit it (SO_SNDBUF, capped by
 * net.core.wmem_max; then SO_SNDBUFFORCE where permitted). Returns whether
 * the buffer grew.
 */
export function growSndbuf(fd: number, family: 4 | 6, len: number): boolean {
  const read = () =>
    getKernelOpt(fd, "sndbuf", undefined, family) as number | undefined;
  const cur = read();
  if (cur === undefined || cur >= len + 4096) return false;
  const want = Math.min(len + 65536, 0x3fffffff);
  try {
    setKernelOpt(fd, "sndbuf", want, family);
  } catch {
    // capped or refused: try the privileged variant below
  }
  if ((read() ?? 0) < len + 4096) {
    const v = new Uint8Array(4);
    new DataView(v.buffer).setInt32(0, want, true);
    lib.sctp_shim_setopt(fd, OPT_SNDBUFFORCE, v, 4);
  }
  return (read() ?? 0) > cur;
}
