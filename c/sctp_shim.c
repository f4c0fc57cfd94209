/* sctp_shim.c: syscalls and marshalling only. Layouts: see sctp_shim.h. */
#define _GNU_SOURCE
#include "sctp_shim.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/sctp.h>
#include <netinet/in.h>
#include <sched.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>
#ifdef __linux__
#include <sys/epoll.h>
#else
#include <sys/event.h>
#endif
#include <sys/types.h>
#include <stdlib.h>
#include <unistd.h>

#define MAX_ADDRS 256
#define NEG_ERRNO (-errno)

#ifndef SOL_SCTP
#define SOL_SCTP IPPROTO_SCTP
#endif

/* ---- little-endian helpers ---- */
static uint32_t rd32(const uint8_t *p) {
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
         (uint32_t)p[3] << 24;
}
static uint16_t rd16(const uint8_t *p) {
  return (uint16_t)(p[0] | p[1] << 8);
}
static void wr32(uint8_t *p, uint32_t v) {
  p[0] = (uint8_t)v;
  p[1] = (uint8_t)(v >> 8);
  p[2] = (uint8_t)(v >> 16);
  p[3] = (uint8_t)(v >> 24);
}
static void wr16(uint8_t *p, uint16_t v) {
  p[0] = (uint8_t)v;
  p[1] = (uint8_t)(v >> 8);
}

/* ---- addresses ---- */
typedef union {
  struct sockaddr sa;
  struct sockaddr_in in4;
  struct sockaddr_in6 in6;
  struct sockaddr_storage ss;
} anyaddr;

/* shim ADDRESS -> sockaddr; returns its length or -EINVAL. */
static int addr_in(const uint8_t *p, anyaddr *a) {
  memset(a, 0, sizeof *a);
  uint16_t fam = rd16(p);
  if (fam == 4) {
    a->in4.sin_family = AF_INET;
    a->in4.sin_port = htons(rd16(p + 2));
    memcpy(&a->in4.sin_addr, p + 8, 4);
    return sizeof a->in4;
  }
  if (fam == 6) {
    a->in6.sin6_family = AF_INET6;
    a->in6.sin6_port = htons(rd16(p + 2));
    a->in6.sin6_scope_id = rd32(p + 4);
    memcpy(&a->in6.sin6_addr, p + 8, 16);
    return sizeof a->in6;
  }
  return -EINVAL;
}

/* sockaddr -> shim ADDRESS */
static void addr_out(const struct sockaddr *sa, uint8_t *p) {
  memset(p, 0, SHIM_ADDR_SIZE);
  if (sa->sa_family == AF_INET) {
    struct sockaddr_in in4;
    memcpy(&in4, sa, sizeof in4);
    wr16(p, 4);
    wr16(p + 2, ntohs(in4.sin_port));
    memcpy(p + 8, &in4.sin_addr, 4);
  } else if (sa->sa_family == AF_INET6) {
    struct sockaddr_in6 in6;
    memcpy(&in6, sa, sizeof in6);
    wr16(p, 6);
    wr16(p + 2, ntohs(in6.sin6_port));
    wr32(p + 4, in6.sin6_scope_id);
    memcpy(p + 8, &in6.sin6_addr, 16);
  }
}

/* Packs n shim addresses into the kernel's packed sockaddr list. */
static int pack_addrs(const uint8_t *addrs, int32_t n, uint8_t *out,
                      size_t cap) {
  size_t off = 0;
  if (n <= 0 || n > MAX_ADDRS) return -EINVAL;
  for (int32_t i = 0; i < n; i++) {
    anyaddr a;
    int len = addr_in(addrs + (size_t)i * SHIM_ADDR_SIZE, &a);
    if (len < 0) return len;
    if (off + (size_t)len > cap) return -EINVAL;
    memcpy(out + off, &a, (size_t)len);
    off += (size_t)len;
  }
  return (int)off;
}

static int set_flags(int fd) {
  int fl = fcntl(fd, F_GETFL);
  if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0) return NEG_ERRNO;
  if (fcntl(fd, F_SETFD, FD_CLOEXEC) < 0) return NEG_ERRNO;
  return 0;
}

/* ---- lifecycle ---- */
int32_t sctp_shim_abi_version(void) { return SHIM_ABI; }

/* family 4|6, type 0 = seqpacket (one-to-many), 1 = stream (one-to-one) */
int32_t sctp_shim_socket(int32_t family, int32_t type) {
  int dom = family == 6 ? AF_INET6 : family == 4 ? AF_INET : -1;
  int ty = type == 1 ? SOCK_STREAM : type == 0 ? SOCK_SEQPACKET : -1;
  if (dom < 0 || ty < 0) return -EINVAL;
  int fd = socket(dom, ty | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_SCTP);
  return fd < 0 ? NEG_ERRNO : fd;
}

/* Like sctp_shim_socket, created inside the network namespace file `path`
 * (NUL-terminated). The calling thread returns to its namespace. */
int32_t sctp_shim_socket_netns(int32_t family, int32_t type,
                               const char *path) {
  int old = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
  if (old < 0) return NEG_ERRNO;
  int ns = open(path, O_RDONLY | O_CLOEXEC);
  if (ns < 0) {
    int e = NEG_ERRNO;
    close(old);
    return e;
  }
  int r;
  if (setns(ns, CLONE_NEWNET) < 0) {
    r = NEG_ERRNO;
  } else {
    r = sctp_shim_socket(family, type);
    /* A thread left in the foreign namespace would create every later
     * socket (and the runtime's own ones) there: not recoverable. */
    if (setns(old, CLONE_NEWNET) < 0) {
      static const char msg[] =
          "sctp_shim: cannot return to the original network namespace\n";
      if (write(2, msg, sizeof msg - 1) < 0) { /* aborting anyway */ }
      abort();
    }
  }
  close(ns);
  close(old);
  return r;
}

int32_t sctp_shim_close(int32_t fd) { return close(fd) < 0 ? NEG_ERRNO : 0; }

/* Probe: can this kernel make SCTP sockets? 0 or -errno. */
int32_t sctp_shim_probe(void) {
  int fd = sctp_shim_socket(4, 0);
  if (fd < 0) return fd;
  close(fd);
  return 0;
}

/* Binds the first address, then adds the rest with bindx, all on the port the
 * first bind obtained when they ask for port 0. */
int32_t sctp_shim_bind(int32_t fd, const uint8_t *addrs, int32_t n) {
  anyaddr a;
  if (n <= 0 || n > MAX_ADDRS) return -EINVAL;
  int len = addr_in(addrs, &a);
  if (len < 0) return len;
  if (bind(fd, &a.sa, (socklen_t)len) < 0) return NEG_ERRNO;
  if (n == 1) return 0;
  anyaddr self;
  socklen_t sl = sizeof self;
  if (getsockname(fd, &self.sa, &sl) < 0) return NEG_ERRNO;
  uint16_t port = self.sa.sa_family == AF_INET6 ? ntohs(self.in6.sin6_port)
                                                : ntohs(self.in4.sin_port);
  uint8_t packed[(MAX_ADDRS) * sizeof(struct sockaddr_in6)];
  size_t off = 0;
  for (int32_t i = 1; i < n; i++) {
    uint8_t tmp[SHIM_ADDR_SIZE];
    memcpy(tmp, addrs + (size_t)i * SHIM_ADDR_SIZE, SHIM_ADDR_SIZE);
    if (rd16(tmp + 2) == 0) wr16(tmp + 2, port);
    int l = addr_in(tmp, &a);
    if (l < 0) return l;
    memcpy(packed + off, &a, (size_t)l);
    off += (size_t)l;
  }
  if (setsockopt(fd, SOL_SCTP, SCTP_SOCKOPT_BINDX_ADD, packed,
                 (socklen_t)off) < 0)
    return NEG_ERRNO;
  return 0;
}

/* sctp_bindx: add = 1 adds, add = 0 removes. */
int32_t sctp_shim_bindx(int32_t fd, const uint8_t *addrs, int32_t n,
                        int32_t add) {
  uint8_t packed[(MAX_ADDRS) * sizeof(struct sockaddr_in6)];
  int len = pack_addrs(addrs, n, packed, sizeof packed);
  if (len < 0) return len;
  int opt = add ? SCTP_SOCKOPT_BINDX_ADD : SCTP_SOCKOPT_BINDX_REM;
  return setsockopt(fd, SOL_SCTP, opt, packed, (socklen_t)len) < 0 ? NEG_ERRNO
                                                                   : 0;
}

int32_t sctp_shim_listen(int32_t fd, int32_t backlog) {
  return listen(fd, backlog) < 0 ? NEG_ERRNO : 0;
}

/* Non-blocking connect: 0, or -EINPROGRESS while the handshake runs. */
int32_t sctp_shim_connect(int32_t fd, const uint8_t *addr) {
  anyaddr a;
  int len = addr_in(addr, &a);
  if (len < 0) return len;
  return connect(fd, &a.sa, (socklen_t)len) < 0 ? NEG_ERRNO : 0;
}

/* sctp_connectx: returns the new association id (> 0). A handshake still in
 * progress is not an error here: the id is what the caller needs. */
int32_t sctp_shim_connectx(int32_t fd, const uint8_t *addrs, int32_t n) {
  uint8_t packed[(MAX_ADDRS) * sizeof(struct sockaddr_in6)];
  int len = pack_addrs(addrs, n, packed, sizeof packed);
  if (len < 0) return len;
  struct {
    sctp_assoc_t assoc_id;
    int addr_num;
    struct sockaddr *addrs;
  } param;
  memset(&param, 0, sizeof param);
  param.addr_num = len;
  param.addrs = (struct sockaddr *)packed;
  socklen_t plen = sizeof param;
  int r = getsockopt(fd, SOL_SCTP, SCTP_SOCKOPT_CONNECTX3, &param, &plen);
  if (r < 0 && errno != EINPROGRESS) return NEG_ERRNO;
  return (int32_t)param.assoc_id;
}

/* sctp_peeloff: a new non-blocking one-to-one fd for the association. */
int32_t sctp_shim_peeloff(int32_t fd, uint32_t assoc_id) {
  sctp_peeloff_arg_t arg;
  memset(&arg, 0, sizeof arg);
  arg.associd = (sctp_assoc_t)assoc_id;
  socklen_t len = sizeof arg;
#ifdef SCTP_SOCKOPT_PEELOFF_FLAGS
  /* the flags variant (Linux 4.13+): the fd is CLOEXEC from its creation,
   * so a concurrent fork+exec in another thread cannot inherit it */
  sctp_peeloff_flags_arg_t fa;
  memset(&fa, 0, sizeof fa);
  fa.p_arg.associd = (sctp_assoc_t)assoc_id;
  fa.flags = SOCK_CLOEXEC | SOCK_NONBLOCK;
  socklen_t flen = sizeof fa;
  /* (Linux returns the new fd from getsockopt itself, not 0) */
  if (getsockopt(fd, SOL_SCTP, SCTP_SOCKOPT_PEELOFF_FLAGS, &fa, &flen) >= 0)
    return fa.p_arg.sd;
  if (errno != ENOPROTOOPT && errno != EINVAL) return NEG_ERRNO;
#endif
  if (getsockopt(fd, SOL_SCTP, SCTP_SOCKOPT_PEELOFF, &arg, &len) < 0)
    return NEG_ERRNO;
  int r = set_flags(arg.sd);
  if (r < 0) {
    close(arg.sd);
    return r;
  }
  return arg.sd;
}

