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
 *   88 data            datalen bytes; a notification is raw kernel bytes, to
 *                      be decoded (once complete) by sctp_shim_decode_notification
 *   sctp_shim_recv_into reads one message: the header (0..87) to one buffer,
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

#define SHIM_ADDR_SIZE 24
#define SHIM_SRI_SIZE 36
#define SHIM_REC_HDR 88

#define SHIM_RF_NOTIFICATION 1
#define SHIM_RF_EOR 2
#define SHIM_RF_SNDRCV 4
#define SHIM_RF_TOS 8
#define SHIM_RF_TTL 16
#define SHIM_RF_TCLASS 32

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
};

/* sctp_assoc_change states: 0 unknown */
enum { SHIM_AC_COMM_UP = 1, SHIM_AC_COMM_LOST, SHIM_AC_RESTART,
       SHIM_AC_SHUTDOWN_COMP, SHIM_AC_CANT_ASSOC };
/* sctp_paddr_change states: 0 unknown */
enum { SHIM_PA_AVAILABLE = 1, SHIM_PA_UNREACHABLE, SHIM_PA_REMOVED,
       SHIM_PA_ADDED, SHIM_PA_MADE_PRIM, SHIM_PA_CONFIRMED };
/* sctp_status.state: 0 unknown */
enum { SHIM_ST_EMPTY = 1, SHIM_ST_CLOSED, SHIM_ST_BOUND, SHIM_ST_LISTEN,
       SHIM_ST_COOKIE_WAIT, SHIM_ST_COOKIE_ECHOED, SHIM_ST_ESTABLISHED,
       SHIM_ST_SHUTDOWN_PENDING, SHIM_ST_SHUTDOWN_SENT,
       SHIM_ST_SHUTDOWN_RECEIVED, SHIM_ST_SHUTDOWN_ACK_SENT };
/* sctp_paddrinfo.state: 0 unknown */
enum { SHIM_PS_ACTIVE = 1, SHIM_PS_INACTIVE, SHIM_PS_UNCONFIRMED,
       SHIM_PS_PF };

/* sctp_shim_send flag: use the association's default send parameters */
#define SHIM_SEND_DEFAULTS 0x100

/* readiness flags (sctp_shim_rq_arm / sctp_shim_rq_wait) */
#define SHIM_POLL_IN 1
#define SHIM_POLL_OUT 2
#define SHIM_POLL_ERR 4

#endif
