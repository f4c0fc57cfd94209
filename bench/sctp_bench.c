/*
 * sctp_bench.c: the C baseline of the benchmark suite (see bench/README in
 * bench/RESULTS.md). Plain kernel API only: socket(IPPROTO_SCTP), sendmsg
 * with an SCTP_SNDRCV cmsg, recvmsg. No libsctp.
 *
 *   sctp_bench tput    size=64 count=20000 reps=3
 *   sctp_bench rtt     count=2000 reps=3
 *   sctp_bench fanin   assocs=100 msgs=20 reps=3
 *   sctp_bench streams streams=64 count=6400 size=1024 reps=3
 *
 * With role=server|client the endpoints are separate processes (bench/run.ts
 * starts the binary twice); see "separate-process peers" at the end.
 *
 * Both endpoints live in this process: the receiving side (server) runs in
 * its own thread, the sending side (client) in the main thread, blocking
 * sockets. Prints one JSON line: {"impl":"c","workload":..,"ok":..,"runs":[..]}.
 * With step=1, the stepped protocol of bench/step.ts: {"ready":1} once set
 * up, then one repetition per "go" line on stdin, each reported at once as
 * {"rep":{..}}.
 *
 * Message format (shared with bench.ts and sctp_bench.erl): u32 LE seq,
 * u32 LE tag (stream or client index), then size-8 bytes of the pattern
 * P[i] = (i*131+17) & 255 starting at offset (seq+tag) & 255.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <linux/sctp.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAXSZ (1 << 20) /* largest message (the matrix's 1 MiB) */
#define PATLEN (MAXSZ + 256)
#define BUFSZ (1 << 20) /* SO_SNDBUF, SO_RCVBUF (all impls) */

static uint8_t P[PATLEN];
static char failure[256];

static void fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
#include <stdarg.h>
static void fail(const char *fmt, ...) {
  if (failure[0]) return;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(failure, sizeof failure, fmt, ap);
  va_end(ap);
}

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

static long arg(int argc, char **argv, const char *k, long dflt) {
  size_t n = strlen(k);
  for (int i = 2; i < argc; i++)
    if (!strncmp(argv[i], k, n) && argv[i][n] == '=') return atol(argv[i] + n + 1);
  return dflt;
}

static void fill(uint8_t *m, uint32_t size, uint32_t seq, uint32_t tag) {
  memcpy(m, &seq, 4); /* x86: little endian */
  memcpy(m + 4, &tag, 4);
  memcpy(m + 8, P + ((seq + tag) & 255), size - 8);
}

static int check(const uint8_t *m, size_t len, uint32_t size, uint32_t seq,
                 uint32_t tag) {
  uint32_t s, t;
  if (len != size) { fail("length %zu, expected %u", len, size); return -1; }
  memcpy(&s, m, 4);
  memcpy(&t, m + 4, 4);
  if (t != tag) { fail("tag %u, expected %u", t, tag); return -1; }
  if (s != seq) { fail("tag %u: seq %u, expected %u", tag, s, seq); return -1; }
  if (memcmp(m + 8, P + ((seq + tag) & 255), size - 8)) {
    fail("tag %u seq %u: corrupt payload", tag, seq);
    return -1;
  }
  return 0;
}

static int sock(void) {
  int fd = socket(AF_INET, SOCK_SEQPACKET, IPPROTO_SCTP);
  if (fd < 0) { perror("socket"); exit(2); }
  struct sctp_initmsg im = {.sinit_num_ostreams = 64, .sinit_max_instreams = 64};
  setsockopt(fd, IPPROTO_SCTP, SCTP_INITMSG, &im, sizeof im);
  struct sctp_event_subscribe ev;
  memset(&ev, 0, sizeof ev);
  ev.sctp_data_io_event = 1;
  setsockopt(fd, IPPROTO_SCTP, SCTP_EVENTS, &ev, sizeof ev);
  int one = 1, buf = BUFSZ;
  setsockopt(fd, IPPROTO_SCTP, SCTP_NODELAY, &one, sizeof one);
  setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &buf, sizeof buf);
  setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &buf, sizeof buf);
  return fd;
}

static struct sockaddr_in srv_addr;