/* PR-SCTP policies: shim <-> kernel */
static uint16_t pr_to_kernel(uint32_t p) {
  switch (p) {
    case SHIM_PR_TTL: return SCTP_PR_SCTP_TTL;
    case SHIM_PR_RTX: return SCTP_PR_SCTP_RTX;
    case SHIM_PR_PRIO: return SCTP_PR_SCTP_PRIO;
#ifdef SCTP_PR_SUPPORTED
    case SHIM_PR_ALL: return SCTP_PR_SCTP_ALL;
#endif
    default: return SCTP_PR_SCTP_NONE;
  }
}
static uint32_t pr_from_kernel(uint16_t k) {
  switch (k & SCTP_PR_SCTP_MASK) {
    case SCTP_PR_SCTP_TTL: return SHIM_PR_TTL;
    case SCTP_PR_SCTP_RTX: return SHIM_PR_RTX;
    case SCTP_PR_SCTP_PRIO: return SHIM_PR_PRIO;
    default: return SHIM_PR_NONE;
  }
}

/* ---- data ---- */
static uint16_t flags_to_kernel(uint32_t f) {
  uint16_t k = 0;
  if (f & 1) k |= SCTP_UNORDERED;
  if (f & 2) k |= SCTP_ADDR_OVER;
  if (f & 4) k |= SCTP_ABORT;
  if (f & 8) k |= SCTP_EOF;
  return k;
}
static uint32_t flags_from_kernel(uint16_t k) {
  uint32_t f = 0;
  if (k & SCTP_UNORDERED) f |= 1;
  if (k & SCTP_ADDR_OVER) f |= 2;
  if (k & SCTP_ABORT) f |= 4;
  if (k & SCTP_EOF) f |= 8;
  return f;
}

static void sri_out(const struct sctp_sndrcvinfo *s, uint8_t *p) {
  wr32(p, s->sinfo_stream);
  wr32(p + 4, s->sinfo_ssn);
  wr32(p + 8, flags_from_kernel(s->sinfo_flags));
  wr32(p + 12, ntohl(s->sinfo_ppid));
  wr32(p + 16, s->sinfo_context);
  wr32(p + 20, s->sinfo_timetolive);
  wr32(p + 24, s->sinfo_tsn);
  wr32(p + 28, s->sinfo_cumtsn);
  wr32(p + 32, (uint32_t)s->sinfo_assoc_id);
}
static void sri_in(const uint8_t *p, struct sctp_sndrcvinfo *s) {
  memset(s, 0, sizeof *s);
  s->sinfo_stream = (uint16_t)rd32(p);
  s->sinfo_flags = flags_to_kernel(rd32(p + 8));
  s->sinfo_ppid = htonl(rd32(p + 12));
  s->sinfo_context = rd32(p + 16);
  s->sinfo_timetolive = rd32(p + 20);
  s->sinfo_assoc_id = (sctp_assoc_t)rd32(p + 32);
}

/* One SCTP message (or an eof/abort with len 0). Returns bytes or -errno.
 * flags use gen_sctp's bits; ppid host order. With SHIM_SEND_DEFAULTS in
 * flags, flags/ppid/context/ttl come from the association's defaults. */
int32_t sctp_shim_send(int32_t fd, const uint8_t *data, uint32_t len,
                       uint32_t assoc_id, uint32_t stream, uint32_t ppid,
                       uint32_t flags, uint32_t context, uint32_t ttl) {
  union {
    char buf[CMSG_SPACE(sizeof(struct sctp_sndrcvinfo)) +
             CMSG_SPACE(sizeof(struct sctp_authinfo))];
    struct cmsghdr align;
  } ctl;
  memset(&ctl, 0, sizeof ctl);
  struct iovec iov = {.iov_base = (void *)data, .iov_len = len};
  struct msghdr msg = {0};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = ctl.buf;
  msg.msg_controllen = CMSG_SPACE(sizeof(struct sctp_sndrcvinfo));
  struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
  c->cmsg_level = IPPROTO_SCTP;
  c->cmsg_type = SCTP_SNDRCV;
  c->cmsg_len = CMSG_LEN(sizeof(struct sctp_sndrcvinfo));
  struct sctp_sndrcvinfo s;
  memset(&s, 0, sizeof s);
  if (flags & SHIM_SEND_DEFAULTS) {
    /* gen_sctp's send/4: the association's default send parameters */
    socklen_t l = sizeof s;
    s.sinfo_assoc_id = (sctp_assoc_t)assoc_id;
    if (getsockopt(fd, SOL_SCTP, SCTP_DEFAULT_SEND_PARAM, &s, &l) < 0)
      memset(&s, 0, sizeof s);
  } else {
    s.sinfo_flags = flags_to_kernel(flags);
    s.sinfo_ppid = htonl(ppid);
    s.sinfo_context = context;
    s.sinfo_timetolive = ttl;
  }
  uint32_t pr = (flags & SHIM_SEND_PR_MASK) >> SHIM_SEND_PR_SHIFT;
  if (pr != SHIM_PR_NONE) {
    /* Linux: a policy in sinfo_flags, its value in sinfo_timetolive */
    s.sinfo_flags = (uint16_t)((s.sinfo_flags & ~SCTP_PR_SCTP_MASK) |
                               pr_to_kernel(pr));
    s.sinfo_timetolive = ttl;
  }
  s.sinfo_stream = (uint16_t)stream;
  s.sinfo_assoc_id = (sctp_assoc_t)assoc_id;
  memcpy(CMSG_DATA(c), &s, sizeof s);
  if (flags & SHIM_SEND_AUTH) {
    msg.msg_controllen = sizeof ctl.buf;
    struct cmsghdr *a = (struct cmsghdr *)(ctl.buf + CMSG_SPACE(sizeof s));
    a->cmsg_level = IPPROTO_SCTP;
    a->cmsg_type = SCTP_AUTHINFO;
    a->cmsg_len = CMSG_LEN(sizeof(struct sctp_authinfo));
    struct sctp_authinfo ai = {(uint16_t)(flags >> SHIM_SEND_AUTH_SHIFT)};
    memcpy(CMSG_DATA(a), &ai, sizeof ai);
  }
  ssize_t r = sendmsg(fd, &msg, MSG_DONTWAIT | MSG_NOSIGNAL);
  return r < 0 ? NEG_ERRNO : (int32_t)r;
}

/* Fills the header of the record at rec from a completed recvmsg (data of
 * r bytes already at rec + SHIM_REC_HDR); returns the record's length. */
static uint32_t rec_out(uint8_t *rec, const struct msghdr *msg, ssize_t r,
                        const anyaddr *from) {
  memset(rec, 0, SHIM_REC_HDR);
  uint32_t fl = 0;
  if (msg->msg_flags & MSG_NOTIFICATION) fl |= SHIM_RF_NOTIFICATION;
  if (msg->msg_flags & MSG_EOR) fl |= SHIM_RF_EOR;
  if (msg->msg_namelen > 0) addr_out(&from->sa, rec + SHIM_REC_FROM);
  for (struct cmsghdr *c = CMSG_FIRSTHDR(msg); c;
       c = CMSG_NXTHDR((struct msghdr *)msg, c)) {
    int v = 0;
    if (c->cmsg_level == IPPROTO_SCTP && c->cmsg_type == SCTP_SNDRCV &&
        c->cmsg_len >= CMSG_LEN(sizeof(struct sctp_sndrcvinfo))) {
      struct sctp_sndrcvinfo s;
      memcpy(&s, CMSG_DATA(c), sizeof s);
      sri_out(&s, rec + SHIM_REC_SRI);
      fl |= SHIM_RF_SNDRCV;
#ifdef SCTP_RCVINFO
    } else if (c->cmsg_level == IPPROTO_SCTP && c->cmsg_type == SCTP_RCVINFO &&
               c->cmsg_len >= CMSG_LEN(sizeof(struct sctp_rcvinfo))) {
      struct sctp_rcvinfo ri;
      memcpy(&ri, CMSG_DATA(c), sizeof ri);
      fl |= SHIM_RF_RCVINFO;
      if (!(fl & SHIM_RF_SNDRCV)) {
        /* the same fields as a sndrcvinfo's (RFC 6458 5.3.5) */
        struct sctp_sndrcvinfo s;
        memset(&s, 0, sizeof s);
        s.sinfo_stream = ri.rcv_sid;
        s.sinfo_ssn = ri.rcv_ssn;
        s.sinfo_flags = ri.rcv_flags;
        s.sinfo_ppid = ri.rcv_ppid;
        s.sinfo_context = ri.rcv_context;
        s.sinfo_tsn = ri.rcv_tsn;
        s.sinfo_cumtsn = ri.rcv_cumtsn;
        s.sinfo_assoc_id = ri.rcv_assoc_id;
        sri_out(&s, rec + SHIM_REC_SRI);
      }
    } else if (c->cmsg_level == IPPROTO_SCTP && c->cmsg_type == SCTP_NXTINFO &&
               c->cmsg_len >= CMSG_LEN(sizeof(struct sctp_nxtinfo))) {
      struct sctp_nxtinfo ni;
      memcpy(&ni, CMSG_DATA(c), sizeof ni);
      uint8_t *n = rec + SHIM_REC_NXT;
      uint32_t nf = 0;
      if (ni.nxt_flags & SCTP_UNORDERED) nf |= SHIM_NXT_UNORDERED;
#ifdef SCTP_COMPLETE
      if (ni.nxt_flags & SCTP_COMPLETE) nf |= SHIM_NXT_COMPLETE;
#endif
      if (ni.nxt_flags & SCTP_NOTIFICATION) nf |= SHIM_NXT_NOTIFICATION;
      wr32(n + SHIM_NXT_SID, ni.nxt_sid);
      wr32(n + SHIM_NXT_FLAGS, nf);
      wr32(n + SHIM_NXT_PPID, ntohl(ni.nxt_ppid));
      wr32(n + SHIM_NXT_LENGTH, ni.nxt_length);
      wr32(n + SHIM_NXT_ASSOC_ID, (uint32_t)ni.nxt_assoc_id);
      fl |= SHIM_RF_NXTINFO;
#endif
    } else if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_TOS &&
               c->cmsg_len >= CMSG_LEN(1)) {
      wr32(rec + SHIM_REC_TOS, *(uint8_t *)CMSG_DATA(c));
      fl |= SHIM_RF_TOS;
    } else if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_TTL &&
               c->cmsg_len >= CMSG_LEN(sizeof v)) {
      memcpy(&v, CMSG_DATA(c), sizeof v);
      wr32(rec + SHIM_REC_TTL, (uint32_t)v);
      fl |= SHIM_RF_TTL;
    } else if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_TCLASS &&
               c->cmsg_len >= CMSG_LEN(sizeof v)) {
      memcpy(&v, CMSG_DATA(c), sizeof v);
      wr32(rec + SHIM_REC_TCLASS, (uint32_t)v);
      fl |= SHIM_RF_TCLASS;
    }
  }
  uint32_t reclen = (SHIM_REC_HDR + (uint32_t)r + 7u) & ~7u;
  wr32(rec + SHIM_REC_LEN, reclen);
  wr32(rec + SHIM_REC_FLAGS, fl);
  wr32(rec + SHIM_REC_DATALEN, (uint32_t)r);
  return reclen;
}

/* Data room for the next record at buf + used, or 0 when the batch is full
 * (the first record always gets room when it fits at all). The room may be
 * any size up to chunk, but the slot it takes is rounded up to 8 bytes
 * (slot_size): a record is packed at align8(SHIM_REC_HDR + len), so a slot
 * of exactly SHIM_REC_HDR + room bytes would let each full record drift
 * into the next slot (and the last one past cap). */
static uint32_t rec_room(uint32_t cap, uint32_t used, uint32_t chunk,
                         int first) {
  if (used > cap || cap - used < SHIM_REC_HDR + 8) return 0;
  uint32_t room = (cap - used - SHIM_REC_HDR) & ~7u; /* a multiple of 8 */
  if (room > chunk) room = chunk; /* then align8(room) still fits */
  if (!first && room < chunk && room < 4096) return 0;
  return room;
}

static uint32_t slot_size(uint32_t room) {
  return SHIM_REC_HDR + ((room + 7u) & ~7u);
}

