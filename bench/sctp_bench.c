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

#define MAXSZ 65536
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

/* receive one whole data message (skipping notifications) into buf */
static ssize_t xrecv(int fd, uint8_t *buf, size_t cap,
                     struct sctp_sndrcvinfo *info) {
  size_t got = 0;
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
    ssize_t n = xrecv(x->fd, x->buf, MAXSZ + 64, &info);
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
    ssize_t n = xrecv(e->fd, e->buf, MAXSZ + 64, &info);
    if (n < 0) break;
    if (xsend(e->fd, e->buf, n, info.sinfo_assoc_id, info.sinfo_stream)) break;
  }
  return NULL;
}

int main(int argc, char **argv) {
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
        ssize_t n = xrecv(cl, rbuf, MAXSZ + 64, &info);
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
