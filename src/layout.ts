/**
 * The shim's byte layout, as `c/sctp_shim.h` defines it: every size,
 * offset, flag, event kind, state and option id that crosses the FFI
 * boundary. Nothing else in TypeScript spells one of these numbers;
 * `tests/layout.test.ts` checks each against the header (`SHIM_` + name).
 *
 * @module
 */

/** `SHIM_ABI`: what `sctp_shim_abi_version()` must return. */
export const ABI = 1;

/** Bytes of an ADDRESS: family u16, port u16, scope_id u32, addr[16]. */
export const ADDR_SIZE = 24;
/** Bytes of a SNDRCVINFO: nine u32 in gen_sctp's field order. */
export const SRI_SIZE = 36;
/** Bytes of a receive record's header (the data follows it). */
export const REC_HDR = 88;

// ADDRESS: offsets and families
/** u16 family (AF_INET / AF_INET6 below, 0 none). */
export const ADDR_FAMILY = 0;
/** u16 port, host order. */
export const ADDR_PORT = 2;
/** u32 IPv6 scope id. */
export const ADDR_SCOPE = 4;
/** u8[16] address bytes, network order (IPv4: the first 4). */
export const ADDR_BYTES = 8;
/** ADDRESS family value of IPv4. */
export const AF_INET = 4;
/** ADDRESS family value of IPv6. */
export const AF_INET6 = 6;

// SNDRCVINFO: offsets of its u32 fields
/** stream. */
export const SRI_STREAM = 0;
/** ssn, flags (SF_* bits), ppid (host order), context. */
export const SRI_SSN = 4, SRI_FLAGS = 8, SRI_PPID = 12, SRI_CONTEXT = 16;
/** timetolive, tsn, cumtsn, assoc_id. */
export const SRI_TIMETOLIVE = 20, SRI_TSN = 24, SRI_CUMTSN = 28;
/** assoc_id. */
export const SRI_ASSOC_ID = 32;

// receive record: offsets
/** u32: bytes of this record (header, data, padding to 8). */
export const REC_LEN = 0;
/** u32: RF_* flags. */
export const REC_FLAGS = 4;
/** ADDRESS: the sender. */
export const REC_FROM = 8;
/** SNDRCVINFO, valid with RF_SNDRCV. */
export const REC_SRI = 32;
/** i32 IP_TOS, valid with RF_TOS. */
export const REC_TOS = 68;
/** i32 IP_TTL, valid with RF_TTL. */
export const REC_TTL = 72;
/** i32 IPV6_TCLASS, valid with RF_TCLASS. */
export const REC_TCLASS = 76;
/** u32: bytes of data. */
export const REC_DATALEN = 80;

// receive record: flags
/** The data is a kernel notification. */
export const RF_NOTIFICATION = 1;
/** The data ends a message (else a piece of one). */
export const RF_EOR = 2;
/** REC_SRI is valid. */
export const RF_SNDRCV = 4;
/** REC_TOS is valid. */
export const RF_TOS = 8;
/** REC_TTL is valid. */
export const RF_TTL = 16;
/** REC_TCLASS is valid. */
export const RF_TCLASS = 32;

// SNDRCVINFO flags (gen_sctp's bits)
/** `unordered`. */
export const SF_UNORDERED = 1;
/** `addr_over`. */
export const SF_ADDR_OVER = 2;
/** `abort`: abort the association (abort/2). */
export const SF_ABORT = 4;
/** `eof`: shut the association down gracefully (eof/2). */
export const SF_EOF = 8;
/** sctp_shim_send: use the association's default send parameters. */
export const SEND_DEFAULTS = 0x100;

// normalised notification kinds (sctp_shim_decode_notification)
/** A kernel notification the shim does not know. */
export const EV_UNKNOWN = 0;
/** sctp_assoc_change. */
export const EV_ASSOC_CHANGE = 1;
/** sctp_paddr_change. */
export const EV_PADDR_CHANGE = 2;
/** sctp_remote_error. */
export const EV_REMOTE_ERROR = 3;
/** sctp_send_failed. */
export const EV_SEND_FAILED = 4;
/** sctp_shutdown_event. */
export const EV_SHUTDOWN = 5;
/** sctp_adaptation_event. */
export const EV_ADAPTATION = 6;
/** sctp_pdapi_event. */
export const EV_PDAPI = 7;
/** sctp_authkey_event. */
export const EV_AUTHKEY = 8;
/** sctp_sender_dry_event. */
export const EV_SENDER_DRY = 9;