static int server(void) {
  int fd = sock();
  struct sockaddr_in a = {.sin_family = AF_INET};
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(fd, (void *)&a, sizeof a) < 0) { perror("bind"); exit(2); }
  if (listen(fd, 1024) < 0) { perror("listen"); exit(2); }
  socklen_t l = sizeof srv_addr;
  getsockname(fd, (void *)&srv_addr, &l);
  return fd;
}

static int client(void) {
  int fd = sock();
  if (connect(fd, (void *)&srv_addr, sizeof srv_addr) < 0) {
    perror("connect");
    exit(2);
  }
  return fd;
}

/* send one message; assoc 0 = to srv_addr */
static int xsend(int fd, const uint8_t *m, size_t len, uint32_t assoc,
                 uint16_t stream) {
  union {
    char buf[CMSG_SPACE(sizeof(struct sctp_sndrcvinfo))];
    struct cmsghdr align;
  } ctl;
  memset(&ctl, 0, sizeof ctl);
  struct iovec iov = {.iov_base = (void *)m, .iov_len = len};
  struct msghdr msg = {0};
  if (!assoc) {
    msg.msg_name = &srv_addr;
    msg.msg_namelen = sizeof srv_addr;
  }
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = ctl.buf;
  msg.msg_controllen = sizeof ctl.buf;
  struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
  c->cmsg_level = IPPROTO_SCTP;
  c->cmsg_type = SCTP_SNDRCV;
  c->cmsg_len = CMSG_LEN(sizeof(struct sctp_sndrcvinfo));
  struct sctp_sndrcvinfo *s = (void *)CMSG_DATA(c);
  s->sinfo_stream = stream;
  s->sinfo_assoc_id = assoc;
  ssize_t r = sendmsg(fd, &msg, MSG_NOSIGNAL);
  if (r < 0) { fail("sendmsg: %s", strerror(errno)); return -1; }
  return 0;
}

/* receives one whole data message into buf; with up, an SCTP_COMM_UP event
 * sets *up and returns 0; other notifications are skipped */
static ssize_t xrecv(int fd, uint8_t *buf, size_t cap,
                     struct sctp_sndrcvinfo *info, int *up) {
  size_t got = 0;
  if (up) *up = 0;
  for (;;) {
    union {
      char buf[256];
      struct cmsghdr align;
    } ctl;
    struct iovec iov = {.iov_base = buf + got, .iov_len = cap - got};
    struct msghdr msg = {0};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = ctl.buf;
    msg.msg_controllen = sizeof ctl.buf;
    ssize_t r = recvmsg(fd, &msg, 0);
    if (r < 0) {
      if (errno == EINTR) continue;
      fail("recvmsg: %s", strerror(errno));
      return -1;
    }
    if (msg.msg_flags & MSG_NOTIFICATION) {
      if (!(msg.msg_flags & MSG_EOR)) { fail("partial notification"); return -1; }
      const union sctp_notification *sn = (const void *)(buf + got);
      if (up && sn->sn_header.sn_type == SCTP_ASSOC_CHANGE &&
          sn->sn_assoc_change.sac_state == SCTP_COMM_UP) {
        *up = 1;
        return 0;
      }
      continue;
    }
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c))
      if (c->cmsg_level == IPPROTO_SCTP && c->cmsg_type == SCTP_SNDRCV)
        memcpy(info, CMSG_DATA(c), sizeof *info);
    got += r;
    if (msg.msg_flags & MSG_EOR) return (ssize_t)got;
    if (got >= cap) { fail("message too large"); return -1; }
  }
}

/* ---- receiver thread ---- */
struct rx {
  int fd;
  long total;     /* messages to receive */
  uint32_t size;
  int ntags;      /* per-tag seq check */
  int tag_is_stream;
  double t_end;
  long got;
  uint8_t *buf;
};

static void *rx_main(void *p) {
  struct rx *x = p;
  uint32_t *next = calloc(x->ntags, sizeof *next);
  struct sctp_sndrcvinfo info;
  for (x->got = 0; x->got < x->total; x->got++) {
    ssize_t n = xrecv(x->fd, x->buf, MAXSZ + 64, &info, NULL);
    if (n < 0) break;
    uint32_t tag = 0;
    if (n >= 8) memcpy(&tag, x->buf + 4, 4);
    if (tag >= (uint32_t)x->ntags) { fail("bad tag %u", tag); break; }
    if (x->tag_is_stream && info.sinfo_stream != tag) {
      fail("message of stream %u arrived on stream %u", tag, info.sinfo_stream);
      break;
    }
    if (check(x->buf, n, x->size, next[tag], tag)) break;
    next[tag]++;
  }
  x->t_end = now();
  free(next);
  return NULL;
}

