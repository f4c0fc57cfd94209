/**
 * The types of gen_sctp's options: every option name with its value type
 * (record options as typed objects), so that a misspelt option or record
 * field, or a wrong value type, is a compile error; and `getopts` results
 * typed by the names asked. The tables in docs/options.md give the same
 * names with their meaning.
 *
 * @module
 */
import type {
  Rfc6458OptionValues,
  Rfc6458RecordOptionName,
} from "./rfc6458_options.ts";
import type { SctpAddr, SctpSndRcvInfo } from "./records.ts";
import type { Active } from "./socket_options.ts";

/**
 * A `sctp_paddrparams` flag.
 *
 * @example
 * ```ts
 * import type { SppFlag } from "./mod.ts";
 * const f: SppFlag[] = ["hb_enable", "sackdelay_disable"];
 * ```
 */
export type SppFlag =
  | "hb_enable"
  | "hb_disable"
  | "hb_demand"
  | "pmtud_enable"
  | "pmtud_disable"
  | "sackdelay_enable"
  | "sackdelay_disable";

/**
 * An address inside an option record; `addr` also takes `"any"` and
 * `"loopback"` when setting.
 *
 * @example
 * ```ts
 * import type { SctpAddrArg } from "./mod.ts";
 * const a: SctpAddrArg = { addr: "192.0.2.1", port: 3868 };
 * ```
 */
export interface SctpAddrArg {
  /** IP address, "any" or "loopback". */
  addr: string;
  /** Port. */
  port: number;
}

/**
 * `sctp_rtoinfo` (RTO bounds, ms).
 *
 * @example
 * ```ts
 * import type { SctpRtoInfo } from "./mod.ts";
 * const r: Partial<SctpRtoInfo> = { initial: 200, min: 100, max: 400 };
 * ```
 */
export interface SctpRtoInfo {
  /** Record tag. */
  type: "sctp_rtoinfo";
  /** Association (0: the endpoint). */
  assoc_id: number;
  /** Initial RTO. */
  initial: number;
  /** Maximum RTO. */
  max: number;
  /** Minimum RTO. */
  min: number;
}

/**
 * `sctp_associnfo`'s record, `sctp_assocparams`.
 *
 * @example
 * ```ts
 * import type { SctpAssocParams } from "./mod.ts";
 * const a: Partial<SctpAssocParams> = { asocmaxrxt: 4 };
 * ```
 */
export interface SctpAssocParams {
  /** Record tag. */
  type: "sctp_assocparams";
  /** Association (0: the endpoint). */
  assoc_id: number;
  /** Retransmissions before the association is lost. */
  asocmaxrxt: number;
  /** Peer addresses (read only). */
  number_peer_destinations: number;
  /** Peer's receive window (read only). */
  peer_rwnd: number;
  /** Local receive window (read only). */
  local_rwnd: number;
  /** Cookie lifetime (ms). */
  cookie_life: number;
}

/**
 * `sctp_initmsg`: what an association is set up with.
 *
 * @example
 * ```ts
 * import type { SctpInitMsg } from "./mod.ts";
 * const i: Partial<SctpInitMsg> = { num_ostreams: 10, max_instreams: 10 };
 * ```
 */
export interface SctpInitMsg {
  /** Record tag. */
  type: "sctp_initmsg";
  /** Outbound streams asked for. */
  num_ostreams: number;
  /** Inbound streams accepted. */
  max_instreams: number;
  /** INIT retransmissions. */
  max_attempts: number;
  /** INIT timeout bound (ms). */
  max_init_timeo: number;
}

/**
 * `sctp_primary_addr`'s record, `sctp_prim`.
 *
 * @example
 * ```ts
 * import type { SctpPrim } from "./mod.ts";
 * const p: Partial<SctpPrim> = { assoc_id: 1, addr: { addr: "192.0.2.2", port: 3868 } };
 * ```
 */
export interface SctpPrim {
  /** Record tag. */
  type: "sctp_prim";
  /** Association. */
  assoc_id: number;
  /** The primary peer address. */
  addr: SctpAddrArg;
}

/**
 * `sctp_set_peer_primary_addr`'s record, `sctp_setpeerprim` (write only).
 *
 * @example
 * ```ts
 * import type { SctpSetPeerPrim } from "./mod.ts";
 * const p: Partial<SctpSetPeerPrim> = { assoc_id: 1, addr: { addr: "192.0.2.1", port: 0 } };
 * ```
 */
