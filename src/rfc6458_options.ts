/**
 * The types of the socket options beyond gen_sctp (RFC 6458 and the
 * extensions after it), by their RFC names lowercased.
 *
 * @module
 */
import type { SndRcvFlag } from "./records.ts";
import type { PrPolicy, SctpSndInfo } from "./rfc6458_records.ts";

/**
 * `struct sctp_assoc_value` of an on/off capability option
 * (`sctp_pr_supported`, `sctp_reconfig_supported`,
 * `sctp_interleaving_supported`, `sctp_auth_supported`,
 * `sctp_asconf_supported`, `sctp_ecn_supported`): whether this endpoint
 * (assoc_id 0) offers it in INIT, or whether an association negotiated it.
 *
 * @example
 * ```ts
 * import type { SctpAssocFlag } from "./mod.ts";
 * const on: Partial<SctpAssocFlag> = { assoc_value: true };
 * ```
 */
export interface SctpAssocFlag {
  /** Record tag. */
  type: "sctp_assoc_value";
  /** Association (0: the endpoint, for future associations). */
  assoc_id: number;
  /** On or off. */
  assoc_value: boolean;
}

/**
 * `struct sctp_assoc_value` with a number (`sctp_max_burst`,
 * `sctp_context`).
 *
 * @example
 * ```ts
 * import type { SctpAssocNumber } from "./mod.ts";
 * const v: Partial<SctpAssocNumber> = { assoc_value: 4 };
 * ```
 */
export interface SctpAssocNumber {
  /** Record tag. */
  type: "sctp_assoc_value";
  /** Association (0: the endpoint). */
  assoc_id: number;
  /** The value. */
  assoc_value: number;
}

/**
 * A stream reset request kind of `sctp_enable_stream_reset`.
 *
 * @example
 * ```ts
 * import type { StreamResetReq } from "./mod.ts";
 * const r: StreamResetReq = "enable_reset_stream_req";
 * ```
 */
export type StreamResetReq =
  | "enable_reset_stream_req"
  | "enable_reset_assoc_req"
  | "enable_change_assoc_req";

/**
 * `sctp_enable_stream_reset`'s record: which RFC 6525 requests this
 * endpoint accepts from its peer.
 *
 * @example
 * ```ts
 * import type { SctpEnableStreamReset } from "./mod.ts";
 * const v: Partial<SctpEnableStreamReset> = {
 *   assoc_value: ["enable_reset_stream_req", "enable_change_assoc_req"],
 * };
 * ```
 */
export interface SctpEnableStreamReset {
  /** Record tag. */
  type: "sctp_assoc_value";
  /** Association (0: the endpoint). */
  assoc_id: number;
  /** The accepted requests. */
  assoc_value: StreamResetReq[];
}

/**
 * A stream scheduler (RFC 8260): first come first served, priority, round
 * robin, fair capacity, weighted fair queueing (the last two need Linux
 * 6.4).
 *
 * @example
 * ```ts
 * import type { StreamScheduler } from "./mod.ts";
 * const s: StreamScheduler = "prio";
 * ```
 */
export type StreamScheduler = "fcfs" | "prio" | "rr" | "fc" | "wfq";

/**
 * `sctp_stream_scheduler`'s record.
 *
 * @example
 * ```ts
 * import type { SctpStreamSchedulerValue } from "./mod.ts";
 * const v: Partial<SctpStreamSchedulerValue> = { assoc_value: "rr" };
 * ```
 */
export interface SctpStreamSchedulerValue {
  /** Record tag. */
  type: "sctp_assoc_value";
  /** Association (0: the endpoint). */
  assoc_id: number;
  /** The scheduler. */
  assoc_value: StreamScheduler;
}

/**
 * `struct sctp_stream_value` (`sctp_stream_scheduler_value`): a stream's
 * parameter for its scheduler (`prio`: priority, 0 highest; `wfq`: weight).
 *
 * @example
 * ```ts
 * import type { SctpStreamValue } from "./mod.ts";
 * const v: Partial<SctpStreamValue> = { assoc_id: 3, stream_id: 1, stream_value: 0 };
 * ```
 */
export interface SctpStreamValue {
  /** Record tag. */
  type: "sctp_stream_value";
  /** Association. */
  assoc_id: number;
  /** The stream. */
  stream_id: number;
  /** Its value. */
  stream_value: number;
}

