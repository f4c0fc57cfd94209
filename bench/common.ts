/**
 * What bench.ts (server side, main thread) and client.ts (client side, a
 * Worker) share: the message format, its checks and the socket options.
 *
 * Message: u32 LE seq, u32 LE tag (stream or client index), then size-8
 * bytes of the pattern P[i] = (i*131+17) & 255 from offset (seq+tag) & 255.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import {
  open,
  type RecvOptions,
  type SctpMessage,
  type SctpSocket,
} from "../mod.ts";

export const MAXSZ = 1 << 20; // the largest message (the matrix's 1 MiB)
const P = new Uint8Array(MAXSZ + 256);
for (let i = 0; i < P.length; i++) P[i] = (i * 131 + 17) & 255;
const PB = Buffer.from(P.buffer, P.byteOffset, P.byteLength);

/** A wrong, lost or reordered message. */
export class BenchFailure extends Error {}

/** Socket options used by every implementation of the suite. */
export const SOCK_OPTS = {
  sctp_nodelay: true,
  recbuf: 1 << 20,
  sndbuf: 1 << 20,
  sctp_initmsg: { num_ostreams: 64, max_instreams: 64 },
};

/** The busy_poll option when a run sets one (else the library's default). */
export const busyOpt = (us?: number): { busy_poll?: number } =>
  us === undefined ? {} : { busy_poll: us };

/** Writes message `seq` of `tag` into `m` (its length is the size). */
export function fill(
  m: Uint8Array,
  dv: DataView,
  seq: number,
  tag: number,
): void {
  dv.setUint32(0, seq, true);
  dv.setUint32(4, tag, true);
  const off = (seq + tag) & 255;
  m.set(P.subarray(off, off + m.length - 8), 8);
}

/** Throws a BenchFailure unless `d` is message `seq` of `tag`, intact. */
export function check(
  d: Uint8Array,
  size: number,
  seq: number,
  tag: number,
): void {
  if (d.length !== size) {
    throw new BenchFailure(`length ${d.length}, expected ${size}`);
  }
  const dv = new DataView(d.buffer, d.byteOffset, d.byteLength);
  const s = dv.getUint32(0, true), t = dv.getUint32(4, true);
  if (t !== tag) throw new BenchFailure(`tag ${t}, expected ${tag}`);
  if (s !== seq) {
    throw new BenchFailure(`tag ${tag}: seq ${s}, expected ${seq}`);
  }
  const off = (seq + tag) & 255;
  const body = Buffer.from(d.buffer, d.byteOffset + 8, size - 8);
  if (!body.equals(PB.subarray(off, off + size - 8))) {
    throw new BenchFailure(`tag ${tag} seq ${seq}: corrupt payload`);
  }
}

/** `recv` options of recvData: `into` reuses one buffer (RecvOptions.into:
 * each message's data may alias it until the next call). */
export const recvOpts = (into?: Uint8Array): number | RecvOptions =>
  into ? { timeout: 60000, into } : 60000;

/** Receives the next data message (skipping events). */
export async function recvData(
  s: SctpSocket,
  opts: number | RecvOptions = 60000,
): Promise<SctpMessage> {
  for (;;) {
    const m = await s.recv(opts);
    if (m.data instanceof Uint8Array) return m;
  }
}

/** Wall-clock milliseconds comparable across threads. */
export const now = (): number => performance.timeOrigin + performance.now();

export { open };
