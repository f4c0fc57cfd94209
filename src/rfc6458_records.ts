/**
 * The records of the SCTP socket API beyond gen_sctp (RFC 6458 and the
 * extensions after it: RFC 6525 stream reconfiguration, RFC 7496 PR-SCTP
 * policies, RFC 4895 AUTH), named as the RFC names the C structures,
 * lowercased: `sctp_rcvinfo` with `rcv_sid`, `sctp_prinfo` with
 * `pr_policy`. Each is a plain object with a `type` tag.
 *
 * @module
 */
import type { SndRcvFlag } from "./records.ts";

/**
 * A PR-SCTP policy (RFC 7496): `"ttl"` abandons a message `pr_value`
 * milliseconds after the send, `"rtx"` after `pr_value` retransmissions,
 * `"prio"` when buffer space is needed for a message of higher priority
 * (lower `pr_value`). `"none"`: fully reliable. `"all"` only in
 * `sctp_pr_assoc_status`/`sctp_pr_stream_status` requests (every policy).
 *
 * @example
 * ```ts
 * import type { PrPolicy } from "./mod.ts";
 * const p: PrPolicy = "rtx";
 * ```
 */
export type PrPolicy = "none" | "ttl" | "rtx" | "prio" | "all";

/**
 * `struct sctp_prinfo`: the partial-reliability policy of one message.
 *
 * @example Give up on a message after 2 retransmissions
 * ```ts
 * import type { SctpPrInfo } from "./mod.ts";
 * const pr: SctpPrInfo = { type: "sctp_prinfo", pr_policy: "rtx", pr_value: 2 };
 * ```
 */
export interface SctpPrInfo {
  /** Record tag. */
  type?: "sctp_prinfo";
  /** The policy (not `"all"`). */
  pr_policy: Exclude<PrPolicy, "all">;
  /** ttl: milliseconds; rtx: retransmissions; prio: priority (0 highest). */
  pr_value?: number;
}

/**
 * `struct sctp_sndinfo` (RFC 6458 5.3.4): the send parameters of
 * `sendv`, and of the `sctp_default_sndinfo` option.
 *
 * @example
 * ```ts
 * import type { SctpSndInfo } from "./mod.ts";
 * const si: SctpSndInfo = {
 *   type: "sctp_sndinfo", snd_sid: 1, snd_ppid: 46, snd_flags: ["unordered"], snd_assoc_id: 5,
 * };
 * ```
 */
export interface SctpSndInfo {
  /** Record tag. */
  type?: "sctp_sndinfo";
  /** Stream. */
  snd_sid?: number;
  /** Flags (gen_sctp's names). */
  snd_flags?: SndRcvFlag[];
  /** Payload protocol identifier (host order). */
  snd_ppid?: number;
  /** Opaque context (local only: returned in send-failed events). */
  snd_context?: number;
  /** Association id. */
  snd_assoc_id?: number;
}

/**
 * `struct sctp_authinfo` (RFC 6458 5.3.8): the shared key to authenticate a
 * message with (AUTH, RFC 4895).
 *
 * @example
 * ```ts
 * import type { SctpAuthInfo } from "./mod.ts";
 * const ai: SctpAuthInfo = { type: "sctp_authinfo", auth_keynumber: 1 };
 * ```
 */
export interface SctpAuthInfo {
  /** Record tag. */
  type?: "sctp_authinfo";
  /** The shared key's number. */
  auth_keynumber: number;
}

/**
 * `struct sctp_rcvinfo` (RFC 6458 5.3.5): in `ancData` when the
 * `sctp_recvrcvinfo` option is on.
 *
 * @example
 * ```ts
 * import type { SctpRcvInfo } from "./mod.ts";
 * const isOn2 = (r: SctpRcvInfo) => r.rcv_sid === 2;
 * ```
 */
export interface SctpRcvInfo {
  /** Record tag. */
  type: "sctp_rcvinfo";
  /** Stream. */
  rcv_sid: number;
  /** Stream sequence number. */
  rcv_ssn: number;
  /** Flags (`unordered`). */
  rcv_flags: SndRcvFlag[];
  /** Payload protocol identifier (host order). */
  rcv_ppid: number;
  /** Transmission sequence number. */
  rcv_tsn: number;
  /** Cumulative TSN. */
  rcv_cumtsn: number;
  /** The association's default context. */
  rcv_context: number;
  /** Association id. */
  rcv_assoc_id: number;
}

