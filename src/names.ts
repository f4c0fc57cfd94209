/**
 * Socket names: the local port, and the local or peer addresses of an
 * endpoint or association (gen_sctp's inet:port, socknames, peernames).
 *
 * @module
 */
import { ADDR_SIZE, readAddr } from "./addr.ts";
import { check } from "./errors.ts";
import * as L from "./layout.ts";
import { lib } from "./lib.ts";

/** The local port of `fd`. */
export function localPort(fd: number): number {
  const b = new Uint8Array(ADDR_SIZE);
  check(lib.sctp_shim_sockname(fd, b), "port");
  return new DataView(b.buffer).getUint16(L.ADDR_PORT, true);
}

/**
 * The local (or with `peer`, the peer's) addresses of association `id` of
 * `fd`, or of the endpoint when `id` is 0.
 */
export function addrsOf(
  fd: number,
  id: number,
  peer: boolean,
  what: string,
): { addr: string; port: number }[] {
  let max = 16;
  for (;;) {
    const b = new Uint8Array(max * ADDR_SIZE);
    const n = check(lib.sctp_shim_getaddrs(fd, id, peer ? 1 : 0, b, max), what);
    if (n > max) {
      max = n; // more than there was room for: again, with room
      continue;
    }
    const dv = new DataView(b.buffer);
    const out: { addr: string; port: number }[] = [];
    for (let i = 0; i < n; i++) {
      const a = readAddr(dv, i * ADDR_SIZE);
      if (a) out.push({ addr: a.addr, port: a.port });
    }
    return out;
  }
}
