/**
 * The table of gen_sctp's kernel options: each name's shim option id and
 * value kind, and the record layouts (fields in the shim's slot order, the
 * key fields of a get request, set defaults). options.ts encodes and decodes
 * values by this table.
 *
 * @module
 */
import { OPT } from "./layout.ts";
import { PR_POLICIES } from "./rfc6458_info.ts";

/** A field whose value is one of `names` (the shim's value is the index). */
export interface EnumField {
  enum: readonly (string | undefined)[];
}
/** A field whose value is a list of `names` (name i is bit 2^i). */
export interface BitsField {
  bits: readonly (string | undefined)[];
}

/**
 * A record field's encoding: one u32 slot, except `addr` (6), `paddrinfo`
 * (12), `u64` (2: low, high) and `u32list` (a count, then one slot per
 * item; the last field only). `u8list` and `hmac_ids` (HMAC names or
 * numbers) are short lists like `u32list`; `bytes` is a count, then the
 * bytes padded to 4 (the last field only).
 */
export type Field =
  | "u16"
  | "u32"
  | "u64"
  | "assoc"
  | "addr"
  | "spp_flags"
  | "snd_flags"
  | "bool"
  | "status_state"
  | "paddr_state"
  | "paddrinfo"
  | "u32list"
  // AUTH, paths, statistics (options 60..79)
  | "u8"
  | "u8list"
  | "hmac_ids"
  | "bytes"
  | EnumField
  | BitsField;

/** The event types of the `sctp_event` option, by the shim's kind. */
export const EVENT_TYPES: readonly (string | undefined)[] = [
  undefined,
  "sctp_assoc_change",
  "sctp_peer_addr_change",
  "sctp_remote_error",
  "sctp_send_failed",
  "sctp_shutdown_event",
  "sctp_adaptation_indication",
  "sctp_partial_delivery_event",
  "sctp_authentication_event",
  "sctp_sender_dry_event",
  "sctp_stream_reset_event",
  "sctp_assoc_reset_event",
  "sctp_stream_change_event",
  "sctp_send_failed_event",
  "sctp_data_io_event",
];

/** Stream schedulers (RFC 8260), by the kernel's `SCTP_SS_*` value. */
export const SCHEDULERS: readonly string[] = [
  "fcfs",
  "prio",
  "rr",
  "fc",
  "wfq",
];

const PR: EnumField = { enum: PR_POLICIES };
const assocValue = (kind: Field): RecordDef => ({
  tag: "sctp_assoc_value",
  fields: [["assoc_id", "assoc"], ["assoc_value", kind]],
  keys: ["assoc_id"],
});
const PRSTATUS: RecordDef = {
  tag: "sctp_prstatus",
  fields: [
    ["assoc_id", "assoc"],
    ["sid", "u16"],
    ["policy", PR],
    ["abandoned_unsent", "u64"],
    ["abandoned_sent", "u64"],
  ],
  keys: ["assoc_id", "sid", "policy"],
  defaults: { policy: "all" },
};

/** A record option's layout. */
export interface RecordDef {
  tag: string;
  fields: [string, Field][];
  /** fields that are keys of a get request */
  keys: string[];
  /** getopts with a bare name needs an explicit key */
  keyRequired?: boolean;
  defaults?: Record<string, unknown>;
}

/** sctp_get_peer_addr_info's record (also sctp_status.primary). */
export const PADDRINFO: RecordDef = {
  tag: "sctp_paddrinfo",
  fields: [
    ["assoc_id", "assoc"],
    ["address", "addr"],
    ["state", "paddr_state"],
    ["cwnd", "u32"],
    ["srtt", "u32"],
    ["rto", "u32"],
    ["mtu", "u32"],
  ],
  keys: ["assoc_id", "address"],
};

const EVENT_FIELDS = [
  "data_io_event",
  "association_event",
  "address_event",
  "send_failure_event",
  "peer_error_event",
  "shutdown_event",
  "partial_delivery_event",
  "adaptation_layer_event",
  "authentication_event",
  "sender_dry_event",
];

/** Kernel option definitions: shim id and value kind. */
export interface OptDef {
  id: number;
  kind: "int" | "uint" | "bool" | "linger" | "bytes" | "sri" | RecordDef;
  readonly?: boolean;
  writeonly?: boolean;
}

