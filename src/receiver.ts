/**
 * The receive engine of one socket: reads from the kernel (batches of
 * records through `sctp_shim_recv_batch`, or, while messages are large, one
 * message at a time straight into a buffer through `sctp_shim_recv_into`),
 * joins the pieces of messages the kernel delivers in parts, and parses
 * records into messages and events. It returns items through its host and
 * knows nothing of promises, waiters or the poller: a fake shim object can
 * drive it in a unit test.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import { readAddr, type SockAddr } from "./addr.ts";
import { errnoName } from "./errors.ts";
import { decodeNotification, isErrorEvent } from "./events.ts";
import * as L from "./layout.ts";
import { lib } from "./lib.ts";
import type { SctpMessage } from "./records.ts";
import { rfc6458Anc } from "./rfc6458_info.ts";
import { readSri } from "./sndrcvinfo.ts";

/** A received message or event; `error` for the error-class events. */
export interface Received {
  msg: SctpMessage;
  error: boolean;
}

/** The outcome of one read: "ok", "eagain" (nothing to read) or a reason. */
export type ReadResult = "ok" | "eagain" | string;

/** The two shim functions the receiver calls (the real shim, or a fake). */
export interface ReceiverShim {
  sctp_shim_recv_batch(
    fd: number,
    buf: Uint8Array,
    cap: number,
    maxmsgs: number,
    chunk: number,
  ): number;
  sctp_shim_recv_into(
    fd: number,
    hdr: Uint8Array,
    data: Uint8Array,
    cap: number,
  ): number;
}

/** The socket's settings the receiver reads (they may change). */
export interface ReceiverSettings {
  /** gen_sctp's `mode`: data as bytes or as a list of numbers. */
  readonly mode: "binary" | "list";
  /** gen_sctp's `buffer`: the largest piece read at once. */
  readonly buffer: number;
}

/** What the receiver hands to its socket. */
export interface ReceiverHost {
  /** Takes a received item. */
  emit(item: Received): void;
  /**
   * The caller detached the `into` that held the first pieces of a message:
   * the message is lost (the rest of it is skipped); the recv that owns
   * `into` should fail.
   */
  intoLost(into: Uint8Array): void;
}

/** Messages a batch read takes at most. */
export const BATCH_MSGS = 64;
/**
 * Messages (pieces) of at least LARGE bytes are read one by one straight
 * into their own buffer while they keep coming: copying them out of the
 * shared batch buffer cost as much as the kernel's receive (64 KiB).
 */
export const LARGE = 16384;

// The process's receive memory, shared by every socket (reads are
// synchronous and copied out before the next): room for a batch of 64 slots
// of up to LARGE bytes, and the header of a direct read.
const recvBuf = new Uint8Array(BATCH_MSGS * (LARGE + L.REC_HDR));
const recvDv = new DataView(recvBuf.buffer);
const hdrBuf = new Uint8Array(L.REC_HDR);
const hdrDv = new DataView(hdrBuf.buffer);
/** An unused large-read buffer (its read found nothing), for the next. */
let spare: Uint8Array | null = null;

/**
 * A copy of `recvBuf[start, start+len)` in an ArrayBuffer of its own. Every
 * received message owns its whole buffer: no pool shared between messages
 * (or sockets), so `m.data.buffer` holds that message's bytes and nothing
 * else, and transferring it to a Worker cannot touch another message. (A
 * shared slab, as Node pools small Buffers, was ~0.2-0.5 µs cheaper per
 * message natively; see the README's note on received buffers.)
 */
const copyOut = (start: number, len: number): Uint8Array =>
  recvBuf.slice(start, start + len);

/**
 * A buffer of `n` bytes that owns its whole ArrayBuffer, not zero-filled
 * first where the runtime allows (Bun's allocUnsafeSlow: half the cost of a
 * zeroed Uint8Array at 64 KiB); the caller overwrites or zeroes every byte.
 */
function ownBuffer(n: number): Uint8Array {
  const b = Buffer.allocUnsafeSlow(n);
  return b.byteOffset === 0 && b.buffer.byteLength === n
    ? new Uint8Array(b.buffer, 0, n)
    : new Uint8Array(n);
}

/**
 * Whose message a data record is a piece of: association id * 2^16 +
 * stream, from its sndrcvinfo or rcvinfo; -1 when it has neither.
 */
function pieceKey(dv: DataView, off: number, flags: number): number {
  if (!(flags & (L.RF_SNDRCV | L.RF_RCVINFO))) return -1;
  return dv.getUint32(off + L.REC_SRI + L.SRI_ASSOC_ID, true) * 65536 +
    dv.getUint32(off + L.REC_SRI + L.SRI_STREAM, true);
}

