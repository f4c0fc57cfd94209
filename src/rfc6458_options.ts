/**
 * The types of the socket options beyond gen_sctp (RFC 6458 and the
 * extensions after it), by their RFC names lowercased.
 *
 * @module
 */
import type { SndRcvFlag } from "./records.ts";
import type { PrPolicy, SctpSndInfo } from "./rfc6458_records.ts";
import type { SctpAddrArg } from "./option_types.ts";

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
  // ---- AUTH, UDP encapsulation, paths, statistics ----
  /** SCTP_AUTH_CHUNK (set only): a chunk type to receive authenticated. */
  sctp_auth_chunk: SctpAuthChunk;
  /** SCTP_HMAC_IDENT: the HMACs the peer may use, in preference order. */
  sctp_hmac_ident: SctpHmacAlgo;
  /** SCTP_AUTH_KEY (set only): add or replace a shared key. */
  sctp_auth_key: SctpAuthKey;
  /** SCTP_AUTH_ACTIVE_KEY: the key used to send. */
  sctp_auth_active_key: SctpAuthKeyId;
  /** SCTP_AUTH_DEACTIVATE_KEY (set only): no longer send with a key. */
  sctp_auth_deactivate_key: SctpAuthKeyId;
  /** SCTP_AUTH_DELETE_KEY (set only): forget a key. */
  sctp_auth_delete_key: SctpAuthKeyId;
  /** SCTP_PEER_AUTH_CHUNKS (read only). */
  sctp_peer_auth_chunks: SctpAuthChunks;
  /** SCTP_LOCAL_AUTH_CHUNKS (read only). */
  sctp_local_auth_chunks: SctpAuthChunks;
  /** SCTP_REMOTE_UDP_ENCAPS_PORT: the peer's UDP encapsulation port. */
  sctp_remote_udp_encaps_port: SctpUdpEncaps;
  /** SCTP_PEER_ADDR_THLDS: path failure thresholds. */
  sctp_peer_addr_thlds: SctpPaddrThlds;
  /** SCTP_PEER_ADDR_THLDS_V2: path failure and switchover thresholds. */
  sctp_peer_addr_thlds_v2: SctpPaddrThldsV2;
  /** SCTP_PLPMTUD_PROBE_INTERVAL: PLPMTUD probing (RFC 8899). */
  sctp_plpmtud_probe_interval: SctpProbeInterval;
  /** SCTP_GET_ASSOC_STATS (read only): per-association counters. */
  sctp_get_assoc_stats: SctpAssocStats;
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

// ---- AUTH (RFC 4895), UDP encapsulation (RFC 6951), paths, statistics ----

/**
 * An HMAC algorithm of AUTH (RFC 4895): SHA-1 (id 1, always required by
 * the kernel) or SHA-256 (id 3). Other ids read back as numbers.
 *
 * @example
 * ```ts
 * import type { HmacIdent } from "./mod.ts";
 * const h: HmacIdent = "sha256";
 * ```
 */
export type HmacIdent = "sha1" | "sha256";

/**
 * `struct sctp_authchunk` (`sctp_auth_chunk`, set only): a chunk type
 * (DATA is 0, see RFC 9260 section 3.2) this endpoint wants to receive only
 * authenticated. Takes effect for associations set up afterwards; set it
 * once per chunk type. Needs AUTH (`net.sctp.auth_enable=1` or
 * `sctp_auth_supported`).
 *
 * @example
 * ```ts
 * import type { SctpAuthChunk } from "./mod.ts";
 * const data: Partial<SctpAuthChunk> = { chunk: 0 };
 * ```
 */
export interface SctpAuthChunk {
  /** Record tag. */
  type: "sctp_authchunk";
  /** The chunk type, 0..255. */
  chunk: number;
}

/**
 * `struct sctp_hmacalgo` (`sctp_hmac_ident`): the HMAC algorithms this
 * endpoint accepts from its peer, most preferred first (the list must
 * contain `"sha1"`).
 *
 * @example
 * ```ts
 * import type { SctpHmacAlgo } from "./mod.ts";
 * const v: Partial<SctpHmacAlgo> = { idents: ["sha256", "sha1"] };
 * ```
 */
