/**
 * gen_sctp's records as plain objects: gen_sctp's field names plus a `type`
 * tag naming the record.
 *
 * @module
 */

import type {
  SctpAssocResetEvent,
  SctpNxtInfo,
  SctpRcvInfo,
  SctpSendFailedEvent,
  SctpStreamChangeEvent,
  SctpStreamResetEvent,
} from "./rfc6458_records.ts";

/**
 * A flag of `sctp_sndrcvinfo.flags`.
 *
 * @example
 * ```ts
 * import type { SndRcvFlag } from "./mod.ts";
 * const f: SndRcvFlag = "unordered";
 * ```
 */
export type SndRcvFlag = "unordered" | "addr_over" | "abort" | "eof";

/**
 * `#sctp_sndrcvinfo{}`: the ancillary data of a message, and the send
 * parameters of `send(sndrcvinfo, data)` (where `ssn`, `tsn` and `cumtsn`
 * must be left undefined).
 *
 * @example Sending unordered on stream 2 with a ppid
 * ```ts
 * import type { SctpSndRcvInfo } from "./mod.ts";
 * const info: SctpSndRcvInfo = {
 *   type: "sctp_sndrcvinfo", stream: 2, ppid: 46, flags: ["unordered"], assoc_id: 1,
 * };
 * ```
 */
export interface SctpSndRcvInfo {
  /** Record tag. */
  type?: "sctp_sndrcvinfo";
  /** Stream number. */
  stream?: number;
  /** Stream sequence number (receive only). */
  ssn?: number;
  /** Flags. */
  flags?: SndRcvFlag[];
  /** Payload protocol identifier (host order). */
  ppid?: number;
  /** Opaque context (local only). */
  context?: number;
  /** Lifetime in ms; 0 = no expiry. */
  timetolive?: number;
  /** Transmission sequence number (receive only). */
  tsn?: number;
  /** Cumulative TSN (receive only). */
  cumtsn?: number;
  /** Association id (0 = the whole endpoint). */
  assoc_id?: number;
}

/**
 * `sctp_assoc_change.state`.
 *
 * @example
 * ```ts
 * import type { AssocChangeState } from "./mod.ts";
 * const s: AssocChangeState = "comm_up";
 * ```
 */
export type AssocChangeState =
  | "comm_up"
  | "comm_lost"
  | "restart"
  | "shutdown_comp"
  | "cant_assoc";

/**
 * `#sctp_assoc_change{}`: an association came up, went down or failed.
 *
 * @example
 * ```ts
 * import type { SctpAssocChange } from "./mod.ts";
 * const ev: SctpAssocChange = {
 *   type: "sctp_assoc_change", state: "comm_up", error: 0,
 *   outbound_streams: 10, inbound_streams: 10, assoc_id: 1,
 * };
 * ```
 */
export interface SctpAssocChange {
  /** Record tag. */
  type: "sctp_assoc_change";
  /** New state. */
  state: AssocChangeState;
  /** Error code (see errorString). */
  error: number;
  /** Negotiated outbound stream count. */
  outbound_streams: number;
  /** Negotiated inbound stream count. */
  inbound_streams: number;
  /** Association id (0 = the whole endpoint). */
  assoc_id: number;
}

/**
 * `sctp_paddr_change.state`.
 *
 * @example
 * ```ts
 * import type { PaddrChangeState } from "./mod.ts";
 * const s: PaddrChangeState = "addr_confirmed";
 * ```
 */
export type PaddrChangeState =
  | "addr_available"
  | "addr_unreachable"
  | "addr_removed"
  | "addr_added"
  | "addr_made_prim"
  | "addr_confirmed"
  | "addr_potentially_failed";

/**
 * An `{IP, Port}` address of an option or event.
 *
 * @example
 * ```ts
 * import type { SctpAddr } from "./mod.ts";
 * const a: SctpAddr = { addr: "127.0.0.1", port: 2905 };
 * ```
 */
export interface SctpAddr {
  /** IP address string. */
  addr: string;
  /** Port number. */
  port: number;
}