const REC = {
  sctp_rtoinfo: {
    tag: "sctp_rtoinfo",
    fields: [["assoc_id", "assoc"], ["initial", "u32"], ["max", "u32"], [
      "min",
      "u32",
    ]],
    keys: ["assoc_id"],
  },
  sctp_associnfo: {
    tag: "sctp_assocparams",
    fields: [
      ["assoc_id", "assoc"],
      ["asocmaxrxt", "u16"],
      ["number_peer_destinations", "u16"],
      ["peer_rwnd", "u32"],
      ["local_rwnd", "u32"],
      ["cookie_life", "u32"],
    ],
    keys: ["assoc_id"],
  },
  sctp_initmsg: {
    tag: "sctp_initmsg",
    fields: [["num_ostreams", "u16"], ["max_instreams", "u16"], [
      "max_attempts",
      "u16",
    ], ["max_init_timeo", "u16"]],
    keys: [],
  },
  sctp_primary_addr: {
    tag: "sctp_prim",
    fields: [["assoc_id", "assoc"], ["addr", "addr"]],
    keys: ["assoc_id"],
    keyRequired: true,
  },
  sctp_set_peer_primary_addr: {
    tag: "sctp_setpeerprim",
    fields: [["assoc_id", "assoc"], ["addr", "addr"]],
    keys: ["assoc_id"],
    keyRequired: true,
  },
  sctp_adaptation_layer: {
    tag: "sctp_setadaptation",
    fields: [["adaptation_ind", "u32"]],
    keys: [],
  },
  sctp_peer_addr_params: {
    tag: "sctp_paddrparams",
    fields: [
      ["assoc_id", "assoc"],
      ["address", "addr"],
      ["hbinterval", "u32"],
      ["pathmaxrxt", "u16"],
      ["pathmtu", "u32"],
      ["sackdelay", "u32"],
      ["flags", "spp_flags"],
    ],
    keys: ["assoc_id", "address"],
  },
  sctp_events: {
    tag: "sctp_event_subscribe",
    fields: EVENT_FIELDS.map((f) => [f, "bool"] as [string, Field]),
    keys: [],
    defaults: {
      data_io_event: true,
      association_event: true,
      address_event: true,
      send_failure_event: true,
      peer_error_event: true,
      shutdown_event: true,
      partial_delivery_event: true,
      adaptation_layer_event: false,
      authentication_event: false,
      sender_dry_event: false,
    },
  },
  sctp_delayed_ack_time: {
    tag: "sctp_assoc_value",
    fields: [["assoc_id", "assoc"], ["assoc_value", "u32"]],
    keys: ["assoc_id"],
  },
  sctp_status: {
    tag: "sctp_status",
    fields: [
      ["assoc_id", "assoc"],
      ["state", "status_state"],
      ["rwnd", "u32"],
      ["unackdata", "u32"],
      ["penddata", "u32"],
      ["instrms", "u32"],
      ["outstrms", "u32"],
      ["fragmentation_point", "u32"],
      ["primary", "paddrinfo"],
    ],
    keys: ["assoc_id"],
    keyRequired: true,
  },
  sctp_get_peer_addr_info: PADDRINFO,
  sctp_default_prinfo: {
    tag: "sctp_default_prinfo",
    fields: [["assoc_id", "assoc"], ["pr_policy", PR], ["pr_value", "u32"]],
    keys: ["assoc_id"],
    defaults: { pr_policy: "none" },
  },
  sctp_stream_scheduler_value: {
    tag: "sctp_stream_value",
    fields: [["assoc_id", "assoc"], ["stream_id", "u16"], [
      "stream_value",
      "u16",
    ]],
    keys: ["assoc_id", "stream_id"],
  },
  sctp_reset_streams: {
    tag: "sctp_reset_streams",
    fields: [
      ["assoc_id", "assoc"],
      ["flags", { bits: ["stream_reset_incoming", "stream_reset_outgoing"] }],
      ["stream_list", "u32list"],
    ],
    keys: [],
  },
  sctp_add_streams: {
    tag: "sctp_add_streams",
    fields: [["assoc_id", "assoc"], ["instrms", "u16"], ["outstrms", "u16"]],
    keys: [],
  },
  sctp_event: {
    tag: "sctp_event",
    fields: [["assoc_id", "assoc"], ["se_type", { enum: EVENT_TYPES }], [
      "se_on",
      "bool",
    ]],
    keys: ["assoc_id", "se_type"],
    keyRequired: true,
  },
  sctp_default_sndinfo: {
    tag: "sctp_sndinfo",
    fields: [
      ["snd_assoc_id", "assoc"],
      ["snd_sid", "u16"],
      ["snd_flags", "snd_flags"],
      ["snd_ppid", "u32"],
      ["snd_context", "u32"],
    ],
    keys: ["snd_assoc_id"],
  },
} satisfies Record<string, RecordDef>;