/* Reads up to maxmsgs messages (pieces of at most chunk bytes) without
 * blocking into records at buf. Linux: recvmmsg, up to SHIM_MMSG messages
 * per syscall, so a batch ends without an extra failing read; the records
 * are then packed (data moved down to follow its header). Elsewhere: a
 * recvmsg loop. Returns the bytes of records written, or -errno when nothing
 * was read (-EAGAIN: nothing to read). */
#ifdef __linux__
#define SHIM_MMSG 16
#else
#define SHIM_MMSG 1
#endif
typedef union {
  char buf[512];
  struct cmsghdr align;
} ctlbuf;

/* A receiving msghdr over one iovec, with room for the sender's address
 * and ancillary data. */
static void recv_msghdr(struct msghdr *m, anyaddr *from, struct iovec *iov,
                        ctlbuf *ctl) {
  memset(m, 0, sizeof *m);
  memset(from, 0, sizeof *from);
  m->msg_name = from;
  m->msg_namelen = sizeof *from;
  m->msg_iov = iov;
  m->msg_iovlen = 1;
  m->msg_control = ctl->buf;
  m->msg_controllen = sizeof ctl->buf;
}

int32_t sctp_shim_recv_batch(int32_t fd, uint8_t *buf, uint32_t cap,
                             uint32_t maxmsgs, uint32_t chunk) {
  uint32_t used = 0, got = 0;
  if (chunk == 0) chunk = 1;
  while (got < maxmsgs) {
    anyaddr from[SHIM_MMSG];
    ctlbuf ctl[SHIM_MMSG];
    struct iovec iov[SHIM_MMSG];
#ifdef __linux__
    struct mmsghdr mm[SHIM_MMSG];
#else
    struct msghdr mh[1];
#endif
    uint32_t k = 0, pos = used;
    while (k < SHIM_MMSG && got + k < maxmsgs) {
      uint32_t room = rec_room(cap, pos, chunk, got + k == 0);
      if (room == 0) break;
      iov[k].iov_base = buf + pos + SHIM_REC_HDR;
      iov[k].iov_len = room;
#ifdef __linux__
      struct msghdr *m = &mm[k].msg_hdr;
#else
      struct msghdr *m = &mh[k];
#endif
      recv_msghdr(m, &from[k], &iov[k], &ctl[k]);
      pos += slot_size(room);
      k++;
    }
    if (k == 0) break;
#ifdef __linux__
    int n = recvmmsg(fd, mm, k, MSG_DONTWAIT, NULL);
#else
    ssize_t r0 = recvmsg(fd, &mh[0], MSG_DONTWAIT);
    int n = r0 < 0 ? -1 : 1;
#endif
    if (n <= 0) {
      if (used > 0) break;
      return n < 0 ? NEG_ERRNO : -EAGAIN;
    }
    for (int j = 0; j < n; j++) {
#ifdef __linux__
      const struct msghdr *m = &mm[j].msg_hdr;
      ssize_t r = (ssize_t)mm[j].msg_len;
#else
      const struct msghdr *m = &mh[j];
      ssize_t r = r0;
#endif
      uint8_t *rec = buf + used;
      if ((uint8_t *)iov[j].iov_base != rec + SHIM_REC_HDR)
        memmove(rec + SHIM_REC_HDR, iov[j].iov_base, (size_t)r);
      used += rec_out(rec, m, r, &from[j]);
    }
    got += (uint32_t)n;
    if ((uint32_t)n < k) break; /* drained */
  }
  return (int32_t)used;
}

/* Reads one message (a piece of at most cap bytes) without blocking straight
 * into data, and its record header (the RECEIVE BATCH RECORD's first
 * SHIM_REC_HDR bytes, data not included) into hdr: large messages land in
 * their own buffer with no second copy. Returns the data length or -errno. */
int32_t sctp_shim_recv_into(int32_t fd, uint8_t *hdr, uint8_t *data,
                            uint32_t cap) {
  anyaddr from;
  ctlbuf ctl;
  struct iovec iov = {.iov_base = data, .iov_len = cap};
  struct msghdr msg;
  recv_msghdr(&msg, &from, &iov, &ctl);
  ssize_t r = recvmsg(fd, &msg, MSG_DONTWAIT);
  if (r < 0) return NEG_ERRNO;
  rec_out(hdr, &msg, r, &from);
  return (int32_t)r;
}

/* ---- notifications ---- */
static uint32_t ac_state(uint16_t s) {
  switch (s) {
    case SCTP_COMM_UP: return SHIM_AC_COMM_UP;
    case SCTP_COMM_LOST: return SHIM_AC_COMM_LOST;
    case SCTP_RESTART: return SHIM_AC_RESTART;
    case SCTP_SHUTDOWN_COMP: return SHIM_AC_SHUTDOWN_COMP;
    case SCTP_CANT_STR_ASSOC: return SHIM_AC_CANT_ASSOC;
    default: return 0;
  }
}
static uint32_t pa_state(int s) {
  switch (s) {
    case SCTP_ADDR_AVAILABLE: return SHIM_PA_AVAILABLE;
    case SCTP_ADDR_UNREACHABLE: return SHIM_PA_UNREACHABLE;
    case SCTP_ADDR_REMOVED: return SHIM_PA_REMOVED;
    case SCTP_ADDR_ADDED: return SHIM_PA_ADDED;
    case SCTP_ADDR_MADE_PRIM: return SHIM_PA_MADE_PRIM;
    case SCTP_ADDR_CONFIRMED: return SHIM_PA_CONFIRMED;
#ifdef SCTP_ADDR_PF
    case SCTP_ADDR_PF: return SHIM_PA_POTENTIALLY_FAILED;
#endif
    default: return 0;
  }
}

/* Copies `n` trailing bytes after a fixed part, bounded by out capacity. */
static int tail(uint8_t *out, uint32_t cap, uint32_t at, const uint8_t *src,
                uint32_t n) {
  if (at > cap || cap - at < 4 || n > cap - at - 4) return -ENOBUFS;
  wr32(out + at, n);
  if (n) memcpy(out + at + 4, src, n);
  return (int)(at + 4 + n);
}

/* Decodes one complete kernel notification into the normalised layout.
 * Returns bytes written; -EINVAL when too short for its type; -ENOBUFS when
 * out is too small (cap >= len + 64 always suffices). */
int32_t sctp_shim_decode_notification(const uint8_t *raw, uint32_t len,
                                      uint8_t *out, uint32_t cap) {
  struct { uint16_t sn_type; uint16_t sn_flags; uint32_t sn_length; } h;
  if (cap < 64) return -ENOBUFS;
  if (len < sizeof h) return -EINVAL;
  memcpy(&h, raw, sizeof h);
  memset(out, 0, 64);
  switch (h.sn_type) {
    case SCTP_ASSOC_CHANGE: {
      struct sctp_assoc_change e;
      size_t fixed = offsetof(struct sctp_assoc_change, sac_info);
      if (len < fixed) return -EINVAL;
      memcpy(&e, raw, fixed);
      wr32(out, SHIM_EV_ASSOC_CHANGE);
      wr32(out + 4, (uint32_t)e.sac_assoc_id);
      wr32(out + 8, ac_state(e.sac_state));
      wr32(out + 12, e.sac_error);
      wr32(out + 16, e.sac_outbound_streams);
      wr32(out + 20, e.sac_inbound_streams);
      return tail(out, cap, 24, raw + fixed, len - (uint32_t)fixed);
    }
    case SCTP_PEER_ADDR_CHANGE: {
      struct sctp_paddr_change e;
      if (len < sizeof e) return -EINVAL;
      memcpy(&e, raw, sizeof e);
      wr32(out, SHIM_EV_PADDR_CHANGE);
      wr32(out + 4, (uint32_t)e.spc_assoc_id);
      wr32(out + 8, pa_state(e.spc_state));
      wr32(out + 12, (uint32_t)e.spc_error);
      struct sockaddr_storage ss;
      memcpy(&ss, &e.spc_aaddr, sizeof ss);
      addr_out((struct sockaddr *)&ss, out + 16);
      return 16 + SHIM_ADDR_SIZE;
    }
    case SCTP_REMOTE_ERROR: {
      struct sctp_remote_error e;
      size_t fixed = offsetof(struct sctp_remote_error, sre_data);
      if (len < fixed) return -EINVAL;
      memcpy(&e, raw, fixed);
      wr32(out, SHIM_EV_REMOTE_ERROR);
      wr32(out + 4, (uint32_t)e.sre_assoc_id);
      wr32(out + 8, ntohs(e.sre_error));
      return tail(out, cap, 12, raw + fixed, len - (uint32_t)fixed);
    }
    case SCTP_SEND_FAILED: {
      struct sctp_send_failed e;
      size_t fixed = offsetof(struct sctp_send_failed, ssf_data);
      if (len < fixed) return -EINVAL;
      memcpy(&e, raw, fixed);
      wr32(out, SHIM_EV_SEND_FAILED);
      wr32(out + 4, (uint32_t)e.ssf_assoc_id);
      wr32(out + 8, e.ssf_flags == SCTP_DATA_SENT ? 1 : 0);
      wr32(out + 12, e.ssf_error);
      sri_out(&e.ssf_info, out + 16);
      /* Linux fills ssf_info.sinfo_flags with the DATA chunk's header flags
       * (E 1, B 2, U 4, I 8), not SCTP_UNORDERED & co.: only U maps */
      wr32(out + 24, (e.ssf_info.sinfo_flags & 4) ? 1 : 0);
      return tail(out, cap, 52, raw + fixed, len - (uint32_t)fixed);
    }
    case SCTP_SHUTDOWN_EVENT: {
      struct sctp_shutdown_event e;
      if (len < sizeof e) return -EINVAL;
      memcpy(&e, raw, sizeof e);
      wr32(out, SHIM_EV_SHUTDOWN);
      wr32(out + 4, (uint32_t)e.sse_assoc_id);
      return 8;
    }
    case SCTP_ADAPTATION_INDICATION: {
      struct sctp_adaptation_event e;
      if (len < sizeof e) return -EINVAL;
      memcpy(&e, raw, sizeof e);
      wr32(out, SHIM_EV_ADAPTATION);
      wr32(out + 4, (uint32_t)e.sai_assoc_id);
      /* Linux hands the peer's indication over in host order (it converts
       * the INIT parameter on receipt), unlike sre_error */
      wr32(out + 8, e.sai_adaptation_ind);
      return 12;
    }
    case SCTP_PARTIAL_DELIVERY_EVENT: {
      struct sctp_pdapi_event e;
      if (len < sizeof e) return -EINVAL;
      memcpy(&e, raw, sizeof e);
      wr32(out, SHIM_EV_PDAPI);
      wr32(out + 4, (uint32_t)e.pdapi_assoc_id);
      wr32(out + 8, e.pdapi_indication);
      wr32(out + 12, e.pdapi_stream);
      wr32(out + 16, e.pdapi_seq);
      return 20;
    }
    case SCTP_AUTHENTICATION_EVENT: {
      struct sctp_authkey_event e;
      if (len < sizeof e) return -EINVAL;
      memcpy(&e, raw, sizeof e);
      wr32(out, SHIM_EV_AUTHKEY);
      wr32(out + 4, (uint32_t)e.auth_assoc_id);
      wr32(out + 8, e.auth_keynumber);
      wr32(out + 12, e.auth_altkeynumber);
      wr32(out + 16, e.auth_indication);
      return 20;
    }
    case SCTP_SENDER_DRY_EVENT: {
      struct sctp_sender_dry_event e;
      if (len < sizeof e) return -EINVAL;
      memcpy(&e, raw, sizeof e);
      wr32(out, SHIM_EV_SENDER_DRY);
      wr32(out + 4, (uint32_t)e.sender_dry_assoc_id);
      return 8;
    }
#ifdef SCTP_STREAM_RESET_EVENT
    case SCTP_STREAM_RESET_EVENT: {
      struct sctp_stream_reset_event e;
      size_t fixed = offsetof(struct sctp_stream_reset_event,
                              strreset_stream_list);
      if (len < fixed) return -EINVAL;
      memcpy(&e, raw, fixed);
      uint32_t n = (len - (uint32_t)fixed) / 2;
      if (cap < 16 || n > (cap - 16) / 4) return -ENOBUFS;
      wr32(out, SHIM_EV_STREAM_RESET);
      wr32(out + 4, (uint32_t)e.strreset_assoc_id);
      wr32(out + 8, e.strreset_flags);
      wr32(out + 12, n);
      for (uint32_t i = 0; i < n; i++) {
        uint16_t sid;
        memcpy(&sid, raw + fixed + 2 * i, 2);
        wr32(out + 16 + 4 * i, sid);
      }
      return (int32_t)(16 + 4 * n);
    }
    case SCTP_ASSOC_RESET_EVENT: {
      struct sctp_assoc_reset_event e;
      if (len < sizeof e) return -EINVAL;
      memcpy(&e, raw, sizeof e);
      wr32(out, SHIM_EV_ASSOC_RESET);
      wr32(out + 4, (uint32_t)e.assocreset_assoc_id);
      wr32(out + 8, e.assocreset_flags);
      wr32(out + 12, e.assocreset_local_tsn);
      wr32(out + 16, e.assocreset_remote_tsn);
      return 20;
    }
    case SCTP_STREAM_CHANGE_EVENT: {
      struct sctp_stream_change_event e;
      if (len < sizeof e) return -EINVAL;
      memcpy(&e, raw, sizeof e);
      wr32(out, SHIM_EV_STREAM_CHANGE);
      wr32(out + 4, (uint32_t)e.strchange_assoc_id);
      wr32(out + 8, e.strchange_flags);
      wr32(out + 12, e.strchange_instrms);
      wr32(out + 16, e.strchange_outstrms);
      return 20;
    }
    case SCTP_SEND_FAILED_EVENT: {
      struct sctp_send_failed_event e;
      size_t fixed = offsetof(struct sctp_send_failed_event, ssf_data);
      if (len < fixed) return -EINVAL;
      memcpy(&e, raw, fixed);
      wr32(out, SHIM_EV_SEND_FAILED_EVENT);
      wr32(out + 4, (uint32_t)e.ssf_assoc_id);
      wr32(out + 8, e.ssf_flags == SCTP_DATA_SENT ? 1 : 0);
      wr32(out + 12, e.ssf_error);
      wr32(out + 16, e.ssfe_info.snd_sid);
      wr32(out + 20, flags_from_kernel(e.ssfe_info.snd_flags));
      wr32(out + 24, ntohl(e.ssfe_info.snd_ppid));
      wr32(out + 28, e.ssfe_info.snd_context);
      wr32(out + 32, (uint32_t)e.ssfe_info.snd_assoc_id);
      return tail(out, cap, 36, raw + fixed, len - (uint32_t)fixed);
    }
#endif
    default:
      wr32(out, SHIM_EV_UNKNOWN);
      wr32(out + 8, h.sn_type);
      return tail(out, cap, 12, raw, len);
  }
}