export interface SctpSetPeerPrim {
  /** Record tag. */
  type: "sctp_setpeerprim";
  /** Association. */
  assoc_id: number;
  /** The local address the peer should use as primary. */
  addr: SctpAddrArg;
}

/**
 * `sctp_adaptation_layer`'s record, `sctp_setadaptation`.
 *
 * @example
 * ```ts
 * import type { SctpSetAdaptation } from "./mod.ts";
 * const a: Partial<SctpSetAdaptation> = { adaptation_ind: 7 };
 * ```
 */
export interface SctpSetAdaptation {
  /** Record tag. */
  type: "sctp_setadaptation";
  /** The adaptation layer indication. */
  adaptation_ind: number;
}

/**
 * `sctp_peer_addr_params`' record, `sctp_paddrparams`.
 *
 * @example
 * ```ts
 * import type { SctpPaddrParams } from "./mod.ts";
 * const p: Partial<SctpPaddrParams> = { hbinterval: 200, pathmaxrxt: 2, flags: ["hb_enable"] };
 * ```
 */
export interface SctpPaddrParams {
  /** Record tag. */
  type: "sctp_paddrparams";
  /** Association (0: the endpoint). */
  assoc_id: number;
  /** Peer address (any: every one). */
  address: SctpAddrArg;
  /** Heartbeat interval (ms). */
  hbinterval: number;
  /** Retransmissions before the path is unreachable. */
  pathmaxrxt: number;
  /** Path MTU. */
  pathmtu: number;
  /** Delayed SACK time (ms). */
  sackdelay: number;
  /** Flags. */
  flags: SppFlag[];
}

/**
 * `sctp_events`' record, `sctp_event_subscribe`.
 *
 * @example
 * ```ts
 * import type { SctpEventSubscribe } from "./mod.ts";
 * const e: Partial<SctpEventSubscribe> = { data_io_event: true, address_event: true };
 * ```
 */
export interface SctpEventSubscribe {
  /** Record tag. */
  type: "sctp_event_subscribe";
  /** sctp_sndrcvinfo with each message. */
  data_io_event: boolean;
  /** sctp_assoc_change. */
  association_event: boolean;
  /** sctp_paddr_change. */
  address_event: boolean;
  /** sctp_send_failed. */
  send_failure_event: boolean;
  /** sctp_remote_error. */
  peer_error_event: boolean;
  /** sctp_shutdown_event. */
  shutdown_event: boolean;
  /** sctp_pdapi_event. */
  partial_delivery_event: boolean;
  /** sctp_adaptation_event. */
  adaptation_layer_event: boolean;
  /** sctp_authkey_event. */
  authentication_event: boolean;
  /** sctp_sender_dry_event. */
  sender_dry_event: boolean;
}

/**
 * `sctp_delayed_ack_time`'s record, `sctp_assoc_value`.
 *
 * @example
 * ```ts
 * import type { SctpAssocValue } from "./mod.ts";
 * const v: Partial<SctpAssocValue> = { assoc_value: 40 };
 * ```
 */
export interface SctpAssocValue {
  /** Record tag. */
  type: "sctp_assoc_value";
  /** Association (0: the endpoint). */
  assoc_id: number;
  /** The value (delayed SACK time, ms). */
  assoc_value: number;
}

/**
 * A peer address's state (`sctp_get_peer_addr_info`, and `primary` of
 * `sctp_status`).
 *
 * @example
 * ```ts
 * import type { SctpPaddrInfo } from "./mod.ts";
 * const up = (p: SctpPaddrInfo) => p.state === "active";
 * ```
 */
export interface SctpPaddrInfo {
  /** Record tag. */
  type: "sctp_paddrinfo";
  /** Association. */
  assoc_id: number;
  /** The peer address. */
  address: SctpAddr;
  /** Path state. */
  state: "active" | "inactive" | "unconfirmed" | "pf" | undefined;
  /** Congestion window. */
  cwnd: number;
  /** Smoothed RTT (ms). */
  srtt: number;
  /** Retransmission timeout (ms). */
  rto: number;
  /** Path MTU. */
  mtu: number;
}

/**
 * An association's state (`sctp_status`, read only).
 *
 * @example
 * ```ts
 * import type { SctpStatus } from "./mod.ts";
 * const ok = (s: SctpStatus) => s.state === "established";
 * ```
 */
