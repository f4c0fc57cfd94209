/**
 * The table of gen_sctp's kernel options: each name's shim option id and
 * value kind, and the record layouts (fields in the shim's slot order, the
 * key fields of a get request, set defaults). options.ts encodes and decodes
 * values by this table.
 *
 * @module
 */
import { OPT } from "./layout.ts";

/** A record field's encoding. */
export type Field =
  | "u16"
  | "u32"
  | "assoc"
  | "addr"
  | "spp_flags"
  | "bool"
  | "status_state"
  | "paddr_state"
  | "paddrinfo";

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
};

/** Shim option id of SO_SNDBUFFORCE. */
export const OPT_SNDBUFFORCE: number = OPT.SNDBUFFORCE;