/* ---- options ----
 * Slot layouts (u32 each, ADDRESS = 6 slots), in gen_sctp field order.
 */

static int scalar_opt(int opt, int *level, int *name) {
  static const int map[][3] = {
      {SHIM_OPT_SNDBUF, SOL_SOCKET, SO_SNDBUF},
      {SHIM_OPT_RCVBUF, SOL_SOCKET, SO_RCVBUF},
      {SHIM_OPT_REUSEADDR, SOL_SOCKET, SO_REUSEADDR},
      {SHIM_OPT_REUSEPORT, SOL_SOCKET, SO_REUSEPORT},
      {SHIM_OPT_PRIORITY, SOL_SOCKET, SO_PRIORITY},
      {SHIM_OPT_TOS, IPPROTO_IP, IP_TOS},
      {SHIM_OPT_TCLASS, IPPROTO_IPV6, IPV6_TCLASS},
      {SHIM_OPT_TTL, IPPROTO_IP, IP_TTL},
      {SHIM_OPT_RECVTOS, IPPROTO_IP, IP_RECVTOS},
      {SHIM_OPT_RECVTCLASS, IPPROTO_IPV6, IPV6_RECVTCLASS},
      {SHIM_OPT_RECVTTL, IPPROTO_IP, IP_RECVTTL},
      {SHIM_OPT_DONTROUTE, SOL_SOCKET, SO_DONTROUTE},
      {SHIM_OPT_V6ONLY, IPPROTO_IPV6, IPV6_V6ONLY},
      {SHIM_OPT_AUTOCLOSE, SOL_SCTP, SCTP_AUTOCLOSE},
      {SHIM_OPT_NODELAY, SOL_SCTP, SCTP_NODELAY},
      {SHIM_OPT_DISABLE_FRAGMENTS, SOL_SCTP, SCTP_DISABLE_FRAGMENTS},
      {SHIM_OPT_MAPPED_V4, SOL_SCTP, SCTP_I_WANT_MAPPED_V4_ADDR},
      {SHIM_OPT_ERROR, SOL_SOCKET, SO_ERROR},
      {SHIM_OPT_FRAGMENT_INTERLEAVE, SOL_SCTP, SCTP_FRAGMENT_INTERLEAVE},
#ifdef SO_SNDBUFFORCE
      {SHIM_OPT_SNDBUFFORCE, SOL_SOCKET, SO_SNDBUFFORCE},
#endif
#ifdef SCTP_RECVRCVINFO
      {SHIM_OPT_RECVRCVINFO, SOL_SCTP, SCTP_RECVRCVINFO},
      {SHIM_OPT_RECVNXTINFO, SOL_SCTP, SCTP_RECVNXTINFO},
#endif
#ifdef SCTP_AUTO_ASCONF
      {SHIM_OPT_AUTO_ASCONF, SOL_SCTP, SCTP_AUTO_ASCONF},
#endif
      {SHIM_OPT_PARTIAL_DELIVERY_POINT, SOL_SCTP, SCTP_PARTIAL_DELIVERY_POINT},
  };
  for (size_t i = 0; i < sizeof map / sizeof map[0]; i++) {
    if (map[i][0] == opt) {
      *level = map[i][1];
      *name = map[i][2];
      return 0;
    }
  }
  return -ENOPROTOOPT;
}

/* struct sctp_assoc_value options (slots: assoc_id, value) */
static int assoc_value_opt(int opt) {
  static const int map[][2] = {
      {SHIM_OPT_MAX_BURST, SCTP_MAX_BURST},
      {SHIM_OPT_CONTEXT, SCTP_CONTEXT},
#ifdef SCTP_PR_SUPPORTED
      {SHIM_OPT_PR_SUPPORTED, SCTP_PR_SUPPORTED},
      {SHIM_OPT_RECONFIG_SUPPORTED, SCTP_RECONFIG_SUPPORTED},
      {SHIM_OPT_ENABLE_STREAM_RESET, SCTP_ENABLE_STREAM_RESET},
#endif
#ifdef SCTP_INTERLEAVING_SUPPORTED
      {SHIM_OPT_INTERLEAVING_SUPPORTED, SCTP_INTERLEAVING_SUPPORTED},
      {SHIM_OPT_STREAM_SCHEDULER, SCTP_STREAM_SCHEDULER},
#endif
#ifdef SCTP_AUTH_SUPPORTED
      {SHIM_OPT_AUTH_SUPPORTED, SCTP_AUTH_SUPPORTED},
      {SHIM_OPT_ASCONF_SUPPORTED, SCTP_ASCONF_SUPPORTED},
      {SHIM_OPT_ECN_SUPPORTED, SCTP_ECN_SUPPORTED},
#endif
#ifdef SCTP_EXPOSE_POTENTIALLY_FAILED_STATE
      {SHIM_OPT_EXPOSE_PF_STATE, SCTP_EXPOSE_POTENTIALLY_FAILED_STATE},
#endif
  };
  for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
    if (map[i][0] == opt) return map[i][1];
  return -1;
}

/* SCTP_EVENT types: shim kind -> kernel type, -1 unknown */
static int event_type(uint32_t kind) {
  switch (kind) {
    case SHIM_EV_DATA_IO: return SCTP_DATA_IO_EVENT;
    case SHIM_EV_ASSOC_CHANGE: return SCTP_ASSOC_CHANGE;
    case SHIM_EV_PADDR_CHANGE: return SCTP_PEER_ADDR_CHANGE;
    case SHIM_EV_REMOTE_ERROR: return SCTP_REMOTE_ERROR;
    case SHIM_EV_SEND_FAILED: return SCTP_SEND_FAILED;
    case SHIM_EV_SHUTDOWN: return SCTP_SHUTDOWN_EVENT;
    case SHIM_EV_ADAPTATION: return SCTP_ADAPTATION_INDICATION;
    case SHIM_EV_PDAPI: return SCTP_PARTIAL_DELIVERY_EVENT;
    case SHIM_EV_AUTHKEY: return SCTP_AUTHENTICATION_EVENT;
    case SHIM_EV_SENDER_DRY: return SCTP_SENDER_DRY_EVENT;
    case SHIM_EV_STREAM_RESET: return SCTP_STREAM_RESET_EVENT;
    case SHIM_EV_ASSOC_RESET: return SCTP_ASSOC_RESET_EVENT;
    case SHIM_EV_STREAM_CHANGE: return SCTP_STREAM_CHANGE_EVENT;
    case SHIM_EV_SEND_FAILED_EVENT: return SCTP_SEND_FAILED_EVENT;
    default: return -1;
  }
}

static uint32_t spp_to_kernel(uint32_t f) {
  uint32_t k = 0;
  if (f & SHIM_SPP_HB_ENABLE) k |= SPP_HB_ENABLE;
  if (f & SHIM_SPP_HB_DISABLE) k |= SPP_HB_DISABLE;
  if (f & SHIM_SPP_HB_DEMAND) k |= SPP_HB_DEMAND;
  if (f & SHIM_SPP_PMTUD_ENABLE) k |= SPP_PMTUD_ENABLE;
  if (f & SHIM_SPP_PMTUD_DISABLE) k |= SPP_PMTUD_DISABLE;
  if (f & SHIM_SPP_SACKDELAY_ENABLE) k |= SPP_SACKDELAY_ENABLE;
  if (f & SHIM_SPP_SACKDELAY_DISABLE) k |= SPP_SACKDELAY_DISABLE;
  return k;
}
static uint32_t spp_from_kernel(uint32_t k) {
  uint32_t f = 0;
  if (k & SPP_HB_ENABLE) f |= SHIM_SPP_HB_ENABLE;
  if (k & SPP_HB_DISABLE) f |= SHIM_SPP_HB_DISABLE;
  if (k & SPP_HB_DEMAND) f |= SHIM_SPP_HB_DEMAND;
  if (k & SPP_PMTUD_ENABLE) f |= SHIM_SPP_PMTUD_ENABLE;
  if (k & SPP_PMTUD_DISABLE) f |= SHIM_SPP_PMTUD_DISABLE;
  if (k & SPP_SACKDELAY_ENABLE) f |= SHIM_SPP_SACKDELAY_ENABLE;
  if (k & SPP_SACKDELAY_DISABLE) f |= SHIM_SPP_SACKDELAY_DISABLE;
  return f;
}
static uint32_t status_state(int s) {
  switch (s) {
    case SCTP_EMPTY: return SHIM_ST_EMPTY;
    case SCTP_CLOSED: return SHIM_ST_CLOSED;
    case SCTP_COOKIE_WAIT: return SHIM_ST_COOKIE_WAIT;
    case SCTP_COOKIE_ECHOED: return SHIM_ST_COOKIE_ECHOED;
    case SCTP_ESTABLISHED: return SHIM_ST_ESTABLISHED;
    case SCTP_SHUTDOWN_PENDING: return SHIM_ST_SHUTDOWN_PENDING;
    case SCTP_SHUTDOWN_SENT: return SHIM_ST_SHUTDOWN_SENT;
    case SCTP_SHUTDOWN_RECEIVED: return SHIM_ST_SHUTDOWN_RECEIVED;
    case SCTP_SHUTDOWN_ACK_SENT: return SHIM_ST_SHUTDOWN_ACK_SENT;
    default: return 0;
  }
}
static uint32_t paddr_state(int s) {
  switch (s) {
    case SCTP_ACTIVE: return SHIM_PS_ACTIVE;
    case SCTP_INACTIVE: return SHIM_PS_INACTIVE;
    case SCTP_UNCONFIRMED: return SHIM_PS_UNCONFIRMED;
    case SCTP_PF: return SHIM_PS_PF;
    default: return 0;
  }
}
static void paddrinfo_out(const struct sctp_paddrinfo *pi, uint8_t *p) {
  struct sockaddr_storage ss;
  memcpy(&ss, &pi->spinfo_address, sizeof ss);
  wr32(p, (uint32_t)pi->spinfo_assoc_id);
  addr_out((struct sockaddr *)&ss, p + 4);
  wr32(p + 28, paddr_state(pi->spinfo_state));
  wr32(p + 32, pi->spinfo_cwnd);
  wr32(p + 36, pi->spinfo_srtt);
  wr32(p + 40, pi->spinfo_rto);
  wr32(p + 44, pi->spinfo_mtu);
}
/* shim ADDRESS into a sockaddr_storage field; an all-zero ADDRESS stays
 * zeroed (the kernel's "any"). */