export interface SctpStatus {
  /** Record tag. */
  type: "sctp_status";
  /** Association. */
  assoc_id: number;
  /** gen_sctp's bare state name. */
  state:
    | "empty"
    | "closed"
    | "bound"
    | "listen"
    | "cookie_wait"
    | "cookie_echoed"
    | "established"
    | "shutdown_pending"
    | "shutdown_sent"
    | "shutdown_received"
    | "shutdown_ack_sent"
    | undefined;
  /** Peer's receive window. */
  rwnd: number;
  /** Unacknowledged DATA chunks. */
  unackdata: number;
  /** DATA chunks waiting for the receiver. */
  penddata: number;
  /** Inbound streams. */
  instrms: number;
  /** Outbound streams. */
  outstrms: number;
  /** Fragmentation point. */
  fragmentation_point: number;
  /** The primary path. */
  primary: SctpPaddrInfo;
}

/**
 * Every option by name with the value `getopts` gives (and, for the
 * settable ones, `setopts` takes: records partially, see
 * {@linkcode SctpOptions}).
 *
 * @example
 * ```ts
 * import type { SctpOptionValues } from "./mod.ts";
 * const n: SctpOptionValues["sctp_initmsg"]["num_ostreams"] = 10;
 * ```
 */
export interface SctpOptionValues extends Rfc6458OptionValues {
  /** gen_sctp's `active` (true, false, "once" or a count). */
  active: Active;
  /** Data as bytes ("binary") or number lists ("list"). */
  mode: "binary" | "list";
  /** `mode` is "binary" (set: `true`). */
  binary: boolean;
  /** `mode` is "list" (set: `true`). */
  list: boolean;
  /** The largest piece read at once. */
  buffer: number;
  /** A send that would wait rejects with eagain. */
  non_block_send: boolean;
  /** Spin before sleeping: "auto" or µs (not gen_sctp). */
  busy_poll: number | "auto";
  /** Accepted, no effect. */
  debug: boolean;
  /** Accepted, no effect. */
  exclusiveaddruse: boolean;
  /** Accepted, no effect. */
  high_msgq_watermark: number;
  /** Accepted, no effect. */
  low_msgq_watermark: number;
  /** SO_SNDBUF. */
  sndbuf: number;
  /** SO_RCVBUF. */
  recbuf: number;
  /** SO_REUSEADDR. */
  reuseaddr: boolean;
  /** SO_REUSEPORT. */
  reuseport: boolean;
  /** SO_REUSEPORT. */
  reuseport_lb: boolean;
  /** SO_PRIORITY. */
  priority: number;
  /** IP_TOS. */
  tos: number;
  /** IPV6_TCLASS. */
  tclass: number;
  /** IP_TTL. */
  ttl: number;
  /** IP_RECVTOS. */
  recvtos: boolean;
  /** IPV6_RECVTCLASS. */
  recvtclass: boolean;
  /** IP_RECVTTL. */
  recvttl: boolean;
  /** SO_DONTROUTE. */
  dontroute: boolean;
  /** IPV6_V6ONLY. */
  ipv6_v6only: boolean;
  /** SCTP_AUTOCLOSE (s). */
  sctp_autoclose: number;
  /** SCTP_NODELAY. */
  sctp_nodelay: boolean;
  /** SCTP_DISABLE_FRAGMENTS. */
  sctp_disable_fragments: boolean;
  /** SCTP_I_WANT_MAPPED_V4_ADDR. */
  sctp_i_want_mapped_v4_addr: boolean;
  /** SCTP_MAXSEG. */
  sctp_maxseg: number;
  /** SO_LINGER: [on, seconds]. */
  linger: [boolean, number];
  /** SO_BINDTODEVICE (set only). */
  bind_to_device: string;
  /** SCTP_RTOINFO. */
  sctp_rtoinfo: SctpRtoInfo;
  /** SCTP_ASSOCINFO. */
  sctp_associnfo: SctpAssocParams;
  /** SCTP_INITMSG. */
  sctp_initmsg: SctpInitMsg;
  /** SCTP_PRIMARY_ADDR. */
  sctp_primary_addr: SctpPrim;
  /** SCTP_SET_PEER_PRIMARY_ADDR (set only). */
  sctp_set_peer_primary_addr: SctpSetPeerPrim;
  /** SCTP_ADAPTATION_LAYER. */
  sctp_adaptation_layer: SctpSetAdaptation;
  /** SCTP_PEER_ADDR_PARAMS. */
  sctp_peer_addr_params: SctpPaddrParams;
  /** SCTP_DEFAULT_SEND_PARAM. */
  sctp_default_send_param: SctpSndRcvInfo;
  /** SCTP_EVENTS: the subscribed events. */
  sctp_events: SctpEventSubscribe;
  /** SCTP_DELAYED_ACK_TIME. */
  sctp_delayed_ack_time: SctpAssocValue;
  /** SCTP_STATUS (read only). */
  sctp_status: SctpStatus;
  /** SCTP_GET_PEER_ADDR_INFO (read only). */
  sctp_get_peer_addr_info: SctpPaddrInfo;
}