static long rss_bytes(void) {
  FILE *f = fopen("/proc/self/statm", "r");
  long size = 0, res = 0;
  if (f) {
    if (fscanf(f, "%ld %ld", &size, &res) != 2) res = 0;
    fclose(f);
  }
  return res * sysconf(_SC_PAGESIZE);
}

/* ---- output and the stepped protocol (bench/step.ts) ---- */
static int step;
static char runs[16384];
static size_t runs_len;

/* waits for the orchestrator's "go" line (at once when not stepping) */
static void gate(void) {
  static int ready;
  if (!step) return;
  if (!ready) {
    printf("{\"ready\":1}\n");
    ready = 1;
  }
  char line[64];
  if (!fgets(line, sizeof line, stdin)) exit(3); /* the orchestrator left */
}

/* records one repetition's JSON object (and reports it when stepping) */
static void report(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void report(const char *fmt, ...) {
  char o[256];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(o, sizeof o, fmt, ap);
  va_end(ap);
  if (runs_len + strlen(o) + 2 < sizeof runs)
    runs_len += (size_t)snprintf(runs + runs_len, sizeof runs - runs_len, "%s%s",
                                 runs_len ? "," : "", o);
  if (step) printf("{\"rep\":%s}\n", o);
}

static void out_end(const char *w, const char *extra) {
  printf("{\"impl\":\"c\",\"workload\":\"%s\",\"runs\":[%s]", w, runs);
  if (failure[0])
    printf(",\"ok\":false,\"error\":\"%s\"%s}\n", failure, extra ? extra : "");
  else
    printf(",\"ok\":true%s}\n", extra ? extra : "");
}

/* one-way stream of `count` messages over `nclients` client sockets (each
 * one association) on `nstreams` streams; returns messages/s or -1 */
static double oneway(int srv, int *cl, int nclients, int nstreams, long count,
                     uint32_t size, uint8_t *buf, uint8_t *sbuf) {
  struct rx x = {.fd = srv, .total = count, .size = size,
                 .ntags = nclients > 1 ? nclients : nstreams,
                 .tag_is_stream = nclients == 1, .buf = buf};
  pthread_t th;
  double t0 = now();
  pthread_create(&th, NULL, rx_main, &x);
  uint32_t *seq = calloc(x.ntags, sizeof *seq);
  for (long i = 0; i < count && !failure[0]; i++) {
    uint32_t tag = nclients > 1 ? (uint32_t)(i % nclients) : (uint32_t)(i % nstreams);
    int fd = nclients > 1 ? cl[tag] : cl[0];
    fill(sbuf, size, seq[tag]++, tag);
    if (xsend(fd, sbuf, size, 0, nclients > 1 ? 0 : (uint16_t)tag)) break;
  }
  free(seq);
  if (failure[0]) pthread_cancel(th);
  pthread_join(th, NULL);
  if (failure[0]) return -1;
  return count / (x.t_end - t0);
}

static int cmpd(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

struct echo { int fd; long n; uint8_t *buf; };
static void *echo_main(void *p) {
  struct echo *e = p;
  struct sctp_sndrcvinfo info;
  for (long i = 0; i < e->n; i++) {
    ssize_t n = xrecv(e->fd, e->buf, MAXSZ + 64, &info, NULL);
    if (n < 0) break;
    if (xsend(e->fd, e->buf, n, info.sinfo_assoc_id, info.sinfo_stream)) break;
  }
  return NULL;
}

static int peer_main(int argc, char **argv);

int main(int argc, char **argv) {
  if (argc >= 2)
    for (int i = 2; i < argc; i++)
      if (!strncmp(argv[i], "role=", 5)) {
        for (int j = 0; j < PATLEN; j++) P[j] = (uint8_t)(j * 131 + 17);
        setvbuf(stdout, NULL, _IOLBF, 0);
        return peer_main(argc, argv);
      }
  if (argc < 2) {
    fprintf(stderr, "usage: sctp_bench tput|rtt|fanin|streams key=value...\n");
    return 2;
  }
  for (int i = 0; i < PATLEN; i++) P[i] = (uint8_t)(i * 131 + 17);
  setvbuf(stdout, NULL, _IOLBF, 0);
  const char *w = argv[1];
  int reps = (int)arg(argc, argv, "reps", 3);
  step = arg(argc, argv, "step", 0) == 1;
  uint8_t *buf = malloc(MAXSZ + 64), *sbuf = malloc(MAXSZ + 64);
  int srv = server();
  if (!strcmp(w, "tput") || !strcmp(w, "streams")) {
    int streams = !strcmp(w, "tput") ? 1 : (int)arg(argc, argv, "streams", 64);
    uint32_t size = (uint32_t)arg(argc, argv, "size", 64);
    long count = arg(argc, argv, "count", 10000);
    if (size < 8 || size > MAXSZ) { fprintf(stderr, "bad size\n"); return 2; }
    int cl = client();
    for (int r = 0; r < reps && !failure[0]; r++) {
      gate();
      double mps = oneway(srv, &cl, 1, streams, count, size, buf, sbuf);
      if (mps < 0) break;
      report("{\"msgs_per_s\":%.1f,\"mb_per_s\":%.3f}", mps, mps * size / 1e6);
    }
    out_end(w, NULL);
  } else if (!strcmp(w, "rtt")) {
    long count = arg(argc, argv, "count", 1000);
    uint32_t size = (uint32_t)arg(argc, argv, "size", 64);
    long warm = count / 10 + 1;
    int cl = client();
    struct echo e = {.fd = srv, .n = (count + warm) * reps, .buf = buf};
    pthread_t th;
    pthread_create(&th, NULL, echo_main, &e);
    double *lat = malloc(count * sizeof *lat);
    uint32_t seq = 0;
    uint8_t *rbuf = malloc(MAXSZ + 64);
    struct sctp_sndrcvinfo info;
    for (int r = 0; r < reps && !failure[0]; r++) {
      gate();
      for (long i = 0; i < count + warm && !failure[0]; i++) {
        fill(sbuf, size, seq, 0);
        double t0 = now();
        if (xsend(cl, sbuf, size, 0, 0)) break;
        ssize_t n = xrecv(cl, rbuf, MAXSZ + 64, &info, NULL);
        double t1 = now();
        if (n < 0 || check(rbuf, n, size, seq, 0)) break;
        seq++;
        if (i >= warm) lat[i - warm] = (t1 - t0) * 1e6;
      }
      if (failure[0]) break;
      qsort(lat, count, sizeof *lat, cmpd);
      report("{\"median_us\":%.1f,\"p99_us\":%.1f}", lat[count / 2],
             lat[(long)(count * 0.99)]);
    }
    if (failure[0]) pthread_cancel(th);
    pthread_join(th, NULL);
    out_end(w, NULL);
  } else if (!strcmp(w, "fanin")) {
    int n = (int)arg(argc, argv, "assocs", 100);
    long msgs = arg(argc, argv, "msgs", 10);
    uint32_t size = (uint32_t)arg(argc, argv, "size", 64);
    long rss0 = rss_bytes();
    int *cl = malloc(n * sizeof *cl);
    for (int i = 0; i < n; i++) cl[i] = client();
    long rss1 = rss_bytes();
    for (int r = 0; r < reps && !failure[0]; r++) {
      gate();
      double mps = oneway(srv, cl, n, 1, msgs * n, size, buf, sbuf);
      if (mps < 0) break;
      report("{\"msgs_per_s\":%.1f}", mps);
    }
    char extra[64];
    snprintf(extra, sizeof extra, ",\"rss_per_assoc\":%.0f",
             (double)(rss1 - rss0) / n);
    out_end(w, extra);
  } else {
    fprintf(stderr, "unknown workload %s\n", w);
    return 2;
  }
  return failure[0] ? 1 : 0;
}

/* ---- separate-process peers (role=server|client) ----
 *
 * bench/run.ts starts this binary twice: role=server prints
 * {"ready":1,"port":P}, then role=client port=P connects and prints
 * {"ready":1}. Then, per "go" line on the client's stdin, one repetition:
 *
 *   tput   the client sends messages of `size` bytes round-robin over
 *          `streams` streams until `count` are sent or `secs` seconds have
 *          passed, then an 8-byte marker (seq = the number sent, tag
 *          0xFFFFFFFF); it reports {"rep":{"t0":ms,"n":n}} (t0: wall clock
 *          before the first send). The server checks every message and at the
 *          marker's count reports {"rep":{"t1":ms,"n":n}} (t1: the last
 *          message). The orchestrator's rate is n / (t1 - t0).
 *   rtt    the server echoes; the client pings and reports median, p99,
 *          p99.9 RTT.
 *   fanin  the client opens `assocs` sockets (ctype=0: one-to-many,
 *          ctype=1: one-to-one), one association each; reports the setup
 *          rate and its RSS per association in its ready line; per go,
 *          `msgs` messages on each association; the server counts
 *          SCTP_COMM_UP events (reports {"up":N,"rss_per_assoc":..}) and
 *          reports each round as tput's. A "close" line closes everything
 *          and exits (the orchestrator times it).
 *
 * sndbuf=/recbuf= (bytes, 0 = not set: the kernel's defaults) apply to the
 * role's sockets. A message larger than the send buffer fails with EMSGSIZE
 * in the kernel; the client then raises SO_SNDBUF to the message's size once
 * (what the library does), so the kernel-default cells at 1 MiB run.
 */
#define MARK 0xFFFFFFFFu

static double wall_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int psock(int type, long sndbuf, long rcvbuf, int assoc_events) {
  int fd = socket(AF_INET, type, IPPROTO_SCTP);
  if (fd < 0) { fail("socket: %s", strerror(errno)); return -1; }
  struct sctp_initmsg im = {.sinit_num_ostreams = 64, .sinit_max_instreams = 64};
  setsockopt(fd, IPPROTO_SCTP, SCTP_INITMSG, &im, sizeof im);
  struct sctp_event_subscribe ev;
  memset(&ev, 0, sizeof ev);
  ev.sctp_data_io_event = 1;
  ev.sctp_association_event = (uint8_t)assoc_events;
  setsockopt(fd, IPPROTO_SCTP, SCTP_EVENTS, &ev, sizeof ev);
  int one = 1;
  setsockopt(fd, IPPROTO_SCTP, SCTP_NODELAY, &one, sizeof one);
  int v;
  if (sndbuf > 0) {
    v = (int)sndbuf;
    setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &v, sizeof v);
  }
  if (rcvbuf > 0) {
    v = (int)rcvbuf;
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &v, sizeof v);
  }
  return fd;
}