static int addr_field_in(const uint8_t *p, void *field) {
  anyaddr a;
  memset(field, 0, sizeof(struct sockaddr_storage));
  if (rd16(p) == 0) return 0;
  int l = addr_in(p, &a);
  if (l < 0) return l;
  memcpy(field, &a, (size_t)l);
  return 0;
}

#define NEED(n) \
  do {          \
    if (len < (n)) return -EINVAL; \
  } while (0)
#define SETSOCK(lvl, name, v) \
  (setsockopt(fd, lvl, name, &(v), sizeof(v)) < 0 ? NEG_ERRNO : 0)

/* ---- options 60..79: AUTH (RFC 4895), UDP encapsulation (RFC 6951), path
 * thresholds, PLPMTUD (RFC 8899), association statistics ---- */

#define EXT_SET(name, v) \
  (setsockopt(fd, SOL_SCTP, name, &(v), sizeof(v)) < 0 ? NEG_ERRNO : 0)
#define EXT_GET(name, v) \
  do { \
    socklen_t l_ = sizeof(v); \
    if (getsockopt(fd, SOL_SCTP, name, &(v), &l_) < 0) return NEG_ERRNO; \
  } while (0)
/* most chunk types / HMAC ids / key bytes a request carries */
#define EXT_LIST_MAX 256
#define EXT_KEY_MAX 4096

static int ext_setopt(int32_t fd, int32_t opt, const uint8_t *b,
                      uint32_t len) {
  switch (opt) {
#ifdef SCTP_AUTH_CHUNK
    case SHIM_OPT_AUTH_CHUNK: {
      NEED(4);
      struct sctp_authchunk v = {(uint8_t)rd32(b)};
      return EXT_SET(SCTP_AUTH_CHUNK, v);
    }
    case SHIM_OPT_HMAC_IDENT: {
      NEED(4);
      uint32_t n = rd32(b);
      if (n > EXT_LIST_MAX || len < 4 + 4 * n) return -EINVAL;
      union {
        struct sctp_hmacalgo h;
        uint8_t raw[sizeof(struct sctp_hmacalgo) + 2 * EXT_LIST_MAX];
      } v;
      memset(&v, 0, sizeof v);
      v.h.shmac_num_idents = n;
      for (uint32_t i = 0; i < n; i++)
        v.h.shmac_idents[i] = (uint16_t)rd32(b + 4 + 4 * i);
      socklen_t l = (socklen_t)(sizeof(struct sctp_hmacalgo) + 2 * n);
      return setsockopt(fd, SOL_SCTP, SCTP_HMAC_IDENT, &v, l) < 0 ? NEG_ERRNO
                                                                  : 0;
    }
    case SHIM_OPT_AUTH_KEY: {
      NEED(12);
      uint32_t n = rd32(b + 8);
      if (n > EXT_KEY_MAX || len < 12 + n) return -EINVAL;
      union {
        struct sctp_authkey k;
        uint8_t raw[sizeof(struct sctp_authkey) + EXT_KEY_MAX];
      } v;
      memset(&v, 0, sizeof(struct sctp_authkey));
      v.k.sca_assoc_id = (sctp_assoc_t)rd32(b);
      v.k.sca_keynumber = (uint16_t)rd32(b + 4);
      v.k.sca_keylength = (uint16_t)n;
      if (n) memcpy(v.k.sca_key, b + 12, n);
      socklen_t l = (socklen_t)(sizeof(struct sctp_authkey) + n);
      int r = setsockopt(fd, SOL_SCTP, SCTP_AUTH_KEY, &v, l) < 0 ? NEG_ERRNO
                                                                 : 0;
      memset(&v, 0, sizeof v); /* no copy of the secret left on the stack */
      return r;
    }
    case SHIM_OPT_AUTH_ACTIVE_KEY:
    case SHIM_OPT_AUTH_DELETE_KEY: {
      NEED(8);
      struct sctp_authkeyid v;
      memset(&v, 0, sizeof v);
      v.scact_assoc_id = (sctp_assoc_t)rd32(b);
      v.scact_keynumber = (uint16_t)rd32(b + 4);
      return EXT_SET(opt == SHIM_OPT_AUTH_ACTIVE_KEY ? SCTP_AUTH_ACTIVE_KEY
                                                     : SCTP_AUTH_DELETE_KEY,
                     v);
    }
#endif
#ifdef SCTP_AUTH_DEACTIVATE_KEY
    case SHIM_OPT_AUTH_DEACTIVATE_KEY: {
      NEED(8);
      struct sctp_authkeyid v;
      memset(&v, 0, sizeof v);
      v.scact_assoc_id = (sctp_assoc_t)rd32(b);
      v.scact_keynumber = (uint16_t)rd32(b + 4);
      return EXT_SET(SCTP_AUTH_DEACTIVATE_KEY, v);
    }
#endif
#ifdef SCTP_REMOTE_UDP_ENCAPS_PORT
    case SHIM_OPT_REMOTE_UDP_ENCAPS_PORT: {
      NEED(32);
      struct sctp_udpencaps v;
      memset(&v, 0, sizeof v);
      v.sue_assoc_id = (sctp_assoc_t)rd32(b);
      int r = addr_field_in(b + 4, &v.sue_address);
      if (r < 0) return r;
      v.sue_port = htons((uint16_t)rd32(b + 28));
      return EXT_SET(SCTP_REMOTE_UDP_ENCAPS_PORT, v);
    }
#endif
#ifdef SCTP_PEER_ADDR_THLDS
    case SHIM_OPT_PEER_ADDR_THLDS: {
      NEED(36);
      struct sctp_paddrthlds v;
      memset(&v, 0, sizeof v);
      v.spt_assoc_id = (sctp_assoc_t)rd32(b);
      int r = addr_field_in(b + 4, &v.spt_address);
      if (r < 0) return r;
      v.spt_pathmaxrxt = (uint16_t)rd32(b + 28);
      v.spt_pathpfthld = (uint16_t)rd32(b + 32);
      return EXT_SET(SCTP_PEER_ADDR_THLDS, v);
    }
#endif
#ifdef SCTP_PEER_ADDR_THLDS_V2
    case SHIM_OPT_PEER_ADDR_THLDS_V2: {
      NEED(40);
      struct sctp_paddrthlds_v2 v;
      memset(&v, 0, sizeof v);
      v.spt_assoc_id = (sctp_assoc_t)rd32(b);
      int r = addr_field_in(b + 4, &v.spt_address);
      if (r < 0) return r;
      v.spt_pathmaxrxt = (uint16_t)rd32(b + 28);
      v.spt_pathpfthld = (uint16_t)rd32(b + 32);
      v.spt_pathcpthld = (uint16_t)rd32(b + 36);
      return EXT_SET(SCTP_PEER_ADDR_THLDS_V2, v);
    }
#endif
#ifdef SCTP_PLPMTUD_PROBE_INTERVAL
    case SHIM_OPT_PLPMTUD_PROBE_INTERVAL: {
      NEED(32);
      struct sctp_probeinterval v;
      memset(&v, 0, sizeof v);
      v.spi_assoc_id = (sctp_assoc_t)rd32(b);
      int r = addr_field_in(b + 4, &v.spi_address);
      if (r < 0) return r;
      v.spi_interval = rd32(b + 28);
      return EXT_SET(SCTP_PLPMTUD_PROBE_INTERVAL, v);
    }
#endif
    default:
      return -ENOPROTOOPT;
  }
}

/* writes a sockaddr_storage field of a kernel struct as an ADDRESS */
static void ext_addr_out(const void *field, uint8_t *p) {
  struct sockaddr_storage ss;
  memcpy(&ss, field, sizeof ss);
  addr_out((struct sockaddr *)&ss, p);
}

static void wr64(uint8_t *p, uint64_t v) {
  wr32(p, (uint32_t)v);
  wr32(p + 4, (uint32_t)(v >> 32));
}