/**
 * An option name.
 *
 * @example
 * ```ts
 * import type { SctpOptionName } from "./mod.ts";
 * const n: SctpOptionName = "sctp_nodelay";
 * ```
 */
export type SctpOptionName = keyof SctpOptionValues;

/**
 * The options `getopts` reads but `setopts` refuses.
 *
 * @example
 * ```ts
 * import type { SctpReadOnlyOptionName } from "./mod.ts";
 * const n: SctpReadOnlyOptionName = "sctp_status";
 * ```
 */
export type SctpReadOnlyOptionName =
  | "sctp_status"
  | "sctp_get_peer_addr_info"
  | "sctp_pr_assoc_status"
  | "sctp_pr_stream_status"
  | "sctp_peer_auth_chunks"
  | "sctp_local_auth_chunks"
  | "sctp_get_assoc_stats";

/**
 * The settable options whose value is a record (set partially).
 *
 * @example
 * ```ts
 * import type { SctpRecordOptionName } from "./mod.ts";
 * const n: SctpRecordOptionName = "sctp_initmsg";
 * ```
 */
export type SctpRecordOptionName =
  | "sctp_rtoinfo"
  | "sctp_associnfo"
  | "sctp_initmsg"
  | "sctp_primary_addr"
  | "sctp_set_peer_primary_addr"
  | "sctp_adaptation_layer"
  | "sctp_peer_addr_params"
  | "sctp_default_send_param"
  | "sctp_events"
  | "sctp_delayed_ack_time"
  | Rfc6458RecordOptionName;

/**
 * Options to set (`setopts`, `open`, and the `opts` of `connect`): every
 * settable option with its value type; a record may give only some of its
 * fields (`type` optional); `binary` / `list` take `true`.
 *
 * @example
 * ```ts
 * import type { SctpOptions } from "./mod.ts";
 * const o: SctpOptions = { active: 10, sctp_nodelay: true, sctp_initmsg: { num_ostreams: 5 } };
 * ```
 */
export type SctpOptions =
  & {
    [K in Exclude<SctpOptionName, SctpReadOnlyOptionName | "binary" | "list">]?:
      K extends SctpRecordOptionName ? Partial<SctpOptionValues[K]>
        : SctpOptionValues[K];
  }
  & { binary?: true; list?: true };

/**
 * A `getopts` request: a name, or `{ name: key fields }` for a record read
 * of one association (or peer address).
 *
 * @example
 * ```ts
 * import type { SctpOptionRequest } from "./mod.ts";
 * const r: SctpOptionRequest[] = ["sndbuf", { sctp_status: { assoc_id: 1 } }];
 * ```
 */
export type SctpOptionRequest =
  | SctpOptionName
  | {
    [K in SctpOptionName]?: K extends
      SctpRecordOptionName | SctpReadOnlyOptionName
      ? Partial<SctpOptionValues[K]>
      : never;
  };

/**
 * What `getopts(names)` resolves to: the names asked with their value
 * types. (An option the kernel refuses to read is left out at run time.)
 *
 * @example
 * ```ts
 * import type { SctpOptionsResult } from "./mod.ts";
 * type R = SctpOptionsResult<["sndbuf", "sctp_status"]>;
 * const state = (r: R) => r.sctp_status.state;
 * ```
 */
export type SctpOptionsResult<N extends readonly SctpOptionRequest[]> = {
  [
    K in
      & (N[number] extends infer R ? R extends string ? R : keyof R : never)
      & SctpOptionName
  ]: SctpOptionValues[K];
};
