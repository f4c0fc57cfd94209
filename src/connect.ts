/**
 * Connecting: the peer arguments of connect/connectInit (both gen_sctp
 * forms), and the connect() calls that wait for the outcome of the
 * association they started. A connect waits for the `sctp_assoc_change`
 * whose assoc_id the kernel gave it (sctp_connectx), never an earlier
 * association's event from the same peer; other messages stay where they
 * are, for recv or active delivery.
 *
 * @module
 */
import { formatIp, type Ip, ipArg, portArg, resolveHost } from "./addr.ts";
import { SctpError } from "./errors.ts";
import type { SctpAssocChange, SctpEvent, SctpMessage } from "./records.ts";
import { timeoutArg, timerDelay } from "./timeouts.ts";
import type { SockAddrArg } from "./types.ts";
import { without } from "./lazy_list.ts";

/** A resolved peer: its address, port, and how many arguments it took. */
export interface Peer {
  ip: Ip;
  port: number;
}

/**
 * The peer of `connect(addr, port, ...)` or `connect({ family?, addr,
 * port }, ...)` on a socket of `family`.
 */
export async function peerArg(
  a: string | SockAddrArg,
  b: unknown,
  family: 4 | 6,
  what: string,
): Promise<Peer> {
  if (a !== null && typeof a === "object") {
    const fam = a.family === undefined
      ? family
      : a.family === "inet"
      ? 4
      : a.family === "inet6"
      ? 6
      : 0;
    if (fam === 0) {
      throw new TypeError(`${what}: family must be "inet" or "inet6"`);
    }
    const ip = ipArg(a.addr, fam as 4 | 6, `${what}: addr`);
    if (ip.family !== family) throw new SctpError("eafnosupport");
    return { ip, port: portArg(a.port, `${what}: port`) };
  }
  const port = portArg(b, `${what}: port`);
  const ip = await resolveHost(a, family);
  return { ip, port };
}

/**
 * The options object, timeout (ms, -1 = infinity) and AbortSignal of a
 * connect call; the timeout argument is a number, "infinity", or
 * `{ timeout?, signal? }`.
 */
export function connectArgs(
  args: unknown[],
  what: string,
): { opts: Record<string, unknown>; ms: number; signal?: AbortSignal } {
  const first = args[0];
  const mapForm = first !== null && typeof first === "object";
  const opts = (mapForm ? args[1] : args[2]) ?? {};
  let timeout = mapForm ? args[2] : args[3];
  let signal: AbortSignal | undefined;
  if (opts === null || typeof opts !== "object" || Array.isArray(opts)) {
    throw new TypeError(`${what}: options must be an object`);
  }
  if (timeout !== null && typeof timeout === "object") {
    const t = timeout as { timeout?: unknown; signal?: unknown };
    if (t.signal !== undefined && !(t.signal instanceof AbortSignal)) {
      throw new TypeError(`${what}: signal must be an AbortSignal`);
    }
    signal = t.signal;
    timeout = t.timeout;
  }
  const ms = timeoutArg(timeout, what);
  if (!mapForm && typeof first !== "string") {
    throw new TypeError(`${what}: address must be a string or { addr, port }`);
  }
  return { opts: opts as Record<string, unknown>, ms, signal };
}

/** Throws `aborted` when `signal` has fired. */
export function notAborted(signal: AbortSignal | undefined, what: string) {
  if (signal?.aborted) throw new SctpError("aborted", `${what}: aborted`);
}

/**
 * A connect() waiting for the outcome of its association: the
 * `sctp_assoc_change` with its assoc_id, or, where the kernel gave no id
 * (0), the first one from the peer's address and port.
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

function matches(w: ConnectWaiter, m: SctpMessage): boolean {
  if (!isAssocChange(m)) return false;
  return w.id !== 0
    ? (m.data as SctpAssocChange).assoc_id === w.id
    : m.fromIp === w.ip && m.fromPort === w.port;
}

/** Where an outcome that arrived before the wait began may be. */
export interface Arrived {
  /** Removes and returns the first queued message `pred` accepts. */
  take(pred: (m: SctpMessage) => boolean): SctpMessage | undefined;
}

/** The connect() calls of one socket that wait for their outcome. */
export class Connects {
  /** (null while none waits: an idle socket keeps no array) */
  #waiters: ConnectWaiter[] | null = null;