// ---- AUTH (RFC 4895), UDP encapsulation (RFC 6951), paths, statistics ----
const AUTHKEYID: RecordDef = {
  tag: "sctp_authkeyid",
  fields: [["assoc_id", "assoc"], ["keynumber", "u16"]],
  keys: ["assoc_id"],
};
const AUTHCHUNKS = (keyRequired: boolean): RecordDef => ({
  tag: "sctp_authchunks",
  fields: [["assoc_id", "assoc"], ["chunks", "u8list"]],
  keys: ["assoc_id"],
  keyRequired,
});
const THLDS: [string, Field][] = [
  ["assoc_id", "assoc"],
  ["address", "addr"],
  ["pathmaxrxt", "u16"],
  ["pathpfthld", "u16"],
];
const U64 = (names: string[]) =>
  names.map((n) => [n, "u64"] as [string, Field]);
const REC_EXT = {
  sctp_auth_chunk: {
    tag: "sctp_authchunk",
    fields: [["chunk", "u8"]],
    keys: [],
  },
  sctp_hmac_ident: {
    tag: "sctp_hmacalgo",
    fields: [["idents", "hmac_ids"]],
    keys: [],
  },
  sctp_auth_key: {
    tag: "sctp_authkey",
    fields: [["assoc_id", "assoc"], ["keynumber", "u16"], ["key", "bytes"]],
    keys: [],
  },
  sctp_remote_udp_encaps_port: {
    tag: "sctp_udpencaps",
    fields: [["assoc_id", "assoc"], ["address", "addr"], ["port", "u16"]],
    keys: ["assoc_id", "address"],
  },
  sctp_peer_addr_thlds: {
    tag: "sctp_paddrthlds",
    fields: THLDS,
    keys: ["assoc_id", "address"],
  },
  sctp_peer_addr_thlds_v2: {
    tag: "sctp_paddrthlds_v2",
    fields: [...THLDS, ["pathcpthld", "u16"]],
    keys: ["assoc_id", "address"],
    // the kernel's "no primary-path switchover" value: a set that gives
    // only pathpfthld must not fail the pathpfthld <= pathcpthld check
    defaults: { pathcpthld: 0xffff },
  },
  sctp_plpmtud_probe_interval: {
    tag: "sctp_probeinterval",
    fields: [["assoc_id", "assoc"], ["address", "addr"], ["interval", "u32"]],
    keys: ["assoc_id", "address"],
  },
  sctp_get_assoc_stats: {
    tag: "sctp_assoc_stats",
    fields: [
      ["assoc_id", "assoc"],
      ["obs_rto_ipaddr", "addr"],
      ...U64([
        "maxrto",
        "isacks",
        "osacks",
        "opackets",
        "ipackets",
        "rtxchunks",
        "outofseqtsns",
        "idupchunks",
        "gapcnt",
        "ouodchunks",
        "iuodchunks",
        "oodchunks",
        "iodchunks",
        "octrlchunks",
        "ictrlchunks",
      ]),
    ],
    keys: ["assoc_id"],
    keyRequired: true,
  },
} satisfies Record<string, RecordDef>;

/**
 * Whether `name` is a kernel option: an own property of KERNEL_OPTS, never
 * one inherited from Object.prototype (`constructor`, `toString`).
 */
export const isKernelOpt = (name: string): boolean =>
  Object.hasOwn(KERNEL_OPTS, name);