/**
 * `struct sctp_default_prinfo`: the PR-SCTP policy of sends that give none.
 *
 * @example
 * ```ts
 * import type { SctpDefaultPrInfo } from "./mod.ts";
 * const v: Partial<SctpDefaultPrInfo> = { pr_policy: "ttl", pr_value: 100 };
 * ```
 */
export interface SctpDefaultPrInfo {
  /** Record tag. */
  type: "sctp_default_prinfo";
  /** Association (0: the endpoint). */
  assoc_id: number;
  /** The policy. */
  pr_policy: Exclude<PrPolicy, "all">;
  /** Its value (ms, retransmissions or priority). */
  pr_value: number;
}

/**
 * `struct sctp_prstatus` (`sctp_pr_assoc_status`,
 * `sctp_pr_stream_status`, read only): messages abandoned under a policy
 * (`policy: "all"`, the default of a request: under any), before and after
 * they were sent.
 *
 * @example
 * ```ts
 * import type { SctpPrStatus } from "./mod.ts";
 * const lost = (s: SctpPrStatus) => s.abandoned_sent + s.abandoned_unsent;
 * ```
 */
export interface SctpPrStatus {
  /** Record tag. */
  type: "sctp_prstatus";
  /** Association. */
  assoc_id: number;
  /** Stream (sctp_pr_stream_status). */
  sid: number;
  /** The policy asked about. */
  policy: PrPolicy;
  /** Abandoned before being sent. */
  abandoned_unsent: number;
  /** Abandoned after being sent at least once. */
  abandoned_sent: number;
}

/**
 * `struct sctp_reset_streams` (`sctp_reset_streams`, set only; see
 * `resetStreams`): reset the incoming and/or outgoing streams of
 * `stream_list` (empty: all).
 *
 * @example
 * ```ts
 * import type { SctpResetStreams } from "./mod.ts";
 * const r: Partial<SctpResetStreams> = {
 *   assoc_id: 3, flags: ["stream_reset_outgoing"], stream_list: [1, 2],
 * };
 * ```
 */
export interface SctpResetStreams {
  /** Record tag. */
  type: "sctp_reset_streams";
  /** Association. */
  assoc_id: number;
  /** Which direction(s). */
  flags: ("stream_reset_incoming" | "stream_reset_outgoing")[];
  /** The streams (empty: all; at most 2048). */
  stream_list: number[];
}

/**
 * `struct sctp_add_streams` (`sctp_add_streams`, set only; see
 * `addStreams`): how many streams to add in each direction.
 *
 * @example
 * ```ts
 * import type { SctpAddStreams } from "./mod.ts";
 * const r: Partial<SctpAddStreams> = { assoc_id: 3, outstrms: 2 };
 * ```
 */
export interface SctpAddStreams {
  /** Record tag. */
  type: "sctp_add_streams";
  /** Association. */
  assoc_id: number;
  /** Incoming streams to add. */
  instrms: number;
  /** Outgoing streams to add. */
  outstrms: number;
}

/**
 * An event type of the `sctp_event` option (RFC 6458 6.2.2), named as the
 * RFC's constants lowercased.
 *
 * @example
 * ```ts
 * import type { SctpEventType } from "./mod.ts";
 * const t: SctpEventType = "sctp_stream_reset_event";
 * ```
 */
export type SctpEventType =
  | "sctp_data_io_event"
  | "sctp_assoc_change"
  | "sctp_peer_addr_change"
  | "sctp_remote_error"
  | "sctp_send_failed"
  | "sctp_shutdown_event"
  | "sctp_adaptation_indication"
  | "sctp_partial_delivery_event"
  | "sctp_authentication_event"
  | "sctp_sender_dry_event"
  | "sctp_stream_reset_event"
  | "sctp_assoc_reset_event"
  | "sctp_stream_change_event"
  | "sctp_send_failed_event";

/**
 * `struct sctp_event` (`sctp_event`): one event type on or off, for one
 * association or the endpoint (0). Reading needs `se_type`.
 *
 * @example
 * ```ts
 * import type { SctpEventOpt } from "./mod.ts";
 * const v: Partial<SctpEventOpt> = { se_type: "sctp_sender_dry_event", se_on: true };
 * ```
 */
export interface SctpEventOpt {
  /** Record tag. */
  type: "sctp_event";
  /** Association (0: the endpoint). */
  assoc_id: number;
  /** The event type. */
  se_type: SctpEventType;
  /** Subscribed. */
  se_on: boolean;
}