export interface SctpHmacAlgo {
  /** Record tag. */
  type: "sctp_hmacalgo";
  /** The algorithms, by name (or number). */
  idents: (HmacIdent | number)[];
}

/**
 * `struct sctp_authkey` (`sctp_auth_key`, set only): adds (or replaces)
 * shared key `keynumber` for an association, or for the endpoint
 * (assoc_id 0: associations set up afterwards copy the endpoint's keys).
 * Both peers need the same key under the same number.
 *
 * @example
 * ```ts
 * import type { SctpAuthKey } from "./mod.ts";
 * const k: Partial<SctpAuthKey> = { keynumber: 1, key: new Uint8Array([1, 2, 3, 4]) };
 * ```
 */
export interface SctpAuthKey {
  /** Record tag. */
  type: "sctp_authkey";
  /** Association (0: the endpoint). */
  assoc_id: number;
  /** The key's number, 0..65535 (key 0, empty, always exists). */
  keynumber: number;
  /** The secret: bytes, or a string taken as UTF-8 (at most 4096 bytes). */
  key: Uint8Array | string;
}

/**
 * `struct sctp_authkeyid` (`sctp_auth_active_key`,
 * `sctp_auth_deactivate_key`, `sctp_auth_delete_key`): a key number of an
 * association or of the endpoint (0). The active key signs what this side
 * sends; a deactivated key is no longer used to send (the kernel tells
 * with an `sctp_authkey_event` `free_key` when nothing in flight holds it
 * any more); the active key can be neither deactivated nor deleted.
 *
 * @example
 * ```ts
 * import type { SctpAuthKeyId } from "./mod.ts";
 * const v: Partial<SctpAuthKeyId> = { assoc_id: 3, keynumber: 2 };
 * ```
 */
export interface SctpAuthKeyId {
  /** Record tag. */
  type: "sctp_authkeyid";
  /** Association (0: the endpoint). */
  assoc_id: number;
  /** The key number. */
  keynumber: number;
}

/**
 * `struct sctp_authchunks` (`sctp_peer_auth_chunks`,
 * `sctp_local_auth_chunks`, read only): the chunk types the peer (or this
 * side) requires to be authenticated on an association (local: also of
 * the endpoint, assoc_id 0). Reading the peer's needs `assoc_id`.
 *
 * @example
 * ```ts
 * import type { SctpAuthChunks } from "./mod.ts";
 * const dataAuthenticated = (c: SctpAuthChunks) => c.chunks.includes(0);
 * ```
 */
export interface SctpAuthChunks {
  /** Record tag. */
  type: "sctp_authchunks";
  /** Association (0: the endpoint). */
  assoc_id: number;
  /** Chunk types. */
  chunks: number[];
}

/**
 * `struct sctp_udpencaps` (`sctp_remote_udp_encaps_port`, RFC 6951): the
 * UDP port SCTP packets are encapsulated to, for a peer address, an
 * association or the endpoint (0: none, plain SCTP). The local side also
 * needs the kernel's UDP tunnel socket: `net.sctp.udp_port` (per network
 * namespace); `net.sctp.encap_port` is the default of this option.
 *
 * @example
 * ```ts
 * import type { SctpUdpEncaps } from "./mod.ts";
 * const v: Partial<SctpUdpEncaps> = { port: 9899 };
 * ```
 */
export interface SctpUdpEncaps {
  /** Record tag. */
  type: "sctp_udpencaps";
  /** Association (0: the endpoint). */
  assoc_id: number;
  /** Peer address (any: the association or endpoint). */
  address: SctpAddrArg;
  /** Remote UDP port (0: no encapsulation). */
  port: number;
}

/**
 * `struct sctp_paddrthlds` (`sctp_peer_addr_thlds`): path failure
 * thresholds of a peer address, an association or the endpoint: after
 * `pathpfthld` missed retransmissions a path is potentially failed ("pf",
 * no longer used for data while another is active), after `pathmaxrxt`
 * inactive. `pathmaxrxt` 0 keeps the current value.
 *
 * @example
 * ```ts
 * import type { SctpPaddrThlds } from "./mod.ts";
 * const v: Partial<SctpPaddrThlds> = { pathmaxrxt: 5, pathpfthld: 1 };
 * ```
 */