/** The kernel options, by gen_sctp name. */
export const KERNEL_OPTS: Record<string, OptDef> = {
  sndbuf: { id: OPT.SNDBUF, kind: "uint" },
  recbuf: { id: OPT.RCVBUF, kind: "uint" },
  reuseaddr: { id: OPT.REUSEADDR, kind: "bool" },
  reuseport: { id: OPT.REUSEPORT, kind: "bool" },
  reuseport_lb: { id: OPT.REUSEPORT, kind: "bool" },
  priority: { id: OPT.PRIORITY, kind: "int" },
  tos: { id: OPT.TOS, kind: "int" },
  tclass: { id: OPT.TCLASS, kind: "int" },
  ttl: { id: OPT.TTL, kind: "int" },
  recvtos: { id: OPT.RECVTOS, kind: "bool" },
  recvtclass: { id: OPT.RECVTCLASS, kind: "bool" },
  recvttl: { id: OPT.RECVTTL, kind: "bool" },
  dontroute: { id: OPT.DONTROUTE, kind: "bool" },
  ipv6_v6only: { id: OPT.V6ONLY, kind: "bool" },
  sctp_autoclose: { id: OPT.AUTOCLOSE, kind: "uint" },
  sctp_nodelay: { id: OPT.NODELAY, kind: "bool" },
  sctp_disable_fragments: { id: OPT.DISABLE_FRAGMENTS, kind: "bool" },
  sctp_i_want_mapped_v4_addr: { id: OPT.MAPPED_V4, kind: "bool" },
  sctp_maxseg: { id: OPT.MAXSEG, kind: "uint" },
  linger: { id: OPT.LINGER, kind: "linger" },
  sctp_rtoinfo: { id: OPT.RTOINFO, kind: REC.sctp_rtoinfo },
  sctp_associnfo: { id: OPT.ASSOCINFO, kind: REC.sctp_associnfo },
  sctp_initmsg: { id: OPT.INITMSG, kind: REC.sctp_initmsg },
  sctp_primary_addr: { id: OPT.PRIMARY_ADDR, kind: REC.sctp_primary_addr },
  sctp_set_peer_primary_addr: {
    id: OPT.SET_PEER_PRIMARY,
    kind: REC.sctp_set_peer_primary_addr,
    writeonly: true,
  },
  sctp_adaptation_layer: {
    id: OPT.ADAPTATION,
    kind: REC.sctp_adaptation_layer,
  },
  sctp_peer_addr_params: {
    id: OPT.PADDRPARAMS,
    kind: REC.sctp_peer_addr_params,
  },
  sctp_default_send_param: { id: OPT.DEFAULT_SEND, kind: "sri" },
  sctp_events: { id: OPT.EVENTS, kind: REC.sctp_events },
  sctp_delayed_ack_time: {
    id: OPT.DELAYED_ACK,
    kind: REC.sctp_delayed_ack_time,
  },
  sctp_status: { id: OPT.STATUS, kind: REC.sctp_status, readonly: true },
  sctp_get_peer_addr_info: {
    id: OPT.PEER_ADDR_INFO,
    kind: PADDRINFO,
    readonly: true,
  },
  bind_to_device: { id: OPT.BINDTODEVICE, kind: "bytes", writeonly: true },
  // ---- beyond gen_sctp: RFC 6458 and later ----
  sctp_fragment_interleave: { id: OPT.FRAGMENT_INTERLEAVE, kind: "uint" },
  sctp_partial_delivery_point: {
    id: OPT.PARTIAL_DELIVERY_POINT,
    kind: "uint",
  },
  sctp_max_burst: { id: OPT.MAX_BURST, kind: assocValue("u32") },
  sctp_context: { id: OPT.CONTEXT, kind: assocValue("u32") },
  sctp_recvrcvinfo: { id: OPT.RECVRCVINFO, kind: "bool" },
  sctp_recvnxtinfo: { id: OPT.RECVNXTINFO, kind: "bool" },
  sctp_default_sndinfo: {
    id: OPT.DEFAULT_SNDINFO,
    kind: REC.sctp_default_sndinfo,
  },
  sctp_event: { id: OPT.EVENT, kind: REC.sctp_event },
  sctp_pr_supported: { id: OPT.PR_SUPPORTED, kind: assocValue("bool") },
  sctp_default_prinfo: {
    id: OPT.DEFAULT_PRINFO,
    kind: REC.sctp_default_prinfo,
  },
  sctp_pr_assoc_status: {
    id: OPT.PR_ASSOC_STATUS,
    kind: PRSTATUS,
    readonly: true,
  },
  sctp_pr_stream_status: {
    id: OPT.PR_STREAM_STATUS,
    kind: PRSTATUS,
    readonly: true,
  },
  sctp_reconfig_supported: {
    id: OPT.RECONFIG_SUPPORTED,
    kind: assocValue("bool"),
  },
  sctp_enable_stream_reset: {
    id: OPT.ENABLE_STREAM_RESET,
    kind: assocValue({
      bits: [
        "enable_reset_stream_req",
        "enable_reset_assoc_req",
        "enable_change_assoc_req",
      ],
    }),
  },
  sctp_reset_streams: {
    id: OPT.RESET_STREAMS,
    kind: REC.sctp_reset_streams,
    writeonly: true,
  },
  sctp_reset_assoc: { id: OPT.RESET_ASSOC, kind: "uint", writeonly: true },
  sctp_add_streams: {
    id: OPT.ADD_STREAMS,
    kind: REC.sctp_add_streams,
    writeonly: true,
  },
  sctp_interleaving_supported: {
    id: OPT.INTERLEAVING_SUPPORTED,
    kind: assocValue("bool"),
  },
  sctp_stream_scheduler: {
    id: OPT.STREAM_SCHEDULER,
    kind: assocValue({ enum: SCHEDULERS }),
  },
  sctp_stream_scheduler_value: {
    id: OPT.STREAM_SCHEDULER_VALUE,
    kind: REC.sctp_stream_scheduler_value,
  },
  sctp_auth_supported: { id: OPT.AUTH_SUPPORTED, kind: assocValue("bool") },
  sctp_asconf_supported: {
    id: OPT.ASCONF_SUPPORTED,
    kind: assocValue("bool"),
  },
  sctp_auto_asconf: { id: OPT.AUTO_ASCONF, kind: "bool" },
  sctp_ecn_supported: { id: OPT.ECN_SUPPORTED, kind: assocValue("bool") },
  sctp_expose_potentially_failed_state: {
    id: OPT.EXPOSE_PF_STATE,
    kind: assocValue({ enum: ["unset", "disable", "enable"] }),
  },
  // ---- AUTH, UDP encapsulation, paths, statistics ----
  sctp_auth_chunk: {
    id: OPT.AUTH_CHUNK,
    kind: REC_EXT.sctp_auth_chunk,
    writeonly: true,
  },
  sctp_hmac_ident: { id: OPT.HMAC_IDENT, kind: REC_EXT.sctp_hmac_ident },
  sctp_auth_key: {
    id: OPT.AUTH_KEY,
    kind: REC_EXT.sctp_auth_key,
    writeonly: true,
  },
  sctp_auth_active_key: { id: OPT.AUTH_ACTIVE_KEY, kind: AUTHKEYID },
  sctp_auth_deactivate_key: {
    id: OPT.AUTH_DEACTIVATE_KEY,
    kind: AUTHKEYID,
    writeonly: true,
  },
  sctp_auth_delete_key: {
    id: OPT.AUTH_DELETE_KEY,
    kind: AUTHKEYID,
    writeonly: true,
  },
  sctp_peer_auth_chunks: {
    id: OPT.PEER_AUTH_CHUNKS,
    kind: AUTHCHUNKS(true),
    readonly: true,
  },
  sctp_local_auth_chunks: {
    id: OPT.LOCAL_AUTH_CHUNKS,
    kind: AUTHCHUNKS(false),
    readonly: true,
  },
  sctp_remote_udp_encaps_port: {
    id: OPT.REMOTE_UDP_ENCAPS_PORT,
    kind: REC_EXT.sctp_remote_udp_encaps_port,
  },
  sctp_peer_addr_thlds: {
    id: OPT.PEER_ADDR_THLDS,
    kind: REC_EXT.sctp_peer_addr_thlds,
  },
  sctp_peer_addr_thlds_v2: {
    id: OPT.PEER_ADDR_THLDS_V2,
    kind: REC_EXT.sctp_peer_addr_thlds_v2,
  },
  sctp_plpmtud_probe_interval: {
    id: OPT.PLPMTUD_PROBE_INTERVAL,
    kind: REC_EXT.sctp_plpmtud_probe_interval,
  },
  sctp_get_assoc_stats: {
    id: OPT.GET_ASSOC_STATS,
    kind: REC_EXT.sctp_get_assoc_stats,
    readonly: true,
  },
};

/** Shim option id of SO_SNDBUFFORCE. */
export const OPT_SNDBUFFORCE: number = OPT.SNDBUFFORCE;
