// The send path (src/sender.ts) driven by a fake shim instead of the kernel:
// one sendmsg per attempt, order kept, a waiting send captures its bytes at
// the call, non_block_send, a message larger than the send buffer grows it
// once, errors reject with their reason.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { SctpError } from "../mod.ts";
import { type Outgoing, Sender, type SenderShim } from "../src/sender.ts";

const EAGAIN = -11, EMSGSIZE = -90, EPIPE = -32;

/** A kernel that takes a message while `room` lasts (else EAGAIN). */
class FakeKernel implements SenderShim {
  room = Infinity;
  /** What the kernel took, copied at the call. */
  sent: { bytes: number[]; stream: number }[] = [];
  calls = 0;
  /** Results to return instead, in order (then the room rule). */
  script: number[] = [];

  sctp_shim_send(
    _fd: number,
    data: Uint8Array,
    len: number,
    _assoc: number,
    stream: number,
  ): number {
    this.calls++;
    const r = this.script.shift();
    if (r !== undefined && r < 0) return r;
    if (this.room <= 0) return EAGAIN;
    this.room--;
    this.sent.push({ bytes: Array.from(data.subarray(0, len)), stream });
    return len;
  }
}

function setup(nonBlockSend = false, grow = () => false) {
  const k = new FakeKernel();
  let armed = 0;
  const settings = { nonBlockSend };
  const tx = new Sender(5, settings, {
    armWrite: () => armed++,
    grow,
  }, k);
  return { k, tx, settings, armed: () => armed };
}

const msg = (bytes: Uint8Array, stream = 0): Outgoing => ({
  bytes,
  assoc: 1,
  stream,
  ppid: 0,
  flags: 0,
  context: 0,
  ttl: 0,
});