static int ext_getopt(int32_t fd, int32_t opt, uint8_t *b, uint32_t len) {
  switch (opt) {
#ifdef SCTP_AUTH_CHUNK
    case SHIM_OPT_HMAC_IDENT: {
      NEED(4);
      union {
        struct sctp_hmacalgo h;
        uint8_t raw[sizeof(struct sctp_hmacalgo) + 2 * EXT_LIST_MAX];
      } v;
      memset(&v, 0, sizeof v);
      EXT_GET(SCTP_HMAC_IDENT, v);
      uint32_t n = v.h.shmac_num_idents;
      if (n > EXT_LIST_MAX) n = EXT_LIST_MAX;
      if (len < 4 + 4 * n) return -ENOBUFS;
      wr32(b, n);
      for (uint32_t i = 0; i < n; i++) wr32(b + 4 + 4 * i, v.h.shmac_idents[i]);
      return (int)(4 + 4 * n);
    }
    case SHIM_OPT_AUTH_ACTIVE_KEY: {
      NEED(8);
      struct sctp_authkeyid v;
      memset(&v, 0, sizeof v);
      v.scact_assoc_id = (sctp_assoc_t)rd32(b);
      EXT_GET(SCTP_AUTH_ACTIVE_KEY, v);
      wr32(b + 4, v.scact_keynumber);
      return 8;
    }
    case SHIM_OPT_PEER_AUTH_CHUNKS:
    case SHIM_OPT_LOCAL_AUTH_CHUNKS: {
      NEED(8);
      union {
        struct sctp_authchunks c;
        uint8_t raw[sizeof(struct sctp_authchunks) + EXT_LIST_MAX];
      } v;
      memset(&v, 0, sizeof v);
      v.c.gauth_assoc_id = (sctp_assoc_t)rd32(b);
      EXT_GET(opt == SHIM_OPT_PEER_AUTH_CHUNKS ? SCTP_PEER_AUTH_CHUNKS
                                               : SCTP_LOCAL_AUTH_CHUNKS,
              v);
      uint32_t n = v.c.gauth_number_of_chunks;
      if (n > EXT_LIST_MAX) n = EXT_LIST_MAX;
      if (len < 8 + 4 * n) return -ENOBUFS;
      wr32(b + 4, n);
      for (uint32_t i = 0; i < n; i++) wr32(b + 8 + 4 * i, v.c.gauth_chunks[i]);
      return (int)(8 + 4 * n);
    }
#endif
#ifdef SCTP_REMOTE_UDP_ENCAPS_PORT
    case SHIM_OPT_REMOTE_UDP_ENCAPS_PORT: {
      NEED(32);
      struct sctp_udpencaps v;
      memset(&v, 0, sizeof v);
      v.sue_assoc_id = (sctp_assoc_t)rd32(b);
      int r = addr_field_in(b + 4, &v.sue_address);
      if (r < 0) return r;
      EXT_GET(SCTP_REMOTE_UDP_ENCAPS_PORT, v);
      wr32(b + 28, ntohs(v.sue_port));
      return 32;
    }
#endif
#ifdef SCTP_PEER_ADDR_THLDS
    case SHIM_OPT_PEER_ADDR_THLDS: {
      NEED(36);
      struct sctp_paddrthlds v;
      memset(&v, 0, sizeof v);
      v.spt_assoc_id = (sctp_assoc_t)rd32(b);
      int r = addr_field_in(b + 4, &v.spt_address);
      if (r < 0) return r;
      EXT_GET(SCTP_PEER_ADDR_THLDS, v);
      wr32(b + 28, v.spt_pathmaxrxt);
      wr32(b + 32, v.spt_pathpfthld);
      return 36;
    }
#endif
#ifdef SCTP_PEER_ADDR_THLDS_V2
    case SHIM_OPT_PEER_ADDR_THLDS_V2: {
      NEED(40);
      struct sctp_paddrthlds_v2 v;
      memset(&v, 0, sizeof v);
      v.spt_assoc_id = (sctp_assoc_t)rd32(b);
      int r = addr_field_in(b + 4, &v.spt_address);
      if (r < 0) return r;
      EXT_GET(SCTP_PEER_ADDR_THLDS_V2, v);
      wr32(b + 28, v.spt_pathmaxrxt);
      wr32(b + 32, v.spt_pathpfthld);
      wr32(b + 36, v.spt_pathcpthld);
      return 40;
    }
#endif
#ifdef SCTP_PLPMTUD_PROBE_INTERVAL
    case SHIM_OPT_PLPMTUD_PROBE_INTERVAL: {
      NEED(32);
      struct sctp_probeinterval v;
      memset(&v, 0, sizeof v);
      v.spi_assoc_id = (sctp_assoc_t)rd32(b);
      int r = addr_field_in(b + 4, &v.spi_address);
      if (r < 0) return r;
      EXT_GET(SCTP_PLPMTUD_PROBE_INTERVAL, v);
      wr32(b + 28, v.spi_interval);
      return 32;
    }
#endif
#ifdef SCTP_GET_ASSOC_STATS
    case SHIM_OPT_GET_ASSOC_STATS: {
      NEED(148);
      struct sctp_assoc_stats v;
      memset(&v, 0, sizeof v);
      v.sas_assoc_id = (sctp_assoc_t)rd32(b);
      EXT_GET(SCTP_GET_ASSOC_STATS, v);
      ext_addr_out(&v.sas_obs_rto_ipaddr, b + 4);
      const uint64_t c[15] = {
          v.sas_maxrto,     v.sas_isacks,     v.sas_osacks,
          v.sas_opackets,   v.sas_ipackets,   v.sas_rtxchunks,
          v.sas_outofseqtsns, v.sas_idupchunks, v.sas_gapcnt,
          v.sas_ouodchunks, v.sas_iuodchunks, v.sas_oodchunks,
          v.sas_iodchunks,  v.sas_octrlchunks, v.sas_ictrlchunks};
      for (int i = 0; i < 15; i++) wr64(b + 28 + 8 * i, c[i]);
      return 148;
    }
#endif
    default:
      return -ENOPROTOOPT;
  }
}

int32_t sctp_shim_setopt(int32_t fd, int32_t opt, const uint8_t *b,
                         uint32_t len) {
  int level, name;
  if (opt >= 60 && opt <= 79) return ext_setopt(fd, opt, b, len);
  if (scalar_opt(opt, &level, &name) == 0) {
    NEED(4);
    int v = (int)rd32(b);
    return SETSOCK(level, name, v);
  }
  int av = assoc_value_opt(opt);
  if (av >= 0) {
    NEED(8);
    struct sctp_assoc_value v = {(sctp_assoc_t)rd32(b), rd32(b + 4)};
    return SETSOCK(SOL_SCTP, av, v);
  }
  switch (opt) {
    case SHIM_OPT_MAXSEG: {
      NEED(4);
      struct sctp_assoc_value v = {0, rd32(b)};
      return SETSOCK(SOL_SCTP, SCTP_MAXSEG, v);
    }
    case SHIM_OPT_LINGER: {
      NEED(8);
      struct linger v = {(int)rd32(b), (int)rd32(b + 4)};
      return SETSOCK(SOL_SOCKET, SO_LINGER, v);
    }
    case SHIM_OPT_RTOINFO: {
      NEED(16);
      struct sctp_rtoinfo v = {(sctp_assoc_t)rd32(b), rd32(b + 4),
                               rd32(b + 8), rd32(b + 12)};
      return SETSOCK(SOL_SCTP, SCTP_RTOINFO, v);
    }
    case SHIM_OPT_ASSOCINFO: {
      NEED(24);
      struct sctp_assocparams v;
      memset(&v, 0, sizeof v);
      v.sasoc_assoc_id = (sctp_assoc_t)rd32(b);
      v.sasoc_asocmaxrxt = (uint16_t)rd32(b + 4);
      v.sasoc_number_peer_destinations = (uint16_t)rd32(b + 8);
      v.sasoc_peer_rwnd = rd32(b + 12);
      v.sasoc_local_rwnd = rd32(b + 16);
      v.sasoc_cookie_life = rd32(b + 20);
      return SETSOCK(SOL_SCTP, SCTP_ASSOCINFO, v);
    }
    case SHIM_OPT_INITMSG: {
      NEED(16);
      struct sctp_initmsg v = {(uint16_t)rd32(b), (uint16_t)rd32(b + 4),
                               (uint16_t)rd32(b + 8), (uint16_t)rd32(b + 12)};
      return SETSOCK(SOL_SCTP, SCTP_INITMSG, v);
    }
    case SHIM_OPT_PRIMARY_ADDR: {
      NEED(28);
      struct sctp_prim v;
      memset(&v, 0, sizeof v);
      v.ssp_assoc_id = (sctp_assoc_t)rd32(b);
      int r = addr_field_in(b + 4, &v.ssp_addr);
      if (r < 0) return r;
      return SETSOCK(SOL_SCTP, SCTP_PRIMARY_ADDR, v);
    }
    case SHIM_OPT_SET_PEER_PRIMARY: {
      NEED(28);
      struct sctp_setpeerprim v;
      memset(&v, 0, sizeof v);
      v.sspp_assoc_id = (sctp_assoc_t)rd32(b);
      int r = addr_field_in(b + 4, &v.sspp_addr);
      if (r < 0) return r;
      return SETSOCK(SOL_SCTP, SCTP_SET_PEER_PRIMARY_ADDR, v);
    }
    case SHIM_OPT_ADAPTATION: {
      NEED(4);
      struct sctp_setadaptation v = {rd32(b)};
      return SETSOCK(SOL_SCTP, SCTP_ADAPTATION_LAYER, v);
    }
    case SHIM_OPT_PADDRPARAMS: {
      NEED(48);
      struct sctp_paddrparams v;
      memset(&v, 0, sizeof v);
      v.spp_assoc_id = (sctp_assoc_t)rd32(b);
      int r = addr_field_in(b + 4, &v.spp_address);
      if (r < 0) return r;
      v.spp_hbinterval = rd32(b + 28);
      v.spp_pathmaxrxt = (uint16_t)rd32(b + 32);
      v.spp_pathmtu = rd32(b + 36);
      v.spp_sackdelay = rd32(b + 40);
      v.spp_flags = spp_to_kernel(rd32(b + 44));
      return SETSOCK(SOL_SCTP, SCTP_PEER_ADDR_PARAMS, v);
    }
    case SHIM_OPT_DEFAULT_SEND: {
      NEED(SHIM_SRI_SIZE);
      struct sctp_sndrcvinfo v;
      sri_in(b, &v);
      return SETSOCK(SOL_SCTP, SCTP_DEFAULT_SEND_PARAM, v);
    }
    case SHIM_OPT_EVENTS: {
      NEED(40);
      struct sctp_event_subscribe v;
      memset(&v, 0, sizeof v);
      v.sctp_data_io_event = rd32(b) != 0;
      v.sctp_association_event = rd32(b + 4) != 0;
      v.sctp_address_event = rd32(b + 8) != 0;
      v.sctp_send_failure_event = rd32(b + 12) != 0;
      v.sctp_peer_error_event = rd32(b + 16) != 0;
      v.sctp_shutdown_event = rd32(b + 20) != 0;
      v.sctp_partial_delivery_event = rd32(b + 24) != 0;
      v.sctp_adaptation_layer_event = rd32(b + 28) != 0;
      v.sctp_authentication_event = rd32(b + 32) != 0;
      v.sctp_sender_dry_event = rd32(b + 36) != 0;
      return SETSOCK(SOL_SCTP, SCTP_EVENTS, v);
    }
    case SHIM_OPT_DELAYED_ACK: {
      NEED(8);
      struct sctp_sack_info v;
      memset(&v, 0, sizeof v);
      v.sack_assoc_id = (sctp_assoc_t)rd32(b);
      socklen_t l = sizeof v;
      if (getsockopt(fd, SOL_SCTP, SCTP_DELAYED_SACK, &v, &l) < 0)
        return NEG_ERRNO;
      v.sack_delay = rd32(b + 4);
      return SETSOCK(SOL_SCTP, SCTP_DELAYED_SACK, v);
    }
    case SHIM_OPT_DEFAULT_PRINFO: {
      NEED(12);
      struct sctp_default_prinfo v;
      memset(&v, 0, sizeof v);
      v.pr_assoc_id = (sctp_assoc_t)rd32(b);
      v.pr_policy = pr_to_kernel(rd32(b + 4));
      v.pr_value = rd32(b + 8);
      return SETSOCK(SOL_SCTP, SCTP_DEFAULT_PRINFO, v);
    }
    case SHIM_OPT_STREAM_SCHEDULER_VALUE: {
      NEED(12);
      struct sctp_stream_value v;
      memset(&v, 0, sizeof v);
      v.assoc_id = (sctp_assoc_t)rd32(b);
      v.stream_id = (uint16_t)rd32(b + 4);
      v.stream_value = (uint16_t)rd32(b + 8);
      return SETSOCK(SOL_SCTP, SCTP_STREAM_SCHEDULER_VALUE, v);
    }
    case SHIM_OPT_RESET_STREAMS: {
      NEED(12);
      uint32_t n = rd32(b + 8);
      if (n > 2048 || len < 12 + 4 * n) return -EINVAL;
      union {
        struct sctp_reset_streams r;
        uint8_t raw[sizeof(struct sctp_reset_streams) + 2 * 2048];
      } v;
      memset(&v, 0, sizeof(struct sctp_reset_streams));
      v.r.srs_assoc_id = (sctp_assoc_t)rd32(b);
      uint32_t f = rd32(b + 4);
      v.r.srs_flags = (uint16_t)(((f & SHIM_RESET_IN) ? SCTP_STREAM_RESET_INCOMING : 0) |
                                 ((f & SHIM_RESET_OUT) ? SCTP_STREAM_RESET_OUTGOING : 0));
      v.r.srs_number_streams = (uint16_t)n;
      for (uint32_t i = 0; i < n; i++)
        v.r.srs_stream_list[i] = (uint16_t)rd32(b + 12 + 4 * i);
      socklen_t l = (socklen_t)(sizeof(struct sctp_reset_streams) + 2 * n);
      return setsockopt(fd, SOL_SCTP, SCTP_RESET_STREAMS, &v, l) < 0 ? NEG_ERRNO
                                                                     : 0;
    }
    case SHIM_OPT_RESET_ASSOC: {
      NEED(4);
      sctp_assoc_t v = (sctp_assoc_t)rd32(b);
      return SETSOCK(SOL_SCTP, SCTP_RESET_ASSOC, v);
    }
    case SHIM_OPT_ADD_STREAMS: {
      NEED(12);
      struct sctp_add_streams v;
      memset(&v, 0, sizeof v);
      v.sas_assoc_id = (sctp_assoc_t)rd32(b);
      v.sas_instrms = (uint16_t)rd32(b + 4);
      v.sas_outstrms = (uint16_t)rd32(b + 8);
      return SETSOCK(SOL_SCTP, SCTP_ADD_STREAMS, v);
    }
    case SHIM_OPT_EVENT: {
      NEED(12);
      struct sctp_event v;
      memset(&v, 0, sizeof v);
      int t = event_type(rd32(b + 4));
      if (t < 0) return -EINVAL;
      v.se_assoc_id = (sctp_assoc_t)rd32(b);
      v.se_type = (uint16_t)t;
      v.se_on = rd32(b + 8) != 0;
      return SETSOCK(SOL_SCTP, SCTP_EVENT, v);
    }
    case SHIM_OPT_DEFAULT_SNDINFO: {
      NEED(20);
      struct sctp_sndinfo v;
      memset(&v, 0, sizeof v);
      v.snd_assoc_id = (sctp_assoc_t)rd32(b);
      v.snd_sid = (uint16_t)rd32(b + 4);
      v.snd_flags = flags_to_kernel(rd32(b + 8));
      v.snd_ppid = htonl(rd32(b + 12));
      v.snd_context = rd32(b + 16);
      return SETSOCK(SOL_SCTP, SCTP_DEFAULT_SNDINFO, v);
    }
    case SHIM_OPT_BINDTODEVICE:
      return setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, b, len) < 0
                 ? NEG_ERRNO
                 : 0;
    default:
      return -ENOPROTOOPT;
  }
}