/* sends one message: named (one-to-many: to srv_addr) or not (one-to-one);
 * on EMSGSIZE raises SO_SNDBUF to the message's size once */
static int psend(int fd, const uint8_t *m, size_t len, uint16_t stream,
                 int named) {
  for (int tries = 0;; tries++) {
    union {
      char buf[CMSG_SPACE(sizeof(struct sctp_sndrcvinfo))];
      struct cmsghdr align;
    } ctl;
    memset(&ctl, 0, sizeof ctl);
    struct iovec iov = {.iov_base = (void *)m, .iov_len = len};
    struct msghdr msg = {0};
    if (named) {
      msg.msg_name = &srv_addr;
      msg.msg_namelen = sizeof srv_addr;
    }
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = ctl.buf;
    msg.msg_controllen = sizeof ctl.buf;
    struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = IPPROTO_SCTP;
    c->cmsg_type = SCTP_SNDRCV;
    c->cmsg_len = CMSG_LEN(sizeof(struct sctp_sndrcvinfo));
    ((struct sctp_sndrcvinfo *)(void *)CMSG_DATA(c))->sinfo_stream = stream;
    if (sendmsg(fd, &msg, MSG_NOSIGNAL) >= 0) return 0;
    if (errno == EINTR) continue;
    if (errno == EMSGSIZE && tries == 0) {
      int v = (int)len;
      setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &v, sizeof v);
      continue;
    }
    fail("sendmsg: %s", strerror(errno));
    return -1;
  }
}

