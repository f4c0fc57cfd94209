/*
 * sctp_shim: a thin, stateless C layer between the kernel's SCTP socket API
 * (RFC 6458, Linux lksctp) and TypeScript FFI.
 *
 * Rules: every function returns >= 0 on success or -errno on failure; no
 * pointer passed in is kept past the call; nothing is allocated that the
 * caller must free. Platform struct layouts never cross this boundary: every
 * buffer below uses the fixed little-endian layout documented here, which the
 * TypeScript codecs read and write with DataView.
 *
 * ADDRESS (SHIM_ADDR_SIZE = 24 bytes)
 *   0  u16 family      4 = IPv4, 6 = IPv6, 0 = none/unknown
 *   2  u16 port        host order
 *   4  u32 scope_id    IPv6 scope id (0 for IPv4)
 *   8  u8[16] addr     IPv4: first 4 bytes; IPv6: all 16 bytes (network order)
 *
 * SNDRCVINFO (SHIM_SRI_SIZE = 36 bytes, nine u32 in gen_sctp field order)
 *   0 stream  4 ssn  8 flags  12 ppid  16 context  20 timetolive
 *   24 tsn  28 cumtsn  32 assoc_id
 *   flags use gen_sctp's bits: unordered 1, addr_over 2, abort 4, eof 8.
 *   ppid is in host order here; the shim converts to network order on the wire
 *   (as Erlang's driver does).
 *
 * RECEIVE BATCH RECORD (sctp_shim_recv_batch; records are 8-byte aligned)
 *   0  u32 reclen      bytes of this record, header + data + padding
 *   4  u32 flags       SHIM_RF_* below
 *   8  ADDRESS         sender (for notifications: the association's peer)
 *   32 SNDRCVINFO      valid when SHIM_RF_SNDRCV
 *   68 i32 tos  72 i32 ttl  76 i32 tclass   valid per SHIM_RF_TOS/TTL/TCLASS
 *   80 u32 datalen
 *   84 u32 reserved
 *   88 NXTINFO         valid when SHIM_RF_NXTINFO: 88 sid 92 flags
 *                      (SHIM_NXT_*) 96 ppid (host order) 100 length
 *                      104 assoc_id 108 reserved
 *   112 data           datalen bytes; a notification is raw kernel bytes, to
 *                      be decoded (once complete) by sctp_shim_decode_notification
 *   SNDRCVINFO is also filled from an SCTP_RCVINFO (RFC 6458) when the
 *   kernel sends that instead (SHIM_RF_RCVINFO; context and tsn as sent).
 *   sctp_shim_recv_into reads one message: the header (0..111) to one buffer,
 *   the data straight into another.
 *
 * NORMALISED NOTIFICATION (sctp_shim_decode_notification output)
 *   0 u32 kind (SHIM_EV_*)   4 u32 assoc_id   then per kind:
 *   ASSOC_CHANGE  8 state(SHIM_AC_*) 12 error 16 outbound_streams
 *                 20 inbound_streams 24 u32 infolen 28 info bytes
 *   PADDR_CHANGE  8 state(SHIM_PA_*) 12 error 16 ADDRESS
 *   REMOTE_ERROR  8 error (host order) 12 u32 datalen 16 data (error causes,
 *                 wire format)
 *   SEND_FAILED   8 flags (1 = data was sent) 12 error 16 SNDRCVINFO
 *                 52 u32 datalen 56 data (the unsent message)
 *   SHUTDOWN      -
 *   ADAPTATION    8 adaptation_ind (host order)
 *   PDAPI         8 indication 12 stream 16 seq
 *   AUTHKEY       8 keynumber 12 altkeynumber 16 indication
 *   SENDER_DRY    -
 *   STREAM_RESET  8 flags (SHIM_SR_*) 12 u32 n 16 n u32 stream ids
 *   ASSOC_RESET   8 flags (SHIM_SR_*) 12 local_tsn 16 remote_tsn
 *   STREAM_CHANGE 8 flags (SHIM_SR_*) 12 instrms 16 outstrms
 *   SEND_FAILED_EVENT 8 flags (1 = data was sent) 12 error 16 sid
 *                 20 flags (SNDRCVINFO bits) 24 ppid 28 context 32 assoc_id
 *                 36 u32 datalen 40 data (the unsent message)
 *   UNKNOWN       8 kernel type 12 u32 datalen 16 raw bytes
 *
 * OPTIONS (sctp_shim_setopt / sctp_shim_getopt): the value is an array of
 * u32/i32 slots (ADDRESS takes 6 slots) in gen_sctp's field order; see the
 * per-option comment at enum shim_opt in sctp_shim.c for each layout. getopt
 * reads the key fields (assoc_id, address) from the buffer and fills it.
 */