#define GETSOCK(lvl, name, v) \
  do { \
    socklen_t l_ = sizeof(v); \
    if (getsockopt(fd, lvl, name, &(v), &l_) < 0) return NEG_ERRNO; \
  } while (0)

int32_t sctp_shim_getopt(int32_t fd, int32_t opt, uint8_t *b, uint32_t len) {
  int level, name;
  if (opt >= 60 && opt <= 79) return ext_getopt(fd, opt, b, len);
  if (scalar_opt(opt, &level, &name) == 0) {
    NEED(4);
    int v = 0;
    GETSOCK(level, name, v);
    wr32(b, (uint32_t)v);
    return 4;
  }
  int av = assoc_value_opt(opt);
  if (av >= 0) {
    NEED(8);
    struct sctp_assoc_value v = {(sctp_assoc_t)rd32(b), 0};
    GETSOCK(SOL_SCTP, av, v);
    wr32(b + 4, v.assoc_value);
    return 8;
  }
  switch (opt) {
    case SHIM_OPT_MAXSEG: {
      NEED(4);
      struct sctp_assoc_value v = {0, 0};
      GETSOCK(SOL_SCTP, SCTP_MAXSEG, v);
      wr32(b, v.assoc_value);
      return 4;
    }
    case SHIM_OPT_LINGER: {
      NEED(8);
      struct linger v;
      GETSOCK(SOL_SOCKET, SO_LINGER, v);
      wr32(b, (uint32_t)v.l_onoff);
      wr32(b + 4, (uint32_t)v.l_linger);
      return 8;
    }
    case SHIM_OPT_RTOINFO: {
      NEED(16);
      struct sctp_rtoinfo v;
      memset(&v, 0, sizeof v);
      v.srto_assoc_id = (sctp_assoc_t)rd32(b);
      GETSOCK(SOL_SCTP, SCTP_RTOINFO, v);
      wr32(b + 4, v.srto_initial);
      wr32(b + 8, v.srto_max);
      wr32(b + 12, v.srto_min);
      return 16;
    }
    case SHIM_OPT_ASSOCINFO: {
      NEED(24);
      struct sctp_assocparams v;
      memset(&v, 0, sizeof v);
      v.sasoc_assoc_id = (sctp_assoc_t)rd32(b);
      GETSOCK(SOL_SCTP, SCTP_ASSOCINFO, v);
      wr32(b + 4, v.sasoc_asocmaxrxt);
      wr32(b + 8, v.sasoc_number_peer_destinations);
      wr32(b + 12, v.sasoc_peer_rwnd);
      wr32(b + 16, v.sasoc_local_rwnd);
      wr32(b + 20, v.sasoc_cookie_life);
      return 24;
    }
    case SHIM_OPT_INITMSG: {
      NEED(16);
      struct sctp_initmsg v;
      GETSOCK(SOL_SCTP, SCTP_INITMSG, v);
      wr32(b, v.sinit_num_ostreams);
      wr32(b + 4, v.sinit_max_instreams);
      wr32(b + 8, v.sinit_max_attempts);
      wr32(b + 12, v.sinit_max_init_timeo);
      return 16;
    }
    case SHIM_OPT_PRIMARY_ADDR: {
      NEED(28);
      struct sctp_prim v;
      memset(&v, 0, sizeof v);
      v.ssp_assoc_id = (sctp_assoc_t)rd32(b);
      GETSOCK(SOL_SCTP, SCTP_PRIMARY_ADDR, v);
      struct sockaddr_storage ss;
      memcpy(&ss, &v.ssp_addr, sizeof ss);
      addr_out((struct sockaddr *)&ss, b + 4);
      return 28;
    }
    case SHIM_OPT_ADAPTATION: {
      NEED(4);
      struct sctp_setadaptation v;
      GETSOCK(SOL_SCTP, SCTP_ADAPTATION_LAYER, v);
      wr32(b, v.ssb_adaptation_ind);
      return 4;
    }
    case SHIM_OPT_PADDRPARAMS: {
      NEED(48);
      struct sctp_paddrparams v;
      memset(&v, 0, sizeof v);
      v.spp_assoc_id = (sctp_assoc_t)rd32(b);
      int r = addr_field_in(b + 4, &v.spp_address);
      if (r < 0) return r;
      GETSOCK(SOL_SCTP, SCTP_PEER_ADDR_PARAMS, v);
      struct sockaddr_storage ss;
      memcpy(&ss, &v.spp_address, sizeof ss);
      addr_out((struct sockaddr *)&ss, b + 4);
      wr32(b + 28, v.spp_hbinterval);
      wr32(b + 32, v.spp_pathmaxrxt);
      wr32(b + 36, v.spp_pathmtu);
      wr32(b + 40, v.spp_sackdelay);
      wr32(b + 44, spp_from_kernel(v.spp_flags));
      return 48;
    }
    case SHIM_OPT_DEFAULT_SEND: {
      NEED(SHIM_SRI_SIZE);
      struct sctp_sndrcvinfo v;
      memset(&v, 0, sizeof v);
      v.sinfo_assoc_id = (sctp_assoc_t)rd32(b + 32);
      GETSOCK(SOL_SCTP, SCTP_DEFAULT_SEND_PARAM, v);
      sri_out(&v, b);
      return SHIM_SRI_SIZE;
    }
    case SHIM_OPT_EVENTS: {
      NEED(40);
      struct sctp_event_subscribe v;
      memset(&v, 0, sizeof v);
      GETSOCK(SOL_SCTP, SCTP_EVENTS, v);
      wr32(b, v.sctp_data_io_event);
      wr32(b + 4, v.sctp_association_event);
      wr32(b + 8, v.sctp_address_event);
      wr32(b + 12, v.sctp_send_failure_event);
      wr32(b + 16, v.sctp_peer_error_event);
      wr32(b + 20, v.sctp_shutdown_event);
      wr32(b + 24, v.sctp_partial_delivery_event);
      wr32(b + 28, v.sctp_adaptation_layer_event);
      wr32(b + 32, v.sctp_authentication_event);
      wr32(b + 36, v.sctp_sender_dry_event);
      return 40;
    }
    case SHIM_OPT_DELAYED_ACK: {
      NEED(8);
      struct sctp_sack_info v;
      memset(&v, 0, sizeof v);
      v.sack_assoc_id = (sctp_assoc_t)rd32(b);
      GETSOCK(SOL_SCTP, SCTP_DELAYED_SACK, v);
      wr32(b + 4, v.sack_delay);
      return 8;
    }
    case SHIM_OPT_STATUS: {
      NEED(80);
      struct sctp_status v;
      memset(&v, 0, sizeof v);
      v.sstat_assoc_id = (sctp_assoc_t)rd32(b);
      GETSOCK(SOL_SCTP, SCTP_STATUS, v);
      wr32(b, (uint32_t)v.sstat_assoc_id);
      wr32(b + 4, status_state(v.sstat_state));
      wr32(b + 8, v.sstat_rwnd);
      wr32(b + 12, v.sstat_unackdata);
      wr32(b + 16, v.sstat_penddata);
      wr32(b + 20, v.sstat_instrms);
      wr32(b + 24, v.sstat_outstrms);
      wr32(b + 28, v.sstat_fragmentation_point);
      struct sctp_paddrinfo pi;
      memcpy(&pi, &v.sstat_primary, sizeof pi);
      paddrinfo_out(&pi, b + 32);
      return 80;
    }
    case SHIM_OPT_DEFAULT_PRINFO: {
      NEED(12);
      struct sctp_default_prinfo v;
      memset(&v, 0, sizeof v);
      v.pr_assoc_id = (sctp_assoc_t)rd32(b);
      GETSOCK(SOL_SCTP, SCTP_DEFAULT_PRINFO, v);
      wr32(b + 4, pr_from_kernel(v.pr_policy));
      wr32(b + 8, v.pr_value);
      return 12;
    }
    case SHIM_OPT_PR_ASSOC_STATUS:
    case SHIM_OPT_PR_STREAM_STATUS: {
      NEED(28);
      struct sctp_prstatus v;
      memset(&v, 0, sizeof v);
      v.sprstat_assoc_id = (sctp_assoc_t)rd32(b);
      v.sprstat_sid = (uint16_t)rd32(b + 4);
      v.sprstat_policy = pr_to_kernel(rd32(b + 8));
      GETSOCK(SOL_SCTP,
              opt == SHIM_OPT_PR_ASSOC_STATUS ? SCTP_PR_ASSOC_STATUS
                                              : SCTP_PR_STREAM_STATUS,
              v);
      wr32(b + 12, (uint32_t)v.sprstat_abandoned_unsent);
      wr32(b + 16, (uint32_t)(v.sprstat_abandoned_unsent >> 32));
      wr32(b + 20, (uint32_t)v.sprstat_abandoned_sent);
      wr32(b + 24, (uint32_t)(v.sprstat_abandoned_sent >> 32));
      return 28;
    }
    case SHIM_OPT_STREAM_SCHEDULER_VALUE: {
      NEED(12);
      struct sctp_stream_value v;
      memset(&v, 0, sizeof v);
      v.assoc_id = (sctp_assoc_t)rd32(b);
      v.stream_id = (uint16_t)rd32(b + 4);
      GETSOCK(SOL_SCTP, SCTP_STREAM_SCHEDULER_VALUE, v);
      wr32(b + 8, v.stream_value);
      return 12;
    }
    case SHIM_OPT_EVENT: {
      NEED(12);
      struct sctp_event v;
      memset(&v, 0, sizeof v);
      int t = event_type(rd32(b + 4));
      if (t < 0) return -EINVAL;
      v.se_assoc_id = (sctp_assoc_t)rd32(b);
      v.se_type = (uint16_t)t;
      GETSOCK(SOL_SCTP, SCTP_EVENT, v);
      wr32(b + 8, v.se_on);
      return 12;
    }
    case SHIM_OPT_DEFAULT_SNDINFO: {
      NEED(20);
      struct sctp_sndinfo v;
      memset(&v, 0, sizeof v);
      v.snd_assoc_id = (sctp_assoc_t)rd32(b);
      GETSOCK(SOL_SCTP, SCTP_DEFAULT_SNDINFO, v);
      wr32(b + 4, v.snd_sid);
      wr32(b + 8, flags_from_kernel(v.snd_flags));
      wr32(b + 12, ntohl(v.snd_ppid));
      wr32(b + 16, v.snd_context);
      return 20;
    }
    case SHIM_OPT_PEER_ADDR_INFO: {
      NEED(48);
      struct sctp_paddrinfo v;
      memset(&v, 0, sizeof v);
      v.spinfo_assoc_id = (sctp_assoc_t)rd32(b);
      int r = addr_field_in(b + 4, &v.spinfo_address);
      if (r < 0) return r;
      GETSOCK(SOL_SCTP, SCTP_GET_PEER_ADDR_INFO, v);
      paddrinfo_out(&v, b);
      return 48;
    }
    default:
      return -ENOPROTOOPT;
  }
}