/**
 * A flag of `sctp_nxtinfo.nxt_flags`.
 *
 * @example
 * ```ts
 * import type { NxtFlag } from "./mod.ts";
 * const f: NxtFlag = "notification";
 * ```
 */
export type NxtFlag = "unordered" | "complete" | "notification";

/**
 * `struct sctp_nxtinfo` (RFC 6458 5.3.6): what the next message waiting
 * to be read is; in `ancData` when the `sctp_recvnxtinfo` option is on and
 * another message is queued.
 *
 * @example
 * ```ts
 * import type { SctpNxtInfo } from "./mod.ts";
 * const nextIsEvent = (n: SctpNxtInfo) => n.nxt_flags.includes("notification");
 * ```
 */
export interface SctpNxtInfo {
  /** Record tag. */
  type: "sctp_nxtinfo";
  /** Stream of the next message. */
  nxt_sid: number;
  /** Flags of the next message. */
  nxt_flags: NxtFlag[];
  /** Its payload protocol identifier (host order). */
  nxt_ppid: number;
  /** Bytes of it received so far. */
  nxt_length: number;
  /** Its association. */
  nxt_assoc_id: number;
}

/**
 * `sctp_stream_reset_event` (RFC 6525 via RFC 6458 6.1.10): streams were
 * reset (`incoming_ssn`/`outgoing_ssn`), or the request was `denied` or
 * `failed`. An empty `stream_list` means every stream.
 *
 * @example
 * ```ts
 * import type { SctpStreamResetEvent } from "./mod.ts";
 * const ok = (e: SctpStreamResetEvent) => !e.flags.includes("denied");
 * ```
 */
export interface SctpStreamResetEvent {
  /** Record tag. */
  type: "sctp_stream_reset_event";
  /** What happened. */
  flags: ("incoming_ssn" | "outgoing_ssn" | "denied" | "failed")[];
  /** Association id. */
  assoc_id: number;
  /** The streams (empty: all). */
  stream_list: number[];
}

/**
 * `sctp_assoc_reset_event`: the association's TSNs were reset.
 *
 * @example
 * ```ts
 * import type { SctpAssocResetEvent } from "./mod.ts";
 * const tsns = (e: SctpAssocResetEvent) => [e.local_tsn, e.remote_tsn];
 * ```
 */
export interface SctpAssocResetEvent {
  /** Record tag. */
  type: "sctp_assoc_reset_event";
  /** `denied` / `failed` when it did not happen. */
  flags: ("denied" | "failed")[];
  /** Association id. */
  assoc_id: number;
  /** The next TSN this side sends. */
  local_tsn: number;
  /** The next TSN this side expects. */
  remote_tsn: number;
}

/**
 * `sctp_stream_change_event`: streams were added (the new counts).
 *
 * @example
 * ```ts
 * import type { SctpStreamChangeEvent } from "./mod.ts";
 * const out = (e: SctpStreamChangeEvent) => e.outstrms;
 * ```
 */
export interface SctpStreamChangeEvent {
  /** Record tag. */
  type: "sctp_stream_change_event";
  /** `denied` / `failed` when it did not happen. */
  flags: ("denied" | "failed")[];
  /** Association id. */
  assoc_id: number;
  /** Inbound streams now. */
  instrms: number;
  /** Outbound streams now. */
  outstrms: number;
}

/**
 * `sctp_send_failed_event` (RFC 6458 6.1.11, the form that replaces
 * `sctp_send_failed`; subscribe with the `sctp_event` option): a message
 * could not be sent (or was abandoned under a PR-SCTP policy). An error
 * event, as `sctp_send_failed` is.
 *
 * @example
 * ```ts
 * import type { SctpSendFailedEvent } from "./mod.ts";
 * const unsent = (e: SctpSendFailedEvent) => !e.flags;
 * ```
 */
export interface SctpSendFailedEvent {
  /** Record tag. */
  type: "sctp_send_failed_event";
  /** True: the data was put on the wire (SCTP_DATA_SENT). */
  flags: boolean;
  /** The error cause. */
  error: number;
  /** The message's send parameters. */
  info: SctpSndInfo;
  /** Association id. */
  assoc_id: number;
  /** The message. */
  data: Uint8Array;
}