#ifndef SCTP_SHIM_H
#define SCTP_SHIM_H
#include <stdint.h>

/* ABI version (sctp_shim_abi_version): bumped on any change to a layout
 * or a function's signature below; the TypeScript side refuses a mismatch */
#define SHIM_ABI 2

#define SHIM_ADDR_SIZE 24
#define SHIM_SRI_SIZE 36
#define SHIM_REC_HDR 112

/* SNDRCVINFO offsets */
#define SHIM_SRI_STREAM 0
#define SHIM_SRI_SSN 4
#define SHIM_SRI_FLAGS 8
#define SHIM_SRI_PPID 12
#define SHIM_SRI_CONTEXT 16
#define SHIM_SRI_TIMETOLIVE 20
#define SHIM_SRI_TSN 24
#define SHIM_SRI_CUMTSN 28
#define SHIM_SRI_ASSOC_ID 32

/* RECEIVE BATCH RECORD offsets */
#define SHIM_REC_LEN 0
#define SHIM_REC_FLAGS 4
#define SHIM_REC_FROM 8
#define SHIM_REC_SRI 32
#define SHIM_REC_TOS 68
#define SHIM_REC_TTL 72
#define SHIM_REC_TCLASS 76
#define SHIM_REC_DATALEN 80
#define SHIM_REC_NXT 88
#define SHIM_NXT_SID 0
#define SHIM_NXT_FLAGS 4
#define SHIM_NXT_PPID 8
#define SHIM_NXT_LENGTH 12
#define SHIM_NXT_ASSOC_ID 16
/* NXTINFO flags */
#define SHIM_NXT_UNORDERED 1
#define SHIM_NXT_COMPLETE 2
#define SHIM_NXT_NOTIFICATION 4

#define SHIM_RF_NOTIFICATION 1
#define SHIM_RF_EOR 2
#define SHIM_RF_SNDRCV 4
#define SHIM_RF_TOS 8
#define SHIM_RF_TTL 16
#define SHIM_RF_TCLASS 32
#define SHIM_RF_RCVINFO 64
#define SHIM_RF_NXTINFO 128

enum {
  SHIM_EV_UNKNOWN = 0,
  SHIM_EV_ASSOC_CHANGE = 1,
  SHIM_EV_PADDR_CHANGE = 2,
  SHIM_EV_REMOTE_ERROR = 3,
  SHIM_EV_SEND_FAILED = 4,
  SHIM_EV_SHUTDOWN = 5,
  SHIM_EV_ADAPTATION = 6,
  SHIM_EV_PDAPI = 7,
  SHIM_EV_AUTHKEY = 8,
  SHIM_EV_SENDER_DRY = 9,
  SHIM_EV_STREAM_RESET = 10,
  SHIM_EV_ASSOC_RESET = 11,
  SHIM_EV_STREAM_CHANGE = 12,
  SHIM_EV_SEND_FAILED_EVENT = 13,
  SHIM_EV_DATA_IO = 14, /* only as an SCTP_EVENT type, never decoded */
};