/**
 * `#sctp_paddr_change{}`: a peer address changed state.
 *
 * @example
 * ```ts
 * import type { SctpPaddrChange } from "./mod.ts";
 * const ev: SctpPaddrChange = {
 *   type: "sctp_paddr_change", addr: { addr: "127.0.0.1", port: 3868 },
 *   state: "addr_confirmed", error: 0, assoc_id: 1,
 * };
 * ```
 */
export interface SctpPaddrChange {
  /** Record tag. */
  type: "sctp_paddr_change";
  /** IP address string. */
  addr: SctpAddr;
  /** New state. */
  state: PaddrChangeState;
  /** Error code (see errorString). */
  error: number;
  /** Association id (0 = the whole endpoint). */
  assoc_id: number;
}

/**
 * `#sctp_remote_error{}` (an error-class event): the peer sent an ERROR
 * chunk. `error` is its first cause code; `data` the cause's bytes.
 *
 * @example
 * ```ts
 * import type { SctpRemoteError } from "./mod.ts";
 * const ev: SctpRemoteError = {
 *   type: "sctp_remote_error", error: 1, assoc_id: 1, data: new Uint8Array(),
 * };
 * ```
 */
export interface SctpRemoteError {
  /** Record tag. */
  type: "sctp_remote_error";
  /** Error code (see errorString). */
  error: number;
  /** Association id (0 = the whole endpoint). */
  assoc_id: number;
  /** Payload bytes. */
  data: Uint8Array;
}

/**
 * `#sctp_send_failed{}` (an error-class event): a message could not be
 * delivered. `flags` is true when it had been sent on the wire; `info` is its
 * sndrcvinfo; `data` the message.
 *
 * @example
 * ```ts
 * import type { SctpSendFailed } from "./mod.ts";
 * const ev: SctpSendFailed = {
 *   type: "sctp_send_failed", flags: false, error: 0,
 *   info: { type: "sctp_sndrcvinfo", stream: 0 }, assoc_id: 1, data: new Uint8Array(),
 * };
 * ```
 */
export interface SctpSendFailed {
  /** Record tag. */
  type: "sctp_send_failed";
  /** Flags. */
  flags: boolean;
  /** Error code (see errorString). */
  error: number;
  /** The sndrcvinfo of the failed message. */
  info: SctpSndRcvInfo;
  /** Association id (0 = the whole endpoint). */
  assoc_id: number;
  /** Payload bytes. */
  data: Uint8Array;
}

/**
 * `#sctp_shutdown_event{}`: the peer started a graceful shutdown.
 *
 * @example
 * ```ts
 * import type { SctpShutdownEvent } from "./mod.ts";
 * const ev: SctpShutdownEvent = { type: "sctp_shutdown_event", assoc_id: 1 };
 * ```
 */
export interface SctpShutdownEvent {
  /** Record tag. */
  type: "sctp_shutdown_event";
  /** Association id (0 = the whole endpoint). */
  assoc_id: number;
}

/**
 * `#sctp_adaptation_event{}`: the peer's adaptation layer indication.
 *
 * @example
 * ```ts
 * import type { SctpAdaptationEvent } from "./mod.ts";
 * const ev: SctpAdaptationEvent = {
 *   type: "sctp_adaptation_event", adaptation_ind: 7, assoc_id: 1,
 * };
 * ```
 */
export interface SctpAdaptationEvent {
  /** Record tag. */
  type: "sctp_adaptation_event";
  /** Adaptation layer indication. */
  adaptation_ind: number;
  /** Association id (0 = the whole endpoint). */
  assoc_id: number;
}

/**
 * `#sctp_pdapi_event{}` (an error-class event): partial delivery aborted.
 *
 * @example
 * ```ts
 * import type { SctpPdapiEvent } from "./mod.ts";
 * const ev: SctpPdapiEvent = {
 *   type: "sctp_pdapi_event", indication: "partial_delivery_aborted", assoc_id: 1,
 * };
 * ```
 */
export interface SctpPdapiEvent {
  /** Record tag. */
  type: "sctp_pdapi_event";
  /** What happened. */
  indication: "partial_delivery_aborted";
  /** Association id (0 = the whole endpoint). */
  assoc_id: number;
}