/** Whether an ArrayBuffer was detached (transferred): it has no bytes. */
export const isDetached = (b: ArrayBufferLike): boolean =>
  (b as { detached?: boolean }).detached === true;

/** See the module doc. */
export class Receiver {
  #fd: number;
  #set: ReceiverSettings;
  #host: ReceiverHost;
  #shim: ReceiverShim;
  /** Pieces of a message (or notification) received so far. */
  #partial: Uint8Array[] = [];
  #partialLen = 0;
  #partialNotif = false;
  /**
   * Whose pieces #partial holds: association id * 2^16 + stream, or -1
   * (unknown: no sndrcvinfo/rcvinfo). With `sctp_fragment_interleave` 1 or
   * 2 the kernel interleaves pieces of messages of other associations or
   * streams: the pieces of the others wait in #stash by key.
   */
  #partialKey = -1;
  #stash: Map<number, { pieces: Uint8Array[]; len: number }> | null = null;
  /** Whose message #pend holds (as #partialKey). */
  #pendKey = -1;
  /** Size of the last data message when it was LARGE or more (the next
   * one is read directly into a buffer of this size), else 0. */
  #largeLen = 0;
  /** A data message being read piece by piece straight into this buffer
   * (its first #pendLen bytes so far): the caller's `into`, or one of its
   * own (#pendMine). */
  #pend: Uint8Array | null = null;
  #pendLen = 0;
  #pendMine = false;
  /** The rest of a data message whose first pieces were lost (the caller
   * detached its `into` under them) is dropped up to its end. */
  #skipRest = false;
  #lastFrom: SockAddr | null = null;
  /** The last sender's address bytes (six words; made on first use). */
  #lastKey: number[] | null = null;
  /** IPv4 senders seen recently, by port * 2^32 + address (many peers). */
  #from4: Map<number, SockAddr> | null = null;

  constructor(
    fd: number,
    settings: ReceiverSettings,
    host: ReceiverHost,
    shim: ReceiverShim = lib,
  ) {
    this.#fd = fd;
    this.#set = settings;
    this.#host = host;
    this.#shim = shim;
  }