export interface SctpPaddrThlds {
  /** Record tag. */
  type: "sctp_paddrthlds";
  /** Association (0: the endpoint). */
  assoc_id: number;
  /** Peer address (any: every one). */
  address: SctpAddrArg;
  /** Retransmissions before the path is inactive. */
  pathmaxrxt: number;
  /** Retransmissions before the path is potentially failed. */
  pathpfthld: number;
}

/**
 * `struct sctp_paddrthlds_v2` (`sctp_peer_addr_thlds_v2`): the thresholds
 * of {@linkcode SctpPaddrThlds} and `pathcpthld`, the primary path
 * switchover threshold (RFC 7829; 65535, the default when setting: off).
 * `pathpfthld` may not exceed `pathcpthld`. With
 * `sctp_expose_potentially_failed_state` `"enable"` the pf state shows in
 * `sctp_get_peer_addr_info`.
 *
 * @example
 * ```ts
 * import type { SctpPaddrThldsV2 } from "./mod.ts";
 * const v: Partial<SctpPaddrThldsV2> = { pathmaxrxt: 5, pathpfthld: 1 };
 * ```
 */
export interface SctpPaddrThldsV2 extends Omit<SctpPaddrThlds, "type"> {
  /** Record tag. */
  type: "sctp_paddrthlds_v2";
  /** Retransmissions before the primary path is switched over. */
  pathcpthld: number;
}

/**
 * `struct sctp_probeinterval` (`sctp_plpmtud_probe_interval`, RFC 8899):
 * PLPMTUD's probe interval in ms for a peer address, an association or the
 * endpoint; 0 turns probing off, otherwise at least 5000 (the kernel
 * refuses less with einval). Default: `net.sctp.plpmtud_probe_interval`.
 *
 * @example
 * ```ts
 * import type { SctpProbeInterval } from "./mod.ts";
 * const v: Partial<SctpProbeInterval> = { interval: 30000 };
 * ```
 */
export interface SctpProbeInterval {
  /** Record tag. */
  type: "sctp_probeinterval";
  /** Association (0: the endpoint). */
  assoc_id: number;
  /** Peer address (any: the association or endpoint). */
  address: SctpAddrArg;
  /** Probe interval, ms (0: off). */
  interval: number;
}

/**
 * `struct sctp_assoc_stats` (`sctp_get_assoc_stats`, read only, needs
 * `assoc_id`): an association's counters since it began. `maxrto` and
 * `obs_rto_ipaddr` are the largest RTO seen since the last read (and on
 * which path); reading resets them.
 *
 * @example
 * ```ts
 * import type { SctpAssocStats } from "./mod.ts";
 * const lossy = (s: SctpAssocStats) => s.rtxchunks / Math.max(1, s.oodchunks + s.ouodchunks);
 * ```
 */
export interface SctpAssocStats {
  /** Record tag. */
  type: "sctp_assoc_stats";
  /** Association. */
  assoc_id: number;
  /** The peer address whose RTO was `maxrto` ("any" when none). */
  obs_rto_ipaddr: SctpAddrArg;
  /** Largest RTO since the last read, ms. */
  maxrto: number;
  /** SACKs received. */
  isacks: number;
  /** SACKs sent. */
  osacks: number;
  /** Packets sent. */
  opackets: number;
  /** Packets received. */
  ipackets: number;
  /** Chunks retransmitted. */
  rtxchunks: number;
  /** TSNs received above the next expected. */
  outofseqtsns: number;
  /** Duplicate DATA chunks received. */
  idupchunks: number;
  /** Gap acknowledgements received. */
  gapcnt: number;
  /** Unordered DATA chunks sent. */
  ouodchunks: number;
  /** Unordered DATA chunks received. */
  iuodchunks: number;
  /** Ordered DATA chunks sent. */
  oodchunks: number;
  /** Ordered DATA chunks received. */
  iodchunks: number;
  /** Control chunks sent. */
  octrlchunks: number;
  /** Control chunks received. */
  ictrlchunks: number;
}