  /** Whether a connect waits (the socket must keep reading). */
  get pending(): boolean {
    return this.#waiters !== null;
  }

  /** Hands `m` to the connect() it answers, if any; whether it did. */
  claim(m: SctpMessage): boolean {
    const w = this.#waiters?.find((w) => matches(w, m));
    if (w === undefined) return false;
    w.resolve(m); // (its settle removes it)
    return true;
  }

  /**
   * Waits for the outcome of association `id` (to `peer`) until
   * `deadline` (performance.now(), Infinity for none): resolves with its
   * `sctp_assoc_change` record in state comm_up, rejects with one in
   * another state, `timeout`, `aborted` (when `signal` fires), or what
   * rejectAll gives. `arrived` is looked at first.
   */
  async wait(
    id: number,
    peer: Peer,
    deadline: number,
    arrived: Arrived,
    signal?: AbortSignal,
  ): Promise<SctpAssocChange> {
    const msg = await new Promise<SctpMessage>((resolve, reject) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const onAbort = () =>
        w.reject(new SctpError("aborted", "connect: aborted"));
      const settle = () => {
        if (timer !== undefined) clearTimeout(timer);
        signal?.removeEventListener("abort", onAbort);
        const ws = without(this.#waiters, w);
        if (ws !== undefined) this.#waiters = ws;
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
      const early = arrived.take((m) => matches(w, m));
      if (early) return w.resolve(early);
      if (signal?.aborted) return onAbort();
      signal?.addEventListener("abort", onAbort);
      if (deadline !== Infinity) {
        const expire = () => {
          const left = deadline - performance.now();
          if (left > 1) timer = setTimeout(expire, timerDelay(left));
          else w.reject(new SctpError("timeout"));
        };
        timer = setTimeout(expire, timerDelay(deadline - performance.now()));
      }
      (this.#waiters ??= []).push(w);
    });
    const d = msg.data as SctpAssocChange;
    if (d.state === "comm_up") return d;
    throw new SctpError(d, `connect: ${d.state}`, msg);
  }

  /** Rejects every waiting connect (the socket closed). */
  rejectAll(err: () => unknown): void {
    for (const w of this.#waiters?.slice() ?? []) w.reject(err());
  }
}

/**
 * The arguments of connectxInit(addrs, port?, opts?): the addresses (plain
 * ones need `port`; `{ addr, port }` ones carry theirs, the last non-zero
 * one is used when no port is given), the port and the options.
 */
export async function connectxArgs(
  addrs: Array<string | SockAddrArg>,
  portOrOpts: number | Record<string, unknown> | undefined,
  opts: Record<string, unknown> | undefined,
  family: 4 | 6,
): Promise<{ ips: Ip[]; port: number; opts: Record<string, unknown> }> {
  if (!Array.isArray(addrs) || addrs.length === 0) {
    throw new TypeError("connectxInit: expected a non-empty list of addresses");
  }
  if (addrs.length > 255) {
    throw new RangeError("connectxInit: at most 255 addresses");
  }
  let port: number | undefined;
  if (typeof portOrOpts === "number") {
    port = portArg(portOrOpts, "connectxInit: port");
  } else if (portOrOpts !== undefined) {
    if (opts !== undefined) throw new TypeError("connectxInit: bad arguments");
    opts = portOrOpts;
  }
  if (
    opts !== undefined &&
    (opts === null || typeof opts !== "object" || Array.isArray(opts))
  ) {
    throw new TypeError("connectxInit: options must be an object");
  }
  const ips: Ip[] = [];
  let lastPort = 0;
  for (const a of addrs) {
    if (a !== null && typeof a === "object") {
      const p = await peerArg(a, undefined, family, "connectxInit");
      ips.push(p.ip);
      if (p.port !== 0) lastPort = p.port;
    } else if (typeof a === "string") {
      if (port === undefined) {
        throw new TypeError(
          "connectxInit: a port is needed with plain addresses",
        );
      }
      try {
        ips.push(await resolveHost(a, family));
      } catch (e) {
        if (e instanceof SctpError) {
          throw new TypeError(`connectxInit: cannot resolve ${a}`);
        }
        throw e;
      }
    } else throw new TypeError("connectxInit: bad address");
  }
  const eff = port ?? lastPort;
  if (eff === 0) {
    throw new TypeError("connectxInit: no address has a non-zero port");
  }
  return { ips, port: eff, opts: opts ?? {} };
}
