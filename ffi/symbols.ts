/**
 * The one FFI symbol table of the C shim (`c/sctp_shim.c`). Every function
 * returns `>= 0` or `-errno`. Byte layouts of the buffers: `c/sctp_shim.h`.
 *
 * @module
 */

export const symbols = {
  /** int32_t sctp_shim_abi_version(void) */
  sctp_shim_abi_version: { parameters: [], result: "i32" },
  /** int32_t sctp_shim_probe(void) */
  sctp_shim_probe: { parameters: [], result: "i32" },
  sctp_shim_socket: {
    parameters: [
      "i32", // int32_t family (4 | 6)
      "i32", // int32_t type (0 seqpacket, 1 stream)
    ],
    result: "i32",
  },
  sctp_shim_socket_netns: {
    parameters: [
      "i32", // int32_t family
      "i32", // int32_t type
      "buffer", // const char *path (NUL-terminated)
    ],
    result: "i32",
  },
  sctp_shim_close: {
    parameters: [
      "i32", // int32_t fd
    ],
    result: "i32",
  },
  sctp_shim_bind: {
    parameters: [
      "i32", // int32_t fd
      "buffer", // const uint8_t *addrs (n x ADDRESS)
      "i32", // int32_t n
    ],
    result: "i32",
  },
  sctp_shim_bindx: {
    parameters: [
      "i32", // int32_t fd
      "buffer", // const uint8_t *addrs (n x ADDRESS)
      "i32", // int32_t n
      "i32", // int32_t add (1 add, 0 remove)
    ],
    result: "i32",
  },
  sctp_shim_listen: {
    parameters: [
      "i32", // int32_t fd
      "i32", // int32_t backlog
    ],
    result: "i32",
  },
  sctp_shim_connect: {
    parameters: [
      "i32", // int32_t fd
      "buffer", // const uint8_t *addr (ADDRESS)
    ],
    result: "i32",
  },
  sctp_shim_connectx: {
    parameters: [
      "i32", // int32_t fd
      "buffer", // const uint8_t *addrs (n x ADDRESS)
      "i32", // int32_t n
    ],
    result: "i32",
  },
  sctp_shim_peeloff: {
    parameters: [
      "i32", // int32_t fd
      "u32", // uint32_t assoc_id
    ],
    result: "i32",
  },
  sctp_shim_send: {
    parameters: [
      "i32", // int32_t fd
      "buffer", // const uint8_t *data
      "u32", // uint32_t len
      "u32", // uint32_t assoc_id
      "u32", // uint32_t stream
      "u32", // uint32_t ppid (host order)
      "u32", // uint32_t flags (unordered 1, addr_over 2, abort 4, eof 8)
      "u32", // uint32_t context
      "u32", // uint32_t ttl
    ],
    result: "i32",
  },
  sctp_shim_recv_batch: {
    parameters: [
      "i32", // int32_t fd
      "buffer", // uint8_t *buf (records out)
      "u32", // uint32_t cap
      "u32", // uint32_t maxmsgs
      "u32", // uint32_t chunk (max data bytes per read)
    ],
    result: "i32",
  },
  sctp_shim_recv_into: {
    parameters: [
      "i32", // int32_t fd
      "buffer", // uint8_t *hdr (one record header out)
      "buffer", // uint8_t *data (the message piece out)
      "u32", // uint32_t cap
    ],
    result: "i32",
  },
  sctp_shim_decode_notification: {
    parameters: [
      "buffer", // const uint8_t *raw
      "u32", // uint32_t len
      "buffer", // uint8_t *out
      "u32", // uint32_t cap
    ],
    result: "i32",
  },
  sctp_shim_setopt: {
    parameters: [
      "i32", // int32_t fd
      "i32", // int32_t opt (enum shim_opt)
      "buffer", // const uint8_t *value (slots)
      "u32", // uint32_t len
    ],
    result: "i32",
  },
  sctp_shim_getopt: {
    parameters: [
      "i32", // int32_t fd
      "i32", // int32_t opt (enum shim_opt)
      "buffer", // uint8_t *value (key slots in, all slots out)
      "u32", // uint32_t len
    ],
    result: "i32",
  },
  sctp_shim_getaddrs: {
    parameters: [
      "i32", // int32_t fd
      "u32", // uint32_t assoc_id
      "i32", // int32_t peer (1 peer, 0 local)
      "buffer", // uint8_t *out (max x ADDRESS)
      "u32", // uint32_t max
    ],
    result: "i32",
  },
  sctp_shim_sockname: {
    parameters: [
      "i32", // int32_t fd
      "buffer", // uint8_t *out (ADDRESS)
    ],
    result: "i32",
  },
  sctp_shim_pipe: {
    parameters: [
      "buffer", // int32_t *out2 ({read fd, write fd})
    ],
    result: "i32",
  },
  sctp_shim_wake: {
    parameters: [
      "i32", // int32_t fd
    ],
    result: "i32",
  },
  sctp_shim_drain: {
    parameters: [
      "i32", // int32_t fd
    ],
    result: "i32",
  },
  /** int32_t sctp_shim_rq_create(void) */
  sctp_shim_rq_create: { parameters: [], result: "i32" },
  sctp_shim_rq_arm: {
    parameters: [
      "i32", // int32_t q (readiness queue fd)
      "i32", // int32_t fd
      "i32", // int32_t events (SHIM_POLL_IN|OUT; 256 = persistent watch)
      "i32", // int32_t op (0 add, 1 arm, 2 delete)
    ],
    result: "i32",
  },
  sctp_shim_rq_wait: {
    parameters: [
      "i32", // int32_t q
      "buffer", // uint8_t *out (max x {i32 fd, u16 revents, u16 0})
      "i32", // int32_t max
      "i32", // int32_t timeout_ms
    ],
    result: "i32",
  },
  sctp_shim_errname: {
    parameters: [
      "i32", // int32_t e (errno)
      "buffer", // uint8_t *out
      "u32", // uint32_t cap
    ],
    result: "i32",
  },
} as const satisfies Deno.ForeignLibraryInterface;

type Arg<T> = T extends "buffer" ? ArrayBufferView | null : number;
type Args<P extends readonly unknown[]> = {
  -readonly [I in keyof P]: Arg<P[I]>;
};

/** The functions of the shim, typed the same for Deno and Bun. */
export type Shim = {
  [K in keyof typeof symbols]: (
    ...args: Args<typeof symbols[K]["parameters"]>
  ) => number;
};