static void perr(void) {
  printf("{\"ok\":false,\"error\":\"%s\"}\n", failure);
  exit(1);
}

/* the stepped gate of a peer client: 1 for "go", 0 for "close" or EOF */
static int pgate(void) {
  char line[64];
  if (!fgets(line, sizeof line, stdin)) return 0;
  return strncmp(line, "close", 5) != 0;
}

static int srv_fd = -1;
/* fanin server: a "close" line (or EOF) on stdin closes the socket and exits */
static void *srv_closer(void *p) {
  (void)p;
  char line[64];
  while (fgets(line, sizeof line, stdin) && strncmp(line, "close", 5)) {
  }
  double t = wall_ms();
  close(srv_fd);
  printf("{\"closed_ms\":%.1f}\n", wall_ms() - t);
  fflush(stdout);
  _exit(0);
  return NULL;
}

static int peer_main(int argc, char **argv) {
  const char *w = argv[1];
  int server_role = 0;
  for (int i = 2; i < argc; i++)
    if (!strcmp(argv[i], "role=server")) server_role = 1;
  long size = arg(argc, argv, "size", 64);
  long sndbuf = arg(argc, argv, "sndbuf", 0), rcvbuf = arg(argc, argv, "recbuf", 0);
  int fanin = !strcmp(w, "fanin");
  if (size < 8 || size > MAXSZ) { fprintf(stderr, "bad size\n"); return 2; }
  if (strcmp(w, "tput") && strcmp(w, "rtt") && !fanin) {
    fprintf(stderr, "unknown workload %s\n", w);
    return 2;
  }
  uint8_t *buf = malloc(MAXSZ + 64), *sbuf = malloc(MAXSZ + 64);
  struct sctp_sndrcvinfo info;
  int up;
  if (server_role) {
    long rss0 = rss_bytes();
    int fd = psock(SOCK_SEQPACKET, sndbuf, rcvbuf, fanin);
    if (fd < 0) perr();
    struct sockaddr_in a = {.sin_family = AF_INET};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(fd, (void *)&a, sizeof a) < 0 || listen(fd, 1024) < 0) {
      fail("bind/listen: %s", strerror(errno));
      perr();
    }
    socklen_t l = sizeof a;
    getsockname(fd, (void *)&a, &l);
    printf("{\"ready\":1,\"port\":%d}\n", ntohs(a.sin_port));
    if (!strcmp(w, "rtt")) {
      for (;;) {
        ssize_t n = xrecv(fd, buf, MAXSZ + 64, &info, &up);
        if (n < 0) perr();
        if (up) continue;
        if (xsend(fd, buf, n, info.sinfo_assoc_id, info.sinfo_stream)) perr();
      }
    }
    long assocs = arg(argc, argv, "assocs", 0), msgs = arg(argc, argv, "msgs", 1);
    if (fanin) {
      srv_fd = fd;
      pthread_t th;
      pthread_create(&th, NULL, srv_closer, NULL);
    }
    long nup = 0;
    double up0 = 0;
    long ntags = fanin ? assocs : 64;
    uint32_t *next = calloc(ntags, sizeof *next);
    for (;;) { /* rounds */
      long got = 0, want = fanin ? assocs * msgs : -1;
      double t1 = 0;
      /* next[] runs on across rounds, as the clients' sequence numbers do */
      while (want < 0 || got < want) {
        ssize_t n = xrecv(fd, buf, MAXSZ + 64, &info, &up);
        if (n < 0) perr();
        if (up) {
          if (nup++ == 0) up0 = wall_ms();
          if (nup == assocs)
            printf("{\"up\":%ld,\"up_s\":%.3f,\"rss_per_assoc\":%.0f}\n", nup,
                   (wall_ms() - up0) / 1e3, (double)(rss_bytes() - rss0) / assocs);
          continue;
        }
        uint32_t seq, tag = 0;
        memcpy(&seq, buf, 4);
        if (n >= 8) memcpy(&tag, buf + 4, 4);
        if (n == 8 && tag == MARK) { want = seq; continue; }
        if (tag >= (uint32_t)ntags) { fail("bad tag %u", tag); perr(); }
        if (!fanin && info.sinfo_stream != tag) {
          fail("message of stream %u arrived on stream %u", tag, info.sinfo_stream);
          perr();
        }
        if (check(buf, n, (uint32_t)size, next[tag], tag)) perr();
        next[tag]++;
        got++;
        t1 = wall_ms();
      }
      printf("{\"rep\":{\"t1\":%.3f,\"n\":%ld}}\n", t1, got);
    }
  }
  /* client */
  long port = arg(argc, argv, "port", 0);
  srv_addr.sin_family = AF_INET;
  srv_addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  srv_addr.sin_port = htons((uint16_t)port);
  int ctype = (int)arg(argc, argv, "ctype", 0);
  long n = fanin ? arg(argc, argv, "assocs", 1) : 1;
  int *cl = malloc(n * sizeof *cl);
  long rss0 = rss_bytes();
  double t0 = wall_ms(), th = t0;
  for (long i = 0; i < n; i++) {
    if (i == n / 2) th = wall_ms();
    cl[i] = psock(ctype ? SOCK_STREAM : SOCK_SEQPACKET, sndbuf, rcvbuf, 0);
    if (cl[i] < 0) perr();
    if (connect(cl[i], (void *)&srv_addr, sizeof srv_addr) < 0) {
      fail("connect %ld: %s", i, strerror(errno));
      perr();
    }
  }
  double t2 = wall_ms(), setup = (t2 - t0) / 1e3;
  /* the second half's rate: without a runtime's warm-up (C has none) */
  if (fanin)
    printf("{\"ready\":1,\"assocs_per_s\":%.1f,\"assocs_per_s_2nd\":%.1f,"
           "\"rss_per_assoc\":%.0f}\n",
           n / setup, (n - n / 2) / ((t2 - th) / 1e3 + 1e-9),
           (double)(rss_bytes() - rss0) / n);
  else
    printf("{\"ready\":1}\n");
  if (!strcmp(w, "rtt")) {
    long count = arg(argc, argv, "count", 1000);
    long warm = count / 10 + 1;
    double *lat = malloc(count * sizeof *lat);
    uint32_t seq = 0;
    while (pgate()) {
      for (long i = 0; i < count + warm; i++) {
        fill(sbuf, (uint32_t)size, seq, 0);
        double a = now();
        if (psend(cl[0], sbuf, size, 0, 1)) perr();
        ssize_t r;
        do r = xrecv(cl[0], buf, MAXSZ + 64, &info, &up); while (r == 0 && up);
        double b = now();
        if (r < 0 || check(buf, r, (uint32_t)size, seq, 0)) perr();
        seq++;
        if (i >= warm) lat[i - warm] = (b - a) * 1e6;
      }
      qsort(lat, count, sizeof *lat, cmpd);
      printf("{\"rep\":{\"median_us\":%.1f,\"p99_us\":%.1f,\"p999_us\":%.1f}}\n",
             lat[count / 2], lat[(long)(count * 0.99)], lat[(long)(count * 0.999)]);
    }
    return 0;
  }
  long count = arg(argc, argv, "count", 1000), msgs = arg(argc, argv, "msgs", 1);
  double secs = (double)arg(argc, argv, "secs", 0);
  int streams = (int)arg(argc, argv, "streams", 1);
  uint32_t *seq = calloc(fanin ? n : 64, sizeof *seq);
  while (pgate()) {
    double start = wall_ms();
    long sent = 0;
    if (fanin) {
      for (long m = 0; m < msgs; m++)
        for (long i = 0; i < n; i++) {
          fill(sbuf, (uint32_t)size, seq[i]++, (uint32_t)i);
          if (psend(cl[i], sbuf, size, 0, !ctype)) perr();
          sent++;
        }
    } else {
      for (; sent < count; sent++) {
        if (secs > 0 && sent > 0 && wall_ms() - start > secs * 1e3) break;
        uint32_t tag = (uint32_t)(sent % streams);
        fill(sbuf, (uint32_t)size, seq[tag]++, tag);
        if (psend(cl[0], sbuf, size, (uint16_t)tag, 1)) perr();
      }
      uint32_t mk[2] = {(uint32_t)sent, MARK};
      if (psend(cl[0], (uint8_t *)mk, 8, 0, 1)) perr();
    }
    printf("{\"rep\":{\"t0\":%.3f,\"n\":%ld}}\n", start, sent);
  }
  double t = wall_ms();
  for (long i = 0; i < n; i++) close(cl[i]);
  printf("{\"closed_ms\":%.1f}\n", wall_ms() - t);
  return 0;
}