/* NORMALISED NOTIFICATION offsets (above) */
#define SHIM_N_KIND 0
#define SHIM_N_ASSOC_ID 4
#define SHIM_N_AC_STATE 8
#define SHIM_N_AC_ERROR 12
#define SHIM_N_AC_OSTREAMS 16
#define SHIM_N_AC_ISTREAMS 20
#define SHIM_N_AC_INFO 24
#define SHIM_N_PA_STATE 8
#define SHIM_N_PA_ERROR 12
#define SHIM_N_PA_ADDR 16
#define SHIM_N_RE_ERROR 8
#define SHIM_N_RE_DATA 12
#define SHIM_N_SF_FLAGS 8
#define SHIM_N_SF_ERROR 12
#define SHIM_N_SF_SRI 16
#define SHIM_N_SF_DATA 52
#define SHIM_N_AD_IND 8
#define SHIM_N_PD_INDICATION 8
#define SHIM_N_PD_STREAM 12
#define SHIM_N_PD_SEQ 16
#define SHIM_N_AK_KEYNUMBER 8
#define SHIM_N_AK_ALTKEYNUMBER 12
#define SHIM_N_AK_INDICATION 16
#define SHIM_N_SR_FLAGS 8
#define SHIM_N_SR_STREAMS 12
#define SHIM_N_AR_FLAGS 8
#define SHIM_N_AR_LOCAL_TSN 12
#define SHIM_N_AR_REMOTE_TSN 16
#define SHIM_N_SC_FLAGS 8
#define SHIM_N_SC_INSTRMS 12
#define SHIM_N_SC_OUTSTRMS 16
#define SHIM_N_SFE_FLAGS 8
#define SHIM_N_SFE_ERROR 12
#define SHIM_N_SFE_SID 16
#define SHIM_N_SFE_SNDFLAGS 20
#define SHIM_N_SFE_PPID 24
#define SHIM_N_SFE_CONTEXT 28
#define SHIM_N_SFE_SNDASSOC 32
#define SHIM_N_SFE_DATA 36
#define SHIM_N_UNKNOWN_TYPE 8
#define SHIM_N_UNKNOWN_DATA 12
/* (a *_DATA / *_INFO field is a u32 length, then that many bytes) */

/* ADDRESS offsets and families */
#define SHIM_ADDR_FAMILY 0
#define SHIM_ADDR_PORT 2
#define SHIM_ADDR_SCOPE 4
#define SHIM_ADDR_BYTES 8
#define SHIM_AF_INET 4
#define SHIM_AF_INET6 6

/* sctp_paddrparams flags (gen_sctp's bits, in its order) */
#define SHIM_SPP_HB_ENABLE 1
#define SHIM_SPP_HB_DISABLE 2
#define SHIM_SPP_HB_DEMAND 4
#define SHIM_SPP_PMTUD_ENABLE 8
#define SHIM_SPP_PMTUD_DISABLE 16
#define SHIM_SPP_SACKDELAY_ENABLE 32
#define SHIM_SPP_SACKDELAY_DISABLE 64

/* sctp_assoc_change states: 0 unknown */
enum { SHIM_AC_COMM_UP = 1, SHIM_AC_COMM_LOST, SHIM_AC_RESTART,
       SHIM_AC_SHUTDOWN_COMP, SHIM_AC_CANT_ASSOC };
/* sctp_paddr_change states: 0 unknown */
enum { SHIM_PA_AVAILABLE = 1, SHIM_PA_UNREACHABLE, SHIM_PA_REMOVED,
       SHIM_PA_ADDED, SHIM_PA_MADE_PRIM, SHIM_PA_CONFIRMED,
       SHIM_PA_POTENTIALLY_FAILED };
/* sctp_status.state: 0 unknown */
enum { SHIM_ST_EMPTY = 1, SHIM_ST_CLOSED, SHIM_ST_BOUND, SHIM_ST_LISTEN,
       SHIM_ST_COOKIE_WAIT, SHIM_ST_COOKIE_ECHOED, SHIM_ST_ESTABLISHED,
       SHIM_ST_SHUTDOWN_PENDING, SHIM_ST_SHUTDOWN_SENT,
       SHIM_ST_SHUTDOWN_RECEIVED, SHIM_ST_SHUTDOWN_ACK_SENT };
/* sctp_paddrinfo.state: 0 unknown */
enum { SHIM_PS_ACTIVE = 1, SHIM_PS_INACTIVE, SHIM_PS_UNCONFIRMED,
       SHIM_PS_PF };

/* SNDRCVINFO flags (gen_sctp's bits) */
#define SHIM_SF_UNORDERED 1
#define SHIM_SF_ADDR_OVER 2
#define SHIM_SF_ABORT 4
#define SHIM_SF_EOF 8

/* sctp_shim_send flag: use the association's default send parameters */
#define SHIM_SEND_DEFAULTS 0x100
/* sctp_shim_send flags: a PR-SCTP policy (RFC 7496) in bits 4-5, its value
 * in ttl (as Linux reads sinfo_timetolive under a policy) */
#define SHIM_SEND_PR_SHIFT 4
#define SHIM_SEND_PR_MASK 0x30
/* sctp_shim_send flag: an SCTP_AUTHINFO with the key number in bits 16-31 */
#define SHIM_SEND_AUTH 0x200
#define SHIM_SEND_AUTH_SHIFT 16

