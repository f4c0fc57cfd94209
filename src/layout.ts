/**
 * The shim's byte layout, as `c/sctp_shim.h` defines it: every size,
 * offset, flag, event kind, state and option id that crosses the FFI
 * boundary. Nothing else in TypeScript spells one of these numbers;
 * `tests/layout.test.ts` checks each against the header (`SHIM_` + name).
 *
 * @module
 */

/** `SHIM_ABI`: what `sctp_shim_abi_version()` must return. */
export const ABI = 2;

/** Bytes of an ADDRESS: family u16, port u16, scope_id u32, addr[16]. */
export const ADDR_SIZE = 24;
/** Bytes of a SNDRCVINFO: nine u32 in gen_sctp's field order. */
export const SRI_SIZE = 36;
/** Bytes of a receive record's header (the data follows it). */
export const REC_HDR = 112;

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
/** NXTINFO (RFC 6458 sctp_nxtinfo), valid with RF_NXTINFO. */
export const REC_NXT = 88;
/** NXTINFO: u32 offsets of sid, flags (NXT_*), ppid (host order). */
export const NXT_SID = 0, NXT_FLAGS = 4, NXT_PPID = 8;
/** NXTINFO: u32 offsets of length and assoc_id. */
export const NXT_LENGTH = 12, NXT_ASSOC_ID = 16;
/** NXTINFO flags: unordered, complete, notification. */
export const NXT_UNORDERED = 1, NXT_COMPLETE = 2, NXT_NOTIFICATION = 4;

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
/** The kernel sent an SCTP_RCVINFO (REC_SRI filled from it if no SNDRCV). */
export const RF_RCVINFO = 64;
/** REC_NXT is valid. */
export const RF_NXTINFO = 128;

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
/** sctp_shim_send: a PR-SCTP policy (PR_*) in these bits, its value in ttl. */
export const SEND_PR_SHIFT = 4, SEND_PR_MASK = 0x30;
/** sctp_shim_send: an SCTP_AUTHINFO, key number in bits 16-31. */
export const SEND_AUTH = 0x200, SEND_AUTH_SHIFT = 16;
/** PR-SCTP policies. */
export const PR_NONE = 0, PR_TTL = 1, PR_RTX = 2, PR_PRIO = 3, PR_ALL = 4;
/** Stream/association reset and change event flags (the kernel's). */
export const SR_INCOMING = 1, SR_OUTGOING = 2, SR_DENIED = 4, SR_FAILED = 8;
/** sctp_reset_streams request flags. */
export const RESET_IN = 1, RESET_OUT = 2;

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
/** sctp_stream_reset_event. */
export const EV_STREAM_RESET = 10;
/** sctp_assoc_reset_event. */
export const EV_ASSOC_RESET = 11;
/** sctp_stream_change_event. */
export const EV_STREAM_CHANGE = 12;
/** sctp_send_failed_event (RFC 6458's form). */
export const EV_SEND_FAILED_EVENT = 13;
/** The data I/O event: only a type of the SCTP_EVENT option. */
export const EV_DATA_IO = 14;

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
/** sctp_stream_reset_event fields (STREAMS: u32 n, then n u32 ids). */
export const N_SR_FLAGS = 8, N_SR_STREAMS = 12;
/** sctp_assoc_reset_event fields. */
export const N_AR_FLAGS = 8, N_AR_LOCAL_TSN = 12, N_AR_REMOTE_TSN = 16;
/** sctp_stream_change_event fields. */
export const N_SC_FLAGS = 8, N_SC_INSTRMS = 12, N_SC_OUTSTRMS = 16;
/** sctp_send_failed_event fields. */
export const N_SFE_FLAGS = 8, N_SFE_ERROR = 12, N_SFE_SID = 16;
/** sctp_send_failed_event fields (its sctp_sndinfo). */
export const N_SFE_SNDFLAGS = 20, N_SFE_PPID = 24, N_SFE_CONTEXT = 28;
/** sctp_send_failed_event fields. */
export const N_SFE_SNDASSOC = 32, N_SFE_DATA = 36;
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
  PR_SUPPORTED: 36,
  RECONFIG_SUPPORTED: 37,
  ENABLE_STREAM_RESET: 38,
  INTERLEAVING_SUPPORTED: 39,
  STREAM_SCHEDULER: 40,
  MAX_BURST: 41,
  CONTEXT: 42,
  AUTH_SUPPORTED: 43,
  ASCONF_SUPPORTED: 44,
  ECN_SUPPORTED: 45,
  EXPOSE_PF_STATE: 46,
  RECVRCVINFO: 47,
  RECVNXTINFO: 48,
  AUTO_ASCONF: 49,
  PARTIAL_DELIVERY_POINT: 50,
  DEFAULT_PRINFO: 51,
  PR_ASSOC_STATUS: 52,
  PR_STREAM_STATUS: 53,
  STREAM_SCHEDULER_VALUE: 54,
  RESET_STREAMS: 55,
  RESET_ASSOC: 56,
  ADD_STREAMS: 57,
  EVENT: 58,
  DEFAULT_SNDINFO: 59,
  // 60..79: AUTH, UDP encapsulation, paths, statistics
  AUTH_CHUNK: 60,
  HMAC_IDENT: 61,
  AUTH_KEY: 62,
  AUTH_ACTIVE_KEY: 63,
  AUTH_DEACTIVATE_KEY: 64,
  AUTH_DELETE_KEY: 65,
  PEER_AUTH_CHUNKS: 66,
  LOCAL_AUTH_CHUNKS: 67,
  REMOTE_UDP_ENCAPS_PORT: 68,
  PEER_ADDR_THLDS: 69,
  PEER_ADDR_THLDS_V2: 70,
  PLPMTUD_PROBE_INTERVAL: 71,
  GET_ASSOC_STATS: 72,
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
  "addr_potentially_failed",
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