describe("sender (fake shim)", () => {
  it("a send the kernel takes at once: one call, no copy, resolved", async () => {
    const { k, tx, armed } = setup();
    const b = Uint8Array.of(1, 2, 3);
    await tx.send(msg(b), false);
    assert.equal(k.calls, 1);
    assert.deepEqual(k.sent[0].bytes, [1, 2, 3]);
    assert.equal(armed(), 0);
    assert.equal(tx.waiting, false);
  });

  it("sends that wait: one failing call each, captured at the call, flushed in order", async () => {
    const { k, tx, armed } = setup();
    k.room = 2;
    const buf = new Uint8Array(4);
    const done: Promise<void>[] = [];
    for (let i = 0; i < 6; i++) {
      buf.fill(i + 1);
      done.push(tx.send(msg(buf, i), false));
    }
    buf.fill(0xee); // the caller reuses its buffer at once
    // two went at once; the third tried once and queued; the rest queued
    // without a call (something is queued already)
    assert.equal(k.calls, 3);
    assert.equal(tx.waiting, true);
    assert.equal(armed(), 1, "armed once for writability");
    k.room = Infinity;
    tx.flush();
    await Promise.all(done);
    assert.equal(k.calls, 3 + 4);
    assert.deepEqual(
      k.sent.map((s) => [s.stream, s.bytes[0]]),
      [[0, 1], [1, 2], [2, 3], [3, 4], [4, 5], [5, 6]],
    );
    assert.ok(k.sent.every((s) => s.bytes.every((x) => x === s.bytes[0])));
    assert.equal(tx.waiting, false);
  });

  it("a flush that meets EAGAIN again re-arms and keeps the rest", async () => {
    const { k, tx, armed } = setup();
    k.room = 0;
    const p = [1, 2, 3].map((i) => tx.send(msg(Uint8Array.of(i)), false));
    k.room = 1;
    tx.flush();
    assert.equal(armed(), 2);
    assert.equal(k.sent.length, 1);
    k.room = Infinity;
    tx.flush();
    await Promise.all(p);
    assert.deepEqual(k.sent.map((s) => s.bytes[0]), [1, 2, 3]);
  });

  it("non_block_send: a send that would wait rejects with eagain", async () => {
    const { k, tx, settings } = setup(true);
    k.room = 0;
    await assert.rejects(
      tx.send(msg(Uint8Array.of(1)), false),
      (e: unknown) => e instanceof SctpError && e.reason === "eagain",
    );
    assert.equal(tx.waiting, false);
    settings.nonBlockSend = false; // read at each send
    const p = tx.send(msg(Uint8Array.of(2)), false);
    assert.equal(tx.waiting, true);
    k.room = 1;
    tx.flush();
    await p;
  });

  it("emsgsize grows the send buffer once and retries; other errors reject", async () => {
    let grown = 0;
    const { k, tx } = setup(false, () => ++grown === 1);
    k.script = [EMSGSIZE];
    await tx.send(msg(new Uint8Array(10)), false);
    assert.equal(grown, 1);
    assert.equal(k.calls, 2);
    k.script = [EMSGSIZE, EMSGSIZE];
    await assert.rejects(
      tx.send(msg(new Uint8Array(10)), false),
      (e: unknown) =>
        e instanceof SctpError && e.reason === "emsgsize" &&
        /raise sndbuf/.test(e.message),
    );
    k.script = [EPIPE];
    await assert.rejects(
      tx.send(msg(Uint8Array.of(1)), false),
      (e: unknown) => e instanceof SctpError && e.reason === "epipe",
    );
  });

  it("a queued message larger than the send buffer grows it at flush too", async () => {
    // found by the receive-path property test: a 256 KiB send queued behind
    // another failed with emsgsize (growth only happened on the first try)
    let grown = 0;
    const { k, tx } = setup(false, () => ++grown === 1);
    k.room = 0;
    const first = tx.send(msg(Uint8Array.of(1)), false);
    const big = tx.send(msg(new Uint8Array(300000).fill(2)), false);
    k.room = Infinity;
    k.script = [0, EMSGSIZE]; // the first goes; the big one is too large once
    tx.flush();
    await first;
    await big;
    assert.equal(grown, 1);
    assert.equal(k.sent.length, 2);
    assert.equal(k.sent[1].bytes.length, 300000);
  });

  it("an aborted waiting send leaves the queue; once none waits the next send goes straight to the kernel", async () => {
    const { k, tx, armed } = setup();
    k.room = 0;
    const a = new AbortController(), b = new AbortController();
    const p1 = tx.send(msg(Uint8Array.of(1)), false, a.signal);
    const p2 = tx.send(msg(Uint8Array.of(2)), false, b.signal);
    const p3 = tx.send(msg(Uint8Array.of(3)), false);
    assert.equal(armed(), 1);
    b.abort(); // the middle one
    await assert.rejects(
      p2,
      (e: unknown) => e instanceof SctpError && e.reason === "aborted",
    );
    k.room = 1;
    tx.flush(); // the first goes, the third meets EAGAIN and waits
    await p1;
    assert.equal(tx.waiting, true);
    k.room = Infinity;
    tx.flush();
    await p3;
    assert.deepEqual(k.sent.map((x) => x.bytes[0]), [1, 3]);
    assert.equal(tx.waiting, false);
    // the only waiting send aborted: nothing waits, a new send is tried now
    k.room = 0;
    const c = new AbortController();
    const p5 = tx.send(msg(Uint8Array.of(5)), false, c.signal);
    assert.equal(tx.waiting, true);
    c.abort();
    await assert.rejects(
      p5,
      (e: unknown) => e instanceof SctpError && e.reason === "aborted",
    );
    assert.equal(tx.waiting, false);
    k.room = Infinity;
    const calls = k.calls;
    await tx.send(msg(Uint8Array.of(6)), false);
    assert.equal(k.calls, calls + 1);
    assert.deepEqual(k.sent.map((x) => x.bytes[0]), [1, 3, 6]);
  });

  it("rejectAll rejects what waits (the socket closed)", async () => {
    const { k, tx } = setup();
    k.room = 0;
    const p = tx.send(msg(Uint8Array.of(1)), false);
    tx.rejectAll(() => new SctpError("closed"));
    await assert.rejects(
      p,
      (e: unknown) => e instanceof SctpError && e.reason === "closed",
    );
    assert.equal(tx.waiting, false);
  });
});