/* Local (peer = 0) or peer (peer = 1) addresses of an association (assoc_id 0
 * with peer = 0: the endpoint's). Writes up to max ADDRESS entries, returns
 * how many the kernel reported (may exceed max). */
int32_t sctp_shim_getaddrs(int32_t fd, uint32_t assoc_id, int32_t peer,
                           uint8_t *out, uint32_t max) {
  union {
    struct sctp_getaddrs g;
    uint8_t raw[sizeof(struct sctp_getaddrs) +
                MAX_ADDRS * sizeof(struct sockaddr_in6)];
  } u;
  memset(&u, 0, sizeof u.g);
  u.g.assoc_id = (sctp_assoc_t)assoc_id;
  socklen_t len = sizeof u;
  if (getsockopt(fd, SOL_SCTP, peer ? SCTP_GET_PEER_ADDRS : SCTP_GET_LOCAL_ADDRS,
                 &u, &len) < 0)
    return NEG_ERRNO;
  uint8_t *p = u.raw + offsetof(struct sctp_getaddrs, addrs);
  /* Linux returns SCTP_GET_LOCAL_ADDRS's optlen without the 8-byte header
   * (a kernel "XXX" kept for compatibility); PEER_ADDRS's includes it. */
  size_t got = (size_t)len;
  if (!peer) got += offsetof(struct sctp_getaddrs, addrs);
  if (got > sizeof u) got = sizeof u;
  uint8_t *end = u.raw + got;
  uint32_t n = 0;
  for (uint32_t i = 0; i < u.g.addr_num && p < end; i++) {
    sa_family_t fam;
    memcpy(&fam, p + offsetof(struct sockaddr, sa_family), sizeof fam);
    size_t sz = fam == AF_INET6 ? sizeof(struct sockaddr_in6)
                                : sizeof(struct sockaddr_in);
    if (p + sz > end) break;
    anyaddr a;
    memcpy(&a, p, sz);
    if (n < max) addr_out(&a.sa, out + (size_t)n * SHIM_ADDR_SIZE);
    n++;
    p += sz;
  }
  return (int32_t)n;
}

/* getsockname into an ADDRESS. */
int32_t sctp_shim_sockname(int32_t fd, uint8_t *out) {
  anyaddr a;
  socklen_t l = sizeof a;
  if (getsockname(fd, &a.sa, &l) < 0) return NEG_ERRNO;
  addr_out(&a.sa, out);
  return 0;
}

/* ---- readiness ---- */
/* Non-blocking close-on-exec pipe; out2 receives {read fd, write fd}. */
int32_t sctp_shim_pipe(int32_t *out2) {
  int p[2];
  if (pipe2(p, O_NONBLOCK | O_CLOEXEC) < 0) return NEG_ERRNO;
  out2[0] = p[0];
  out2[1] = p[1];
  return 0;
}

int32_t sctp_shim_wake(int32_t fd) {
  uint8_t one = 1;
  ssize_t r = write(fd, &one, 1);
  return r < 0 && errno != EAGAIN ? NEG_ERRNO : 0;
}

int32_t sctp_shim_drain(int32_t fd) {
  uint8_t buf[256];
  ssize_t r;
  int32_t n = 0;
  while ((r = read(fd, buf, sizeof buf)) > 0) n += (int32_t)r;
  return n;
}

/* One-shot readiness queue (epoll on Linux, kqueue elsewhere). The poll
 * worker blocks in sctp_shim_rq_wait; the main thread arms fds with
 * sctp_shim_rq_arm from its own thread (no wakeup needed). An armed fd
 * reports once, then stays disarmed until armed again. */
int32_t sctp_shim_rq_create(void) {
#ifdef __linux__
  int ep = epoll_create1(EPOLL_CLOEXEC);
#else
  int ep = kqueue();
  if (ep >= 0) (void)fcntl(ep, F_SETFD, FD_CLOEXEC);
#endif
  return ep < 0 ? NEG_ERRNO : ep;
}

/* op: 0 add (disarmed), 1 arm for `events` (SHIM_POLL_IN|OUT), 2 delete.
 * A plain (level-triggered, persistent) watch when events has bit 8: used
 * for the worker's wakeup pipe. */
int32_t sctp_shim_rq_arm(int32_t q, int32_t fd, int32_t events, int32_t op) {
#ifdef __linux__
  struct epoll_event ev;
  memset(&ev, 0, sizeof ev);
  ev.data.fd = fd;
  if (events & SHIM_POLL_IN) ev.events |= EPOLLIN;
  if (events & SHIM_POLL_OUT) ev.events |= EPOLLOUT;
  if (!(events & SHIM_POLL_PERSISTENT)) ev.events |= EPOLLONESHOT;
  int r;
  if (op == SHIM_RQ_ADD) r = epoll_ctl(q, EPOLL_CTL_ADD, fd, &ev);
  else if (op == SHIM_RQ_MOD) r = epoll_ctl(q, EPOLL_CTL_MOD, fd, &ev);
  else if (op == SHIM_RQ_DEL) r = epoll_ctl(q, EPOLL_CTL_DEL, fd, NULL);
  else return -EINVAL;
  return r < 0 ? NEG_ERRNO : 0;
#else
  struct kevent ch[2];
  int n = 0;
  unsigned short once = (events & SHIM_POLL_PERSISTENT) ? 0 : EV_DISPATCH;
  if (op == SHIM_RQ_DEL) {
    EV_SET(&ch[n++], fd, EVFILT_READ, EV_DELETE, 0, 0, NULL);
    EV_SET(&ch[n++], fd, EVFILT_WRITE, EV_DELETE, 0, 0, NULL);
    (void)kevent(q, ch, n, NULL, 0, NULL);
    return 0;
  }
  if (op != 0 && op != 1) return -EINVAL;
  EV_SET(&ch[n++], fd, EVFILT_READ,
         EV_ADD | once | ((events & SHIM_POLL_IN) ? EV_ENABLE : EV_DISABLE), 0,
         0, NULL);
  EV_SET(&ch[n++], fd, EVFILT_WRITE,
         EV_ADD | once | ((events & SHIM_POLL_OUT) ? EV_ENABLE : EV_DISABLE),
         0, 0, NULL);
  return kevent(q, ch, n, NULL, 0, NULL) < 0 ? NEG_ERRNO : 0;
#endif
}

/* Waits up to timeout_ms; out receives up to max {i32 fd, u16 revents,
 * u16 0} entries with SHIM_POLL_* flags. Returns the count (0 on timeout or
 * EINTR) or -errno. */
int32_t sctp_shim_rq_wait(int32_t q, uint8_t *out, int32_t max,
                          int32_t timeout_ms) {
  if (max <= 0) return -EINVAL;
  if (max > 256) max = 256;
#ifdef __linux__
  struct epoll_event evs[256];
  int n = epoll_wait(q, evs, max, timeout_ms);
  if (n < 0) return errno == EINTR ? 0 : NEG_ERRNO;
  for (int i = 0; i < n; i++) {
    uint16_t rev = 0;
    if (evs[i].events & EPOLLIN) rev |= SHIM_POLL_IN;
    if (evs[i].events & EPOLLOUT) rev |= SHIM_POLL_OUT;
    if (evs[i].events & (EPOLLERR | EPOLLHUP)) rev |= SHIM_POLL_ERR;
    wr32(out + (size_t)i * 8, (uint32_t)evs[i].data.fd);
    wr16(out + (size_t)i * 8 + 4, rev);
    wr16(out + (size_t)i * 8 + 6, 0);
  }
  return n;
#else
  struct kevent evs[256];
  struct timespec ts = {timeout_ms / 1000, (long)(timeout_ms % 1000) * 1000000};
  int n = kevent(q, NULL, 0, evs, max, timeout_ms < 0 ? NULL : &ts);
  if (n < 0) return errno == EINTR ? 0 : NEG_ERRNO;
  for (int i = 0; i < n; i++) {
    uint16_t rev = evs[i].filter == EVFILT_READ ? SHIM_POLL_IN : SHIM_POLL_OUT;
    if (evs[i].flags & (EV_EOF | EV_ERROR)) rev |= SHIM_POLL_ERR;
    wr32(out + (size_t)i * 8, (uint32_t)evs[i].ident);
    wr16(out + (size_t)i * 8 + 4, rev);
    wr16(out + (size_t)i * 8 + 6, 0);
  }
  return n;
#endif
}


/* ---- errors ---- */
/* Writes the lowercase POSIX name of errno e ("eaddrinuse"), NUL-terminated,
 * into out; returns its length, or 0 for an errno this table lacks. */
int32_t sctp_shim_errname(int32_t e, uint8_t *out, uint32_t cap) {
  static const struct { int e; const char *n; } t[] = {
#define E(x, s) {x, s},
      E(EPERM, "eperm") E(ENOENT, "enoent") E(ESRCH, "esrch") E(EINTR, "eintr")
      E(EIO, "eio") E(ENXIO, "enxio") E(E2BIG, "e2big") E(EBADF, "ebadf")
      E(EAGAIN, "eagain") E(ENOMEM, "enomem") E(EACCES, "eacces")
      E(EFAULT, "efault") E(EBUSY, "ebusy") E(EEXIST, "eexist")
      E(ENODEV, "enodev") E(EINVAL, "einval") E(ENFILE, "enfile")
      E(EMFILE, "emfile") E(ENOSPC, "enospc") E(EPIPE, "epipe")
      E(ERANGE, "erange") E(ENOSYS, "enosys") E(ENOTSOCK, "enotsock")
      E(EDESTADDRREQ, "edestaddrreq") E(EMSGSIZE, "emsgsize")
      E(EPROTOTYPE, "eprototype") E(ENOPROTOOPT, "enoprotoopt")
      E(EPROTONOSUPPORT, "eprotonosupport")
      E(ESOCKTNOSUPPORT, "esocktnosupport") E(EOPNOTSUPP, "eopnotsupp")
      E(EPFNOSUPPORT, "epfnosupport") E(EAFNOSUPPORT, "eafnosupport")
      E(EADDRINUSE, "eaddrinuse") E(EADDRNOTAVAIL, "eaddrnotavail")
      E(ENETDOWN, "enetdown") E(ENETUNREACH, "enetunreach")
      E(ENETRESET, "enetreset") E(ECONNABORTED, "econnaborted")
      E(ECONNRESET, "econnreset") E(ENOBUFS, "enobufs") E(EISCONN, "eisconn")
      E(ENOTCONN, "enotconn") E(ESHUTDOWN, "eshutdown")
      E(ETIMEDOUT, "etimedout") E(ECONNREFUSED, "econnrefused")
      E(EHOSTDOWN, "ehostdown") E(EHOSTUNREACH, "ehostunreach")
      E(EALREADY, "ealready") E(EINPROGRESS, "einprogress")
      E(ENOTSUP == EOPNOTSUPP ? -1 : ENOTSUP, "enotsup")
#undef E
  };
  for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
    if (t[i].e == e) {
      size_t n = strlen(t[i].n);
      if (n + 1 > cap) return -ENOBUFS;
      memcpy(out, t[i].n, n + 1);
      return (int32_t)n;
    }
  }
  return 0;
}