/**
 * `sctp_default_sndinfo`'s record: RFC 6458's default send parameters.
 *
 * @example
 * ```ts
 * import type { SctpDefaultSndInfo } from "./mod.ts";
 * const v: Partial<SctpDefaultSndInfo> = { snd_sid: 1, snd_ppid: 46 };
 * ```
 */
export type SctpDefaultSndInfo =
  & Required<Omit<SctpSndInfo, "snd_flags">>
  & { snd_flags: SndRcvFlag[] };

/**
 * The options of RFC 6458 and later, with their value types (part of
 * `SctpOptionValues`).
 *
 * @example
 * ```ts
 * import type { Rfc6458OptionValues } from "./mod.ts";
 * const sched: Rfc6458OptionValues["sctp_stream_scheduler"]["assoc_value"] = "rr";
 * ```
 */
export interface Rfc6458OptionValues {
  /** SCTP_FRAGMENT_INTERLEAVE: 0, 1 or 2 (2 with interleaving). */
  sctp_fragment_interleave: number;
  /** SCTP_PARTIAL_DELIVERY_POINT (bytes). */
  sctp_partial_delivery_point: number;
  /** SCTP_MAX_BURST. */
  sctp_max_burst: SctpAssocNumber;
  /** SCTP_CONTEXT: the default context. */
  sctp_context: SctpAssocNumber;
  /** SCTP_RECVRCVINFO: sctp_rcvinfo records in ancData. */
  sctp_recvrcvinfo: boolean;
  /** SCTP_RECVNXTINFO: sctp_nxtinfo records in ancData. */
  sctp_recvnxtinfo: boolean;
  /** SCTP_DEFAULT_SNDINFO. */
  sctp_default_sndinfo: SctpDefaultSndInfo;
  /** SCTP_EVENT: one event type on or off. */
  sctp_event: SctpEventOpt;
  /** SCTP_PR_SUPPORTED. */
  sctp_pr_supported: SctpAssocFlag;
  /** SCTP_DEFAULT_PRINFO. */
  sctp_default_prinfo: SctpDefaultPrInfo;
  /** SCTP_PR_ASSOC_STATUS (read only). */
  sctp_pr_assoc_status: SctpPrStatus;
  /** SCTP_PR_STREAM_STATUS (read only). */
  sctp_pr_stream_status: SctpPrStatus;
  /** SCTP_RECONFIG_SUPPORTED. */
  sctp_reconfig_supported: SctpAssocFlag;
  /** SCTP_ENABLE_STREAM_RESET. */
  sctp_enable_stream_reset: SctpEnableStreamReset;
  /** SCTP_RESET_STREAMS (set only). */
  sctp_reset_streams: SctpResetStreams;
  /** SCTP_RESET_ASSOC (set only): the association id. */
  sctp_reset_assoc: number;
  /** SCTP_ADD_STREAMS (set only). */
  sctp_add_streams: SctpAddStreams;
  /** SCTP_INTERLEAVING_SUPPORTED (I-DATA, RFC 8260). */
  sctp_interleaving_supported: SctpAssocFlag;
  /** SCTP_STREAM_SCHEDULER. */
  sctp_stream_scheduler: SctpStreamSchedulerValue;
  /** SCTP_STREAM_SCHEDULER_VALUE. */
  sctp_stream_scheduler_value: SctpStreamValue;
  /** SCTP_AUTH_SUPPORTED. */
  sctp_auth_supported: SctpAssocFlag;
  /** SCTP_ASCONF_SUPPORTED. */
  sctp_asconf_supported: SctpAssocFlag;
  /** SCTP_AUTO_ASCONF: bind/unbind of local addresses sent to peers. */
  sctp_auto_asconf: boolean;
  /** SCTP_ECN_SUPPORTED. */
  sctp_ecn_supported: SctpAssocFlag;
  /** SCTP_EXPOSE_POTENTIALLY_FAILED_STATE. */
  sctp_expose_potentially_failed_state: {
    type: "sctp_assoc_value";
    assoc_id: number;
    assoc_value: "unset" | "disable" | "enable";
  };
}

/**
 * The record options of RFC 6458 and later (set partially).
 *
 * @example
 * ```ts
 * import type { Rfc6458RecordOptionName } from "./mod.ts";
 * const n: Rfc6458RecordOptionName = "sctp_event";
 * ```
 */
export type Rfc6458RecordOptionName = {
  [K in keyof Rfc6458OptionValues]: Rfc6458OptionValues[K] extends
    { type: string } ? K : never;
}[keyof Rfc6458OptionValues];
