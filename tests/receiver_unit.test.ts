// The receive engine (src/receiver.ts) driven by a fake shim instead of the
// kernel: the fake writes records in the shim's layout (layout.ts) from a
// queue of messages and notifications, in pieces of at most `buffer` bytes,
// batches cut at random points. A seeded property test: every message whole,
// byte for byte, in order, for every `buffer` value and read pattern
// (batches, direct reads, `into` of any size, list mode). The seed is in
// every failure message; SCTP_PROP_SEED / SCTP_PROP_CASES override.
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import process from "node:process";
import { describe, it } from "node:test";
import * as L from "../src/layout.ts";
import {
  LARGE,
  type Received,
  Receiver,
  type ReceiverShim,
} from "../src/receiver.ts";
import { prng } from "./helpers.ts";

const EAGAIN = -11;

/** Message `i` of `n` bytes on `stream`. */
function body(n: number, i: number, stream: number): Uint8Array {
  // a 251-byte period (prime: no alignment with pieces or slots), tiled
  const b = new Uint8Array(n);
  const p = Math.min(n, 251);
  for (let k = 0; k < p; k++) b[k] = (k * 13 + i * 7 + stream * 31 + 1) & 255;
  for (let f = p; f < n; f *= 2) b.copyWithin(f, 0, Math.min(f, n - f));
  if (n > 4) b[n - 1] ^= i + 1; // the end differs per message too
  return b;
}

/** A kernel SCTP_ASSOC_CHANGE notification (struct sctp_assoc_change). */
function assocChange(id: number): Uint8Array {
  const b = new Uint8Array(20);
  const dv = new DataView(b.buffer);
  dv.setUint16(0, 0x8001, true); // SCTP_ASSOC_CHANGE
  dv.setUint32(4, 20, true); // sac_length
  dv.setUint16(8, 0, true); // SCTP_COMM_UP
  dv.setUint16(12, 10, true); // outbound streams
  dv.setUint16(14, 10, true); // inbound streams
  dv.setInt32(16, id, true); // sac_assoc_id
  return b;
}

/** A kernel SCTP_PARTIAL_DELIVERY_EVENT (partial delivery aborted). */
function pdapiAborted(id: number, stream: number): Uint8Array {
  const b = new Uint8Array(24);
  const dv = new DataView(b.buffer);
  dv.setUint16(0, 0x8006, true); // SCTP_PARTIAL_DELIVERY_EVENT
  dv.setUint32(4, 24, true); // pdapi_length
  dv.setUint32(8, 0, true); // SCTP_PARTIAL_DELIVERY_ABORTED
  dv.setInt32(12, id, true); // pdapi_assoc_id
  dv.setUint32(16, stream, true);
  return b;
}

interface Queued {
  bytes: Uint8Array;
  notif: boolean;
  stream: number;
  /** bytes already delivered */
  at: number;
}

/**
 * A fake of the two receive calls over a queue: pieces of at most `chunk`
 * (batch) or `cap` (into) bytes; each batch ends after a random number of
 * records; `avail` limits what has "arrived" so far (the rest: EAGAIN).
 */
class FakeKernel implements ReceiverShim {
  queue: Queued[] = [];
  avail = Infinity;
  calls = 0;
  /**
   * Pieces of messages on different streams interleave, as the kernel's
   * with sctp_fragment_interleave 2 (in order within a stream).
   */
  interleave = false;
  constructor(private rnd: () => number) {}