/**
 * `sctp_authkey_event` (subscribed with `authentication_event`).
 *
 * @example
 * ```ts
 * import type { SctpAuthkeyEvent } from "./mod.ts";
 * const ev: SctpAuthkeyEvent = {
 *   type: "sctp_authkey_event", keynumber: 0, altkeynumber: 0,
 *   indication: "new_key", assoc_id: 1,
 * };
 * ```
 */
export interface SctpAuthkeyEvent {
  /** Record tag. */
  type: "sctp_authkey_event";
  /** Key number. */
  keynumber: number;
  /** Alternate key number. */
  altkeynumber: number;
  /** What happened. */
  indication: "new_key" | "free_key" | "no_auth" | "unknown";
  /** Association id (0 = the whole endpoint). */
  assoc_id: number;
}

/**
 * `sctp_sender_dry_event` (subscribed with `sender_dry_event`): nothing is
 * left to send on the association.
 *
 * @example
 * ```ts
 * import type { SctpSenderDryEvent } from "./mod.ts";
 * const ev: SctpSenderDryEvent = { type: "sctp_sender_dry_event", assoc_id: 1 };
 * ```
 */
export interface SctpSenderDryEvent {
  /** Record tag. */
  type: "sctp_sender_dry_event";
  /** Association id (0 = the whole endpoint). */
  assoc_id: number;
}

/**
 * A notification this library cannot decode (unknown kind, or truncated):
 * delivered rather than dropped, with the raw bytes.
 *
 * @example
 * ```ts
 * import type { SctpUnknownEvent } from "./mod.ts";
 * const ev: SctpUnknownEvent = {
 *   type: "sctp_unknown_event", kernel_type: 0x8010, data: new Uint8Array(8),
 * };
 * ```
 */
export interface SctpUnknownEvent {
  /** Record tag. */
  type: "sctp_unknown_event";
  /** The kernel notification type. */
  kernel_type: number;
  /** Payload bytes. */
  data: Uint8Array;
}

/**
 * Any event record.
 *
 * @example
 * ```ts
 * import type { SctpEvent } from "./mod.ts";
 * const ev: SctpEvent = { type: "sctp_shutdown_event", assoc_id: 1 };
 * ```
 */
export type SctpEvent =
  | SctpAssocChange
  | SctpPaddrChange
  | SctpRemoteError
  | SctpSendFailed
  | SctpShutdownEvent
  | SctpAdaptationEvent
  | SctpPdapiEvent
  | SctpAuthkeyEvent
  | SctpSenderDryEvent
  | SctpStreamResetEvent
  | SctpAssocResetEvent
  | SctpStreamChangeEvent
  | SctpSendFailedEvent
  | SctpUnknownEvent;

/**
 * An ancillary data item other than the sndrcvinfo.
 *
 * @example
 * ```ts
 * import type { AncValue } from "./mod.ts";
 * const tos: AncValue = { type: "tos", value: 0x10 };
 * ```
 */
export interface AncValue {
  /** Record tag. */
  type: "tos" | "ttl" | "tclass";
  /** The value. */
  value: number;
}

/**
 * What `recv` returns and active mode delivers: gen_sctp's
 * `{FromIP, FromPort, AncData, Data}`.
 *
 * @example
 * ```ts
 * import { open, type SctpMessage } from "./mod.ts";
 * const s = await open({ ip: "127.0.0.1" });
 * const m: SctpMessage = await s.recv(1).catch(() => ({
 *   fromIp: "", fromPort: 0, ancData: [], data: new Uint8Array(),
 * }));
 * await s.close();
 * ```
 */
export interface SctpMessage {
  /** Sender (or event peer) IP address. */
  fromIp: string;
  /** Sender (or event peer) port. */
  fromPort: number;
  /**
   * Ancillary data: the sctp_sndrcvinfo record, plus tos/ttl/tclass values,
   * and sctp_rcvinfo / sctp_nxtinfo records, when enabled.
   */
  ancData: Array<SctpSndRcvInfo | AncValue | SctpRcvInfo | SctpNxtInfo>;
  /** Payload bytes. */
  data: Uint8Array | number[] | SctpEvent;
}