  /**
   * One read: a batch into the shared buffer, whose records are parsed and
   * emitted, or, while messages are large, one message (or its next piece)
   * straight into `into` or a buffer of its own (#readDirect).
   */
  read(into?: Uint8Array): ReadResult {
    if (this.#pend !== null && this.#intoDetached()) return "ok";
    const chunk = Math.max(this.#set.buffer, 1);
    const direct = this.#largeLen !== 0 && chunk >= LARGE;
    // the pieces of a message pending in the caller's `into` move out when
    // this read does not go there
    if (
      this.#pend !== null &&
      (!direct || (!this.#pendMine && this.#pend !== into))
    ) this.#spill();
    if (direct) {
      // into: when the last large message would have fitted
      return this.#readDirect(
        into && into.length >= this.#largeLen ? into : undefined,
        chunk,
      );
    }
    // batch slots of at most LARGE bytes: a `buffer` (or recbuf) of 1 MiB
    // must not make each recvmmsg slot 1 MiB, one message per syscall; a
    // larger message arrives in pieces and switches to direct reads
    const n = this.#shim.sctp_shim_recv_batch(
      this.#fd,
      recvBuf,
      recvBuf.length,
      BATCH_MSGS,
      Math.min(chunk, LARGE),
    );
    if (n < 0) return errnoName(n);
    for (let off = 0; off < n; off += recvDv.getUint32(off + L.REC_LEN, true)) {
      this.#record(recvDv, off, null);
    }
    return "ok";
  }

  /**
   * The recv that passed `into` ended: pieces of a message it holds move
   * out (copied), so that the caller may write to it.
   */
  release(into: Uint8Array): void {
    if (this.#pend === into) this.#spill();
  }

  /** Drops everything held (the socket closed). */
  reset(): void {
    this.#partial = [];
    this.#partialLen = 0;
    this.#stash = null;
    this.#pend = null;
    this.#pendLen = 0;
  }

  /**
   * Large-message reads: one message straight into `into` (the caller's)
   * or into a buffer of its own, sized for the last large message. A
   * message delivered in pieces (the kernel's partial delivery, when the
   * receive buffer fills) is read piece after piece into the same buffer
   * while it fits; a bigger one continues in #partial.
   */
  #readDirect(into: Uint8Array | undefined, chunk: number): ReadResult {
    let buf = this.#pend, at = this.#pendLen, mine = this.#pendMine;
    if (buf !== null && at >= buf.length) {
      this.#spill(); // full: a message larger than its buffer
      buf = null;
    }
    let fresh = false;
    if (buf === null) {
      at = 0;
      mine = into === undefined;
      if (into) buf = into;
      else {
        const size = Math.min(chunk, this.#largeLen);
        // the buffer of a read that found nothing serves the next one: a
        // wait (each spin included) would otherwise allocate one for nothing
        buf = spare?.length === size ? spare : ownBuffer(size);
        spare = null;
        fresh = true;
      }
    }
    const n = this.#shim.sctp_shim_recv_into(
      this.#fd,
      hdrBuf,
      at === 0 ? buf : buf.subarray(at),
      Math.min(chunk, buf.length - at),
    );
    if (n < 0) {
      if (fresh) spare = buf;
      return errnoName(n);
    }
    const flags = hdrDv.getUint32(L.REC_FLAGS, true);
    if (flags & L.RF_NOTIFICATION) {
      // (amid a message only sctp_pdapi_event, which ends it: its pieces
      // go to #partial, where #record drops them)
      if (this.#pend !== null) this.#spill();
      this.#record(hdrDv, 0, buf.slice(at, at + n));
      if (fresh) spare = buf;
      return "ok";
    }
    const key = pieceKey(hdrDv, 0, flags);
    if (
      key !== -1 &&
      (this.#pend !== null
        ? key !== this.#pendKey
        : this.#stash?.has(key) === true ||
          (this.#partialKey === key && this.#partial.length > 0))
    ) {
      // a piece of another message than the one in #pend, or the next
      // piece of one waiting in #partial/#stash (fragment interleave)
      this.#record(hdrDv, 0, buf.slice(at, at + n));
      if (fresh) spare = buf;
      return "ok";
    }
    const total = at + n;
    if (!(flags & L.RF_EOR)) {
      this.#pend = buf;
      this.#pendLen = total;
      this.#pendMine = mine;
      this.#pendKey = key;
      return "ok";
    }
    this.#pend = null;
    this.#pendLen = 0;
    let data: Uint8Array;
    if (!mine || total >= buf.length / 2) {
      // no stale heap bytes behind `.buffer` of a buffer of our own
      if (mine && total < buf.length) buf.fill(0, total);
      data = buf.subarray(0, total);
    } else {
      data = buf.slice(0, total); // need not keep the whole buffer alive
      spare = buf; // not handed out: its bytes are overwritten next time
    }
    hdrDv.setUint32(L.REC_DATALEN, total, true); // the whole message's
    this.#record(hdrDv, 0, data);
    return "ok";
  }

  /**
   * Whether the caller detached (transferred) the `into` that holds the
   * first pieces of a message: those bytes are gone, so the message is
   * lost. Its pieces are dropped, the rest of it skipped, and the host told
   * (never a crash or a hang).
   */
  #intoDetached(): boolean {
    const p = this.#pend;
    if (p === null || this.#pendMine || !isDetached(p.buffer)) return false;
    this.#pend = null;
    this.#pendLen = 0;
    this.#skipRest = true;
    this.#host.intoLost(p);
    return true;
  }

  /** Moves the pending pieces (#pend) to #partial: copied out of `into`. */
  #spill(): void {
    if (this.#intoDetached()) return;
    const p = this.#pend!, len = this.#pendLen;
    this.#switchTo(this.#pendKey);
    this.#partial.push(this.#pendMine ? p.subarray(0, len) : p.slice(0, len));
    this.#partialLen += len;
    this.#partialNotif = false;
    this.#pend = null;
    this.#pendLen = 0;
  }

  /**
   * Parses the record whose header is at `off` in `dv` and emits it; its
   * data follows the header in the shared buffer, or is `own` (a buffer the
   * message may keep).
   */
  #record(dv: DataView, off: number, own: Uint8Array | null): void {
    const flags = dv.getUint32(off + L.REC_FLAGS, true);
    const dlen = dv.getUint32(off + L.REC_DATALEN, true);
    const start = off + L.REC_HDR;
    const notif = (flags & L.RF_NOTIFICATION) !== 0;
    if (this.#skipRest && !notif) {
      if (flags & L.RF_EOR) this.#skipRest = false;
      this.#partial = [];
      this.#partialLen = 0;
      return;
    }
    if (!notif) {
      const key = pieceKey(dv, off, flags);
      if (key !== -1 && key !== this.#partialKey) this.#switchTo(key);
      const whole = this.#partialLen + dlen;
      this.#largeLen = whole < LARGE
        ? 0
        : flags & L.RF_EOR
        ? (whole + 7) & ~7
        : this.#largeLen || LARGE;
    }
    if (this.#partial.length > 0 && notif !== this.#partialNotif) {
      if (notif && this.#partialKey !== -1) {
        // a message's pieces whose association and stream are known wait
        // aside; a partial delivery abort drops them (below)
        this.#switchTo(-1);
      } else {
        // a notification after part of a message (sctp_pdapi_event:
        // partial delivery aborted) ends that message: its pieces are
        // dropped
        this.#partial = [];
        this.#partialLen = 0;
      }
    }
    if (!(flags & L.RF_EOR)) {
      this.#partialNotif = notif;
      this.#partial.push(own ?? recvBuf.slice(start, start + dlen));
      this.#partialLen += dlen;
      return;
    }
    let bytes: Uint8Array;
    if (this.#partial.length > 0) {
      bytes = new Uint8Array(this.#partialLen + dlen);
      let o = 0;
      for (const p of this.#partial) {
        bytes.set(p, o);
        o += p.length;
      }
      bytes.set(own ?? recvBuf.subarray(start, start + dlen), o);
      this.#partial = [];
      this.#partialLen = 0;
    } else {
      bytes = own ?? copyOut(start, dlen);
    }
    // (the sender cache serves data: an idle socket that only got
    // notifications keeps no address)
    const from = notif
      ? readAddr(dv, off + L.REC_FROM)
      : this.#from(dv, off + L.REC_FROM);
    const anc: SctpMessage["ancData"] = flags & L.RF_SNDRCV
      ? [readSri(dv, off + L.REC_SRI)]
      : [];
    if (flags & L.RF_TOS) {
      anc.push({ type: "tos", value: dv.getInt32(off + L.REC_TOS, true) });
    }
    if (flags & L.RF_TTL) {
      anc.push({ type: "ttl", value: dv.getInt32(off + L.REC_TTL, true) });
    }
    if (flags & L.RF_TCLASS) {
      anc.push({
        type: "tclass",
        value: dv.getInt32(off + L.REC_TCLASS, true),
      });
    }
    if (flags & (L.RF_RCVINFO | L.RF_NXTINFO)) rfc6458Anc(anc, dv, off, flags);
    let data: SctpMessage["data"];
    let error = false;
    if (notif) {
      const ev = decodeNotification(bytes);
      error = isErrorEvent(ev);
      // pieces of a message that will not complete: partial delivery
      // aborted, or the association gone
      if (
        ev.type === "sctp_pdapi_event" ||
        (ev.type === "sctp_assoc_change" && ev.state !== "comm_up")
      ) this.#dropPieces(ev.assoc_id);
      data = ev;
    } else {
      data = this.#set.mode === "list" ? Array.from(bytes) : bytes;
    }
    this.#host.emit({
      msg: {
        fromIp: from ? from.addr : "",
        fromPort: from ? from.port : 0,
        ancData: anc,
        data,
      },
      error,
    });
  }

  /** Makes #partial hold the pieces of `key` (stashing the current ones). */
  #switchTo(key: number): void {
    if (key === this.#partialKey) return;
    if (this.#partial.length === 0 && !this.#stash?.size) {
      this.#partialKey = key; // the common case: nothing held
      return;
    }
    if (this.#partial.length > 0) {
      (this.#stash ??= new Map()).set(this.#partialKey, {
        pieces: this.#partial,
        len: this.#partialLen,
      });
    }
    const s = this.#stash?.get(key);
    this.#stash?.delete(key);
    this.#partial = s?.pieces ?? [];
    this.#partialLen = s?.len ?? 0;
    this.#partialNotif = false;
    this.#partialKey = key;
  }

  /** Partial delivery of a message of `assoc` was aborted: its pieces go. */
  #dropPieces(assoc: number): void {
    const stash = this.#stash;
    for (const k of stash ? [...stash.keys()] : []) {
      if (Math.floor(k / 65536) === assoc) stash!.delete(k);
    }
    if (Math.floor(this.#partialKey / 65536) === assoc) {
      this.#partial = [];
      this.#partialLen = 0;
    }
  }

  /**
   * The sender's address: the last one when the bytes repeat, a known IPv4
   * peer from a small map (a server with many associations), else decoded.
   */
  #from(dv: DataView, off: number): SockAddr | null {
    const k = this.#lastKey ??= [0, 0, 0, 0, 0, 0];
    let same = this.#lastFrom !== null;
    for (let i = 0; i < 6; i++) {
      const w = dv.getUint32(off + i * 4, true);
      if (k[i] !== w) {
        same = false;
        k[i] = w;
      }
    }
    if (same) return this.#lastFrom;
    // word 0: family | port << 16; word 2: the IPv4 address
    const fam = k[0] & 0xffff;
    // (the first sender is decoded: a socket with one peer needs no map)
    if (fam === L.AF_INET && this.#lastFrom !== null) {
      const key = (k[0] >>> 16) * 0x100000000 + k[L.ADDR_BYTES / 4];
      const m = this.#from4 ??= new Map();
      let a = m.get(key);
      if (a === undefined) {
        a = readAddr(dv, off)!;
        if (m.size >= 4096) m.clear();
        m.set(key, a);
      }
      return this.#lastFrom = a;
    }
    return this.#lastFrom = readAddr(dv, off);
  }
}