  /** The queue index of the message the next piece comes from. */
  #next(): number {
    if (!this.interleave || this.queue[0].notif || this.rnd() < 0.5) return 0;
    const seen = new Set<number>();
    const heads: number[] = [];
    for (let i = 0; i < this.queue.length && heads.length < 4; i++) {
      const q = this.queue[i];
      if (q.notif) break; // notifications keep their place
      if (!seen.has(q.stream)) heads.push(i);
      seen.add(q.stream);
    }
    return heads[Math.floor(this.rnd() * heads.length)] ?? 0;
  }

  push(bytes: Uint8Array, notif: boolean, stream: number): void {
    this.queue.push({ bytes, notif, stream, at: 0 });
  }

  /** Writes one piece's header at `hdr[off..]`, its data at `data`. */
  #piece(
    hdrDv: DataView,
    off: number,
    data: Uint8Array,
    room: number,
  ): number {
    const qi = this.#next();
    const q = this.queue[qi];
    const n = Math.min(room, q.bytes.length - q.at);
    data.set(q.bytes.subarray(q.at, q.at + n));
    q.at += n;
    const eor = q.at === q.bytes.length;
    if (eor) this.queue.splice(qi, 1);
    for (let k = 0; k < L.REC_HDR; k += 4) hdrDv.setUint32(off + k, 0, true);
    let flags = eor ? L.RF_EOR : 0;
    if (q.notif) flags |= L.RF_NOTIFICATION;
    else {
      flags |= L.RF_SNDRCV;
      hdrDv.setUint32(off + L.REC_SRI + L.SRI_STREAM, q.stream, true);
      hdrDv.setUint32(off + L.REC_SRI + L.SRI_ASSOC_ID, 7, true);
    }
    hdrDv.setUint32(off + L.REC_FLAGS, flags, true);
    hdrDv.setUint16(off + L.REC_FROM + L.ADDR_FAMILY, L.AF_INET, true);
    hdrDv.setUint16(off + L.REC_FROM + L.ADDR_PORT, 3868, true);
    hdrDv.setUint8(off + L.REC_FROM + L.ADDR_BYTES, 192);
    hdrDv.setUint8(off + L.REC_FROM + L.ADDR_BYTES + 1, 0);
    hdrDv.setUint8(off + L.REC_FROM + L.ADDR_BYTES + 2, 2);
    hdrDv.setUint8(off + L.REC_FROM + L.ADDR_BYTES + 3, 1);
    hdrDv.setUint32(off + L.REC_DATALEN, n, true);
    hdrDv.setUint32(off + L.REC_LEN, (L.REC_HDR + n + 7) & ~7, true);
    return n;
  }

  #ready(): boolean {
    return this.queue.length > 0 && this.avail > 0;
  }

  sctp_shim_recv_batch(
    _fd: number,
    buf: Uint8Array,
    cap: number,
    maxmsgs: number,
    chunk: number,
  ): number {
    this.calls++;
    if (!this.#ready()) return EAGAIN;
    const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    const limit = 1 + Math.floor(this.rnd() * maxmsgs);
    let used = 0, got = 0;
    while (got < limit && this.#ready()) {
      const room = Math.min(chunk, cap - used - L.REC_HDR);
      if (room <= 0 || (got > 0 && room < chunk && room < 4096)) break;
      const data = buf.subarray(used + L.REC_HDR);
      const n = this.#piece(dv, used, data, room);
      used += (L.REC_HDR + n + 7) & ~7;
      got++;
      this.avail--;
    }
    return used;
  }

  sctp_shim_recv_into(
    _fd: number,
    hdr: Uint8Array,
    data: Uint8Array,
    cap: number,
  ): number {
    this.calls++;
    if (!this.#ready()) return EAGAIN;
    this.avail--;
    const dv = new DataView(hdr.buffer, hdr.byteOffset, hdr.byteLength);
    return this.#piece(dv, 0, data, Math.min(cap, data.length));
  }
}

const BUFFERS = [1, 7, 9, 1001, 4097, 16377, 16384, 65536, 262144];

function size(rnd: () => number): number {
  const r = rnd();
  if (r < 0.5) return 1 + Math.floor(rnd() * 200);
  if (r < 0.8) return 1000 + Math.floor(rnd() * 20000);
  if (r < 0.95) return LARGE + Math.floor(rnd() * 70000);
  return 100000 + Math.floor(rnd() * 162144);
}

/** One case; returns a description for failure messages. */
function runCase(seed: number, interleave = false): void {
  const rnd = prng(seed);
  const buffer = rnd() < 0.6
    ? BUFFERS[Math.floor(rnd() * BUFFERS.length)]
    : 1 + Math.floor(rnd() * 70000);
  const mode: "binary" | "list" = rnd() < 0.15 ? "list" : "binary";
  const useInto = rnd() < 0.5;
  const intoSize = [1, 100, 16384, 65536, 300000][Math.floor(rnd() * 5)];
  const what = `seed ${seed} (buffer ${buffer}, ${mode}, into ${
    useInto ? intoSize : "no"
  })`;
  const fake = new FakeKernel(rnd);
  fake.interleave = interleave;
  const got: Received[] = [];
  const lost: Uint8Array[] = [];
  const rx = new Receiver(3, { mode, buffer }, {
    emit: (it) => got.push(it),
    intoLost: (into) => lost.push(into),
  }, fake);
  const want: { stream: number; bytes: Uint8Array }[] = [];
  const streams = 4;
  const seq = new Array(streams).fill(0);
  const count = 20 + Math.floor(rnd() * 40);
  for (let i = 0; i < count; i++) {
    if (rnd() < 0.1) fake.push(assocChange(100 + i), true, 0);
    else {
      const stream = Math.floor(rnd() * streams);
      const b = body(size(rnd), seq[stream]++, stream);
      fake.push(b, false, stream);
      want.push({ stream, bytes: b });
    }
  }
  const into = new Uint8Array(intoSize);
  let reads = 0;
  while (fake.queue.length > 0 && reads < 100000) {
    // data arrives in random amounts between reads
    fake.avail = rnd() < 0.3 ? 1 + Math.floor(rnd() * 3) : Infinity;
    const r = rx.read(useInto ? into : undefined);
    reads++;
    assert.ok(r === "ok" || r === "eagain", `${what}: read gave ${r}`);
    // a message that landed in `into` must be checked before the next read
    // writes to it: copy it out, as a bulk receiver consumes it
    for (const it of got) {
      if (
        it.msg.data instanceof Uint8Array &&
        it.msg.data.buffer === into.buffer
      ) it.msg.data = it.msg.data.slice();
    }
  }
  assert.equal(fake.queue.length, 0, `${what}: not drained`);
  assert.deepEqual(lost, [], `${what}: nothing lost`);
  const data = got.filter((it) => !("type" in (it.msg.data as object)));
  const events = got.length - data.length;
  assert.equal(data.length, want.length, `${what}: message count`);
  if (interleave) {
    // messages complete in another order across streams: compare each
    // stream's sequence
    const byStream = <T extends { stream: number }>(xs: T[]): T[][] =>
      [0, 1, 2, 3].map((st) => xs.filter((x) => x.stream === st));
    const gotS = data.map((it) => ({
      stream: (it.msg.ancData[0] as { stream: number }).stream,
      it,
    }));
    const order = byStream(gotS).flat().map((x) => x.it);
    data.splice(0, data.length, ...order);
    want.splice(0, want.length, ...byStream(want).flat());
  }
  for (let i = 0; i < want.length; i++) {
    const d = data[i].msg.data;
    const bytes = Array.isArray(d) ? Uint8Array.from(d) : d as Uint8Array;
    assert.equal(bytes.length, want[i].bytes.length, `${what}: #${i} length`);
    assert.ok(
      Buffer.from(bytes).equals(Buffer.from(want[i].bytes)),
      `${what}: message ${i} (${bytes.length} B) has wrong bytes`,
    );
    const sri = data[i].msg.ancData[0] as { stream: number };
    assert.equal(sri.stream, want[i].stream, `${what}: #${i} stream`);
    assert.equal(data[i].msg.fromIp, "192.0.2.1");
    assert.equal(data[i].msg.fromPort, 3868);
  }
  for (const it of got) {
    if ("type" in (it.msg.data as object)) {
      assert.equal(
        (it.msg.data as { type: string }).type,
        "sctp_assoc_change",
        `${what}: event decoded`,
      );
    }
  }
  assert.ok(events >= 0);
}

describe("receiver (fake shim)", () => {
  it("seeded property: every message whole and in order, any buffer and read pattern", () => {
    const base = Number(process.env.SCTP_PROP_SEED ?? 20261206);
    const cases = Number(process.env.SCTP_PROP_CASES ?? 60);
    for (let c = 0; c < cases; c++) runCase(base + c);
  });

  it("seeded property with fragment interleave: pieces of messages on other streams interleave, every message whole", () => {
    const base = Number(process.env.SCTP_PROP_SEED ?? 20261206);
    const cases = Number(process.env.SCTP_PROP_CASES ?? 60);
    for (let c = 0; c < cases; c++) runCase(base + c, true);
  });

  it("partial delivery aborted amid the pieces of a message drops that message", () => {
    const fake = new FakeKernel(prng(1));
    const got: Received[] = [];
    const rx = new Receiver(3, { mode: "binary", buffer: 100 }, {
      emit: (it) => got.push(it),
      intoLost: () => {},
    }, fake);
    fake.push(body(250, 0, 0), false, 0);
    fake.avail = 1; // the first piece only
    assert.equal(rx.read(), "ok");
    // the kernel aborts the partial delivery: the rest never comes
    fake.queue.shift();
    fake.push(pdapiAborted(7, 0), true, 0);
    fake.push(body(10, 1, 0), false, 0);
    fake.avail = Infinity;
    for (let i = 0; i < 10 && fake.queue.length; i++) rx.read();
    assert.equal(got.length, 2);
    assert.equal(
      (got[0].msg.data as { type: string }).type,
      "sctp_pdapi_event",
    );
    assert.deepEqual(got[1].msg.data, body(10, 1, 0));
  });

  it("an `into` detached under pending pieces: the host is told, the rest of that message skipped", () => {
    const fake = new FakeKernel(prng(2));
    const got: Received[] = [];
    const lost: Uint8Array[] = [];
    const rx = new Receiver(3, { mode: "binary", buffer: 65536 }, {
      emit: (it) => got.push(it),
      intoLost: (i) => lost.push(i),
    }, fake);
    // a large message first: the next ones are read straight into `into`
    fake.push(body(40000, 0, 0), false, 0);
    while (fake.queue.length) rx.read();
    const into = new Uint8Array(200000);
    fake.push(body(150000, 1, 0), false, 0);
    fake.push(body(30, 2, 0), false, 0);
    fake.avail = 1;
    assert.equal(rx.read(into), "ok"); // one piece in `into`
    structuredClone(into.buffer, { transfer: [into.buffer] });
    fake.avail = Infinity;
    for (let i = 0; i < 10 && fake.queue.length; i++) rx.read();
    assert.equal(lost.length, 1);
    assert.equal(got.length, 2, "the lost message is not delivered");
    assert.deepEqual(got[1].msg.data, body(30, 2, 0));
  });

  it("EAGAIN and errors come back as reasons", () => {
    const rx = new Receiver(3, { mode: "binary", buffer: 100 }, {
      emit: () => {},
      intoLost: () => {},
    }, {
      sctp_shim_recv_batch: () => -9, // EBADF
      sctp_shim_recv_into: () => -9,
    });
    assert.equal(rx.read(), "ebadf");
    const idle = new Receiver(3, { mode: "binary", buffer: 100 }, {
      emit: () => {},
      intoLost: () => {},
    }, new FakeKernel(prng(3)));
    assert.equal(idle.read(), "eagain");
  });
});
