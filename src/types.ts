/**
 * The argument types of the public API: options, associations, send data,
 * peer addresses and recv options.
 *
 * @module
 */
import type { Family } from "./addr.ts";
import type { SctpAssocChange, SctpMessage } from "./records.ts";
import type {
  SctpAuthInfo,
  SctpPrInfo,
  SctpSndInfo,
} from "./rfc6458_records.ts";
import type { Active } from "./socket_options.ts";

export type { SctpOptions } from "./option_types.ts";

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
   * scratch. Detaching (transferring) `into` while a recv holds part of a
   * message in it loses that message: the recv rejects with a TypeError.
   * Not part of gen_sctp.
   */
  into?: Uint8Array;
}

/**
 * The last argument of `connect` / `connectInit` in its object form: a
 * timeout and an AbortSignal. An abort rejects with reason `"aborted"` and
 * aborts the association being set up.
 *
 * @example
 * ```ts
 * import type { ConnectOptions } from "./mod.ts";
 * const o: ConnectOptions = { timeout: 5000, signal: AbortSignal.timeout(1000) };
 * ```
 */
export interface ConnectOptions {
  /** Milliseconds, or "infinity" (the default). */
  timeout?: number | "infinity";
  /** Rejects the connect with reason "aborted" when aborted. */
  signal?: AbortSignal;
}

/**
 * The last argument of `send`: an AbortSignal (a send that waits for
 * buffer space and is aborted before the kernel took it rejects with reason
 * `"aborted"` and is not sent), and the message's RFC 6458 `prinfo` and
 * `authinfo`.
 *
 * @example
 * ```ts
 * import type { SendOptions } from "./mod.ts";
 * const o: SendOptions = { signal: AbortSignal.timeout(1000) };
 * const lossy: SendOptions = { prinfo: { pr_policy: "rtx", pr_value: 0 } };
 * ```
 */
export interface SendOptions {
  /** Withdraws a waiting send when aborted. */
  signal?: AbortSignal;
  /**
   * Partial reliability of this message (RFC 7496; the peer must support
   * PR-SCTP, see `sctp_pr_supported`): abandoned after `pr_value` ms
   * (`"ttl"`), retransmissions (`"rtx"`), or for a message of higher
   * priority (`"prio"`).
   */
  prinfo?: SctpPrInfo;
  /** Authenticate this message with this shared key (AUTH, RFC 4895). */
  authinfo?: SctpAuthInfo;
}

/**
 * The events an active socket dispatches: `"sctp"` for each message or
 * event, `"sctp_error"` for the error-class events (the message) and read
 * errors (the reason), `"sctp_passive"` when an active-N count runs out.
 *
 * @example
 * ```ts
 * import { open } from "./mod.ts";
 * await using s = await open({ ip: "127.0.0.1", active: true });
 * s.addEventListener("sctp", (e) => console.log(e.detail.fromIp, e.detail.data));
 * s.addEventListener("sctp_passive", () => console.log("passive now"));
 * ```
 */
export interface SctpSocketEventMap {
  /** A received message or event (gen_sctp's `{sctp, S, IP, Port, Data}`). */
  sctp: CustomEvent<SctpMessage>;
  /** An error-class event (its message) or a read error (its reason). */
  sctp_error: CustomEvent<SctpMessage | string>;
  /** The active-N count ran out (gen_sctp's `{sctp_passive, S}`). */
  sctp_passive: Event;
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

/**
 * The information of `sendv` (RFC 6458 `sctp_sendv`): any of the send
 * parameters, a PR-SCTP policy and an AUTH key.
 *
 * @example
 * ```ts
 * import type { SendvInfo } from "./mod.ts";
 * const i: SendvInfo = {
 *   sndinfo: { snd_sid: 2, snd_ppid: 51, snd_flags: ["unordered"] },
 *   prinfo: { pr_policy: "ttl", pr_value: 50 },
 * };
 * ```
 */
export interface SendvInfo {
  /** Stream, flags, ppid, context, association. */
  sndinfo?: SctpSndInfo;
  /** Partial reliability of this message. */
  prinfo?: SctpPrInfo;
  /** The AUTH shared key to authenticate it with. */
  authinfo?: SctpAuthInfo;
}