/* PR-SCTP policies (sctp_prinfo, sctp_default_prinfo, sctp_prstatus) */
enum { SHIM_PR_NONE = 0, SHIM_PR_TTL, SHIM_PR_RTX, SHIM_PR_PRIO,
       SHIM_PR_ALL };
/* stream/assoc reset and change flags: the kernel's values (RFC 6525) */
#define SHIM_SR_INCOMING 1
#define SHIM_SR_OUTGOING 2
#define SHIM_SR_DENIED 4
#define SHIM_SR_FAILED 8
/* sctp_reset_streams request flags */
#define SHIM_RESET_IN 1
#define SHIM_RESET_OUT 2

/* Option ids of sctp_shim_setopt / sctp_shim_getopt; the value layouts (u32
 * slots in gen_sctp's field order) are given per option. */
enum shim_opt {
  SHIM_OPT_SNDBUF = 1, SHIM_OPT_RCVBUF = 2, SHIM_OPT_REUSEADDR = 3,
  SHIM_OPT_REUSEPORT = 4, SHIM_OPT_PRIORITY = 5, SHIM_OPT_TOS = 6,
  SHIM_OPT_TCLASS = 7, SHIM_OPT_TTL = 8, SHIM_OPT_RECVTOS = 9,
  SHIM_OPT_RECVTCLASS = 10, SHIM_OPT_RECVTTL = 11, SHIM_OPT_DONTROUTE = 12,
  SHIM_OPT_V6ONLY = 13, SHIM_OPT_AUTOCLOSE = 14, SHIM_OPT_NODELAY = 15,
  SHIM_OPT_DISABLE_FRAGMENTS = 16, SHIM_OPT_MAPPED_V4 = 17,
  SHIM_OPT_MAXSEG = 18,          /* 1 slot each (above) */
  SHIM_OPT_LINGER = 19,          /* onoff, linger */
  SHIM_OPT_RTOINFO = 20,         /* assoc_id, initial, max, min */
  SHIM_OPT_ASSOCINFO = 21,       /* assoc_id, asocmaxrxt,
                                    number_peer_destinations, peer_rwnd,
                                    local_rwnd, cookie_life */
  SHIM_OPT_INITMSG = 22,         /* num_ostreams, max_instreams,
                                    max_attempts, max_init_timeo */
  SHIM_OPT_PRIMARY_ADDR = 23,    /* assoc_id, ADDRESS */
  SHIM_OPT_SET_PEER_PRIMARY = 24,/* assoc_id, ADDRESS */
  SHIM_OPT_ADAPTATION = 25,      /* adaptation_ind */
  SHIM_OPT_PADDRPARAMS = 26,     /* assoc_id, ADDRESS, hbinterval,
                                    pathmaxrxt, pathmtu, sackdelay, flags
                                    (gen_sctp bits) */
  SHIM_OPT_DEFAULT_SEND = 27,    /* SNDRCVINFO */
  SHIM_OPT_EVENTS = 28,          /* data_io, association, address,
                                    send_failure, peer_error, shutdown,
                                    partial_delivery, adaptation_layer,
                                    authentication, sender_dry */
  SHIM_OPT_DELAYED_ACK = 29,     /* assoc_id, assoc_value */
  SHIM_OPT_STATUS = 30,          /* assoc_id, state, rwnd, unackdata,
                                    penddata, instrms, outstrms,
                                    fragmentation_point, PADDRINFO */
  SHIM_OPT_PEER_ADDR_INFO = 31,  /* PADDRINFO: assoc_id, ADDRESS, state,
                                    cwnd, srtt, rto, mtu */
  SHIM_OPT_BINDTODEVICE = 32,    /* bytes: interface name (set only) */
  SHIM_OPT_ERROR = 33,           /* SO_ERROR (get only) */
  SHIM_OPT_FRAGMENT_INTERLEAVE = 34, /* 1 slot */
  SHIM_OPT_SNDBUFFORCE = 35,     /* SO_SNDBUFFORCE (CAP_NET_ADMIN), 1 slot */
  /* struct sctp_assoc_value options: assoc_id, value */
  SHIM_OPT_PR_SUPPORTED = 36, SHIM_OPT_RECONFIG_SUPPORTED = 37,
  SHIM_OPT_ENABLE_STREAM_RESET = 38, SHIM_OPT_INTERLEAVING_SUPPORTED = 39,
  SHIM_OPT_STREAM_SCHEDULER = 40, SHIM_OPT_MAX_BURST = 41,
  SHIM_OPT_CONTEXT = 42, SHIM_OPT_AUTH_SUPPORTED = 43,
  SHIM_OPT_ASCONF_SUPPORTED = 44, SHIM_OPT_ECN_SUPPORTED = 45,
  SHIM_OPT_EXPOSE_PF_STATE = 46,
  /* scalar int options, 1 slot */
  SHIM_OPT_RECVRCVINFO = 47, SHIM_OPT_RECVNXTINFO = 48,
  SHIM_OPT_AUTO_ASCONF = 49, SHIM_OPT_PARTIAL_DELIVERY_POINT = 50,
  SHIM_OPT_DEFAULT_PRINFO = 51,  /* assoc_id, policy (SHIM_PR_*), value */
  SHIM_OPT_PR_ASSOC_STATUS = 52, /* assoc_id, sid, policy, abandoned_unsent
                                    (lo, hi), abandoned_sent (lo, hi) */
  SHIM_OPT_PR_STREAM_STATUS = 53,/* same */
  SHIM_OPT_STREAM_SCHEDULER_VALUE = 54, /* assoc_id, stream_id, value */
  SHIM_OPT_RESET_STREAMS = 55,   /* assoc_id, flags (SHIM_RESET_*), n,
                                    n stream ids (set only) */
  SHIM_OPT_RESET_ASSOC = 56,     /* assoc_id (set only) */
  SHIM_OPT_ADD_STREAMS = 57,     /* assoc_id, instrms, outstrms (set only) */
  SHIM_OPT_EVENT = 58,           /* assoc_id, type (SHIM_EV_*), on */
  SHIM_OPT_DEFAULT_SNDINFO = 59, /* assoc_id, sid, flags (SNDRCVINFO bits),
                                    ppid (host order), context */
  /* 60..79: AUTH, UDP encapsulation, paths, statistics */
  SHIM_OPT_AUTH_CHUNK = 60,      /* chunk type (set only) */
  SHIM_OPT_HMAC_IDENT = 61,      /* n, n HMAC ids (SCTP_AUTH_HMAC_ID_*) */
  SHIM_OPT_AUTH_KEY = 62,        /* assoc_id, keynumber, keylength, key
                                    bytes padded to 4 (set only) */
  SHIM_OPT_AUTH_ACTIVE_KEY = 63, /* assoc_id, keynumber */
  SHIM_OPT_AUTH_DEACTIVATE_KEY = 64, /* assoc_id, keynumber (set only) */
  SHIM_OPT_AUTH_DELETE_KEY = 65, /* assoc_id, keynumber (set only) */
  SHIM_OPT_PEER_AUTH_CHUNKS = 66,/* assoc_id, n, n chunk types (get only) */
  SHIM_OPT_LOCAL_AUTH_CHUNKS = 67, /* same (get only) */
  SHIM_OPT_REMOTE_UDP_ENCAPS_PORT = 68, /* assoc_id, ADDRESS, port (host
                                    order) */
  SHIM_OPT_PEER_ADDR_THLDS = 69, /* assoc_id, ADDRESS, pathmaxrxt,
                                    pathpfthld */
  SHIM_OPT_PEER_ADDR_THLDS_V2 = 70, /* assoc_id, ADDRESS, pathmaxrxt,
                                    pathpfthld, pathcpthld */
  SHIM_OPT_PLPMTUD_PROBE_INTERVAL = 71, /* assoc_id, ADDRESS, interval */
  SHIM_OPT_GET_ASSOC_STATS = 72, /* assoc_id, ADDRESS obs_rto_ipaddr, then
                                    15 u64 (lo, hi): maxrto, isacks, osacks,
                                    opackets, ipackets, rtxchunks,
                                    outofseqtsns, idupchunks, gapcnt,
                                    ouodchunks, iuodchunks, oodchunks,
                                    iodchunks, octrlchunks, ictrlchunks
                                    (get only) */
};

/* readiness flags (sctp_shim_rq_arm / sctp_shim_rq_wait) */
#define SHIM_POLL_IN 1
#define SHIM_POLL_OUT 2
#define SHIM_POLL_ERR 4
/* sctp_shim_rq_arm: a persistent (level-triggered) watch, not one-shot */
#define SHIM_POLL_PERSISTENT 256
/* sctp_shim_rq_arm op */
#define SHIM_RQ_ADD 0
#define SHIM_RQ_MOD 1
#define SHIM_RQ_DEL 2

#endif
