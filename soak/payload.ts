/**
 * The soak's message contents: every message's size and bytes follow from
 * (seed, direction, stream, class, seq) alone, so a receiver that knows those
 * (the stream from its sndrcvinfo, the class and seq from its ppid) rebuilds
 * the expected message and compares it byte for byte.
 *
 * ppid = class << 31 | seq (class 1 = unordered); two ppids are control
 * messages (END, DONE: see peer.ts).
 *
 * @module
 */

/** Largest message size (64 KiB). */
export const MAX_SIZE = 65536;
/** ppid bit marking an unordered message. */
export const UNORDERED_BIT = 0x80000000;
/** ppid of the END message (JSON of the sender's counts, stream 0, ordered). */
export const PPID_END = 0x7fffffff;
/** ppid of the DONE message (empty-ish: one byte, stream 0, ordered). */
export const PPID_DONE = 0x7ffffffe;
/** Sequence numbers stay below the control ppids. */
export const MAX_SEQ = 0x7ffffff0;

/** murmur3's 32-bit finalizer. */
function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A 32-bit hash of small integers (order matters). */
export function mix(...xs: number[]): number {
  let h = 0x9e3779b9;
  for (const x of xs) h = fmix((h ^ (x >>> 0)) + 0x7f4a7c15);
  return h;
}

/** Identity of one message. */
export interface MsgKey {
  seed: number;
  /** 0: client -> server, 1: server -> client. */
  dir: number;
  stream: number;
  /** 0: ordered, 1: unordered. */
  cls: number;
  seq: number;
}

const key = (k: MsgKey, salt: number) =>
  mix(k.seed, k.dir, k.stream, k.cls, k.seq, salt);

/**
 * Size distribution: "log" (default) log-uniform in 1..65536, many small
 * and some 64 KiB (mean ~6 KB); "uniform" uniform in 1..65536 (mean 32 KiB).
 */
export type SizeDist = "log" | "uniform";

/** Size of message `k` under `dist`. */
export function sizeOf(k: MsgKey, dist: SizeDist = "log"): number {
  const u = key(k, 1) / 0x100000000;
  if (dist === "uniform") return 1 + Math.floor(u * MAX_SIZE);
  return Math.min(MAX_SIZE, Math.max(1, Math.floor(2 ** (u * 16.05))));
}

/**
 * Writes message `k`'s bytes into `buf` (at least MAX_SIZE + 4 bytes, 4-byte
 * aligned) and returns the view of its sizeOf(k, dist) bytes.
 */
export function fillMsg(
  k: MsgKey,
  buf: Uint8Array,
  dist: SizeDist = "log",
): Uint8Array {
  const n = sizeOf(k, dist);
  const words = new Uint32Array(buf.buffer, buf.byteOffset, (n + 3) >>> 2);
  let x = key(k, 2) | 1; // xorshift32 state, never 0
  for (let i = 0; i < words.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    words[i] = x;
  }
  return buf.subarray(0, n);
}

/** A scratch buffer fillMsg can write any message into. */
export const newMsgBuffer = (): Uint8Array => new Uint8Array(MAX_SIZE + 4);

/** ppid of data message `k`. */
export const ppidOf = (k: MsgKey): number =>
  ((k.cls ? UNORDERED_BIT : 0) | k.seq) >>> 0;