// normalised notification: offsets (N_<kind>_<field>; DATA and INFO are a
// u32 length and then the bytes)
/** u32 EV_* kind. */
export const N_KIND = 0;
/** u32 assoc_id. */
export const N_ASSOC_ID = 4;
/** sctp_assoc_change fields. */
export const N_AC_STATE = 8, N_AC_ERROR = 12, N_AC_OSTREAMS = 16;
/** sctp_assoc_change fields. */
export const N_AC_ISTREAMS = 20, N_AC_INFO = 24;
/** sctp_paddr_change fields. */
export const N_PA_STATE = 8, N_PA_ERROR = 12, N_PA_ADDR = 16;
/** sctp_remote_error fields. */
export const N_RE_ERROR = 8, N_RE_DATA = 12;
/** sctp_send_failed fields. */
export const N_SF_FLAGS = 8, N_SF_ERROR = 12, N_SF_SRI = 16, N_SF_DATA = 52;
/** sctp_adaptation_event field. */
export const N_AD_IND = 8;
/** sctp_pdapi_event fields. */
export const N_PD_INDICATION = 8, N_PD_STREAM = 12, N_PD_SEQ = 16;
/** sctp_authkey_event fields. */
export const N_AK_KEYNUMBER = 8, N_AK_ALTKEYNUMBER = 12;
/** sctp_authkey_event field. */
export const N_AK_INDICATION = 16;
/** An unknown notification: the kernel's type and raw bytes. */
export const N_UNKNOWN_TYPE = 8, N_UNKNOWN_DATA = 12;

// readiness flags (sctp_shim_rq_arm / sctp_shim_rq_wait)
/** Readable. */
export const POLL_IN = 1;
/** Writable. */
export const POLL_OUT = 2;
/** Error or hang-up. */
export const POLL_ERR = 4;
/** sctp_shim_rq_arm: a persistent (level-triggered) watch. */
export const POLL_PERSISTENT = 256;
/** sctp_shim_rq_arm ops: register, arm (or disarm with no events), remove. */
export const RQ_ADD = 0, RQ_MOD = 1, RQ_DEL = 2;

/** Option ids (`enum shim_opt`), by the header's names. */
export const OPT = {
  SNDBUF: 1,
  RCVBUF: 2,
  REUSEADDR: 3,
  REUSEPORT: 4,
  PRIORITY: 5,
  TOS: 6,
  TCLASS: 7,
  TTL: 8,
  RECVTOS: 9,
  RECVTCLASS: 10,
  RECVTTL: 11,
  DONTROUTE: 12,
  V6ONLY: 13,
  AUTOCLOSE: 14,
  NODELAY: 15,
  DISABLE_FRAGMENTS: 16,
  MAPPED_V4: 17,
  MAXSEG: 18,
  LINGER: 19,
  RTOINFO: 20,
  ASSOCINFO: 21,
  INITMSG: 22,
  PRIMARY_ADDR: 23,
  SET_PEER_PRIMARY: 24,
  ADAPTATION: 25,
  PADDRPARAMS: 26,
  DEFAULT_SEND: 27,
  EVENTS: 28,
  DELAYED_ACK: 29,
  STATUS: 30,
  PEER_ADDR_INFO: 31,
  BINDTODEVICE: 32,
  ERROR: 33,
  FRAGMENT_INTERLEAVE: 34,
  SNDBUFFORCE: 35,
} as const;

// value -> name lists (index = the shim's value; 0 = unknown)
/** sctp_assoc_change states (`SHIM_AC_*`), gen_sctp's names. */
export const AC_STATES = [
  undefined,
  "comm_up",
  "comm_lost",
  "restart",
  "shutdown_comp",
  "cant_assoc",
] as const;
/** sctp_paddr_change states (`SHIM_PA_*`), gen_sctp's names. */
export const PA_STATES = [
  undefined,
  "addr_available",
  "addr_unreachable",
  "addr_removed",
  "addr_added",
  "addr_made_prim",
  "addr_confirmed",
] as const;
/** sctp_status.state (`SHIM_ST_*`), gen_sctp's bare names. */
export const ST_STATES = [
  undefined,
  "empty",
  "closed",
  "bound",
  "listen",
  "cookie_wait",
  "cookie_echoed",
  "established",
  "shutdown_pending",
  "shutdown_sent",
  "shutdown_received",
  "shutdown_ack_sent",
] as const;
/** sctp_paddrinfo.state (`SHIM_PS_*`). */
export const PS_STATES = [
  undefined,
  "active",
  "inactive",
  "unconfirmed",
  "pf",
] as const;
/** sctp_paddrparams flags: name i is bit 2^i (`SHIM_SPP_*`). */
export const SPP_FLAGS = [
  "hb_enable",
  "hb_disable",
  "hb_demand",
  "pmtud_enable",
  "pmtud_disable",
  "sackdelay_enable",
  "sackdelay_disable",
] as const;
