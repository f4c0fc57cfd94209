// recv({ into }): large messages received straight into the caller's buffer
// (no allocation per message), everything else whole in a buffer of its own.
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { describe, it } from "node:test";
import type { SctpMessage, SctpSocket } from "../mod.ts";
import { open, server } from "./helpers.ts";

/** Message `i` of `n` bytes: a pattern that differs per message. */
function pattern(n: number, i: number): Uint8Array {
  const b = new Uint8Array(n);
  for (let k = 0; k < n; k++) b[k] = (k * 31 + i * 7 + 1) & 255;
  return b;
}

/** The next data message, received with `into` (events skipped). */
async function recvInto(
  s: SctpSocket,
  into: Uint8Array,
): Promise<Uint8Array> {
  for (;;) {
    const m: SctpMessage = await s.recv({ timeout: 20000, into });
    if (m.data instanceof Uint8Array) return m.data;
  }
}

const aliases = (d: Uint8Array, into: Uint8Array) =>
  d.buffer === into.buffer && d.byteOffset === into.byteOffset;

async function pair() {
  const { s: srv, port } = await server({ recbuf: 1 << 20, buffer: 1 << 18 });
  const cli = await open({ sndbuf: 1 << 20 });
  const up = await cli.connect("127.0.0.1", port, {}, 20000);
  return { srv, cli, up };
}

describe("recv into", () => {
  it("large messages land in `into` once messages are large; others own their bytes; all intact", async () => {
    const { srv, cli, up } = await pair();
    try {
      // a view at an offset: the kernel must write where the view starts
      const into = new Uint8Array(new ArrayBuffer(65536 + 64), 32, 65536);
      // [size, lands in `into`]: the first large message switches to
      // direct reads; a message larger than `into` (or after one larger than
      // it) and one read in a batch get a buffer of their own
      const plan: [number, boolean][] = [
        [70000, false], // batch read, in pieces: the last large size > into
        [65536, false], // last large size 70000 > 65536: own buffer
        [16384, true],
        [100, true], // still direct (the last one was large)
        [40000, false], // after a small one: batch read, in pieces
        [200000, false], // pieces through `into`, joined in a buffer of its own
        [17, false], // last large size 200000 > into: own buffer
        [65536, false], // after a small one: batch read
        [65536, true],
        [65536, true],
      ];
      for (const [i, [n, direct]] of plan.entries()) {
        const want = pattern(n, i);
        await cli.send(up, 0, want);
        const got = await recvInto(srv, into);
        assert.equal(got.length, n, `message ${i} length`);
        assert.ok(Buffer.from(got).equals(Buffer.from(want)), `message ${i}`);
        assert.equal(aliases(got, into), direct, `message ${i} in into`);
      }
      // the bytes around the view were never written
      const whole = new Uint8Array(into.buffer);
      assert.ok(whole.subarray(0, 32).every((x) => x === 0), "before");
      assert.ok(whole.subarray(32 + 65536).every((x) => x === 0), "after");
    } finally {
      await cli.close();
      await srv.close();
    }
  });

  it("a pending recv with `into` gets the message that arrives while it waits", async () => {
    const { srv, cli, up } = await pair();
    try {
      const into = new Uint8Array(65536);
      for (let i = 0; i < 2; i++) {
        await cli.send(up, 0, pattern(65536, i));
        await recvInto(srv, into);
      }
      const p = recvInto(srv, into);
      await new Promise((r) => setTimeout(r, 100));
      const want = pattern(30000, 9);
      await cli.send(up, 0, want);
      const got = await p;
      assert.ok(aliases(got, into), "received into `into`");
      assert.ok(Buffer.from(got).equals(Buffer.from(want)));
      // a recv without `into` afterwards owns its bytes again
      await cli.send(up, 0, pattern(65536, 10));
      const own = (await srv.recv(20000)).data as Uint8Array;
      assert.ok(!aliases(own, into));
      assert.ok(Buffer.from(own).equals(Buffer.from(pattern(65536, 10))));
      assert.ok(Buffer.from(got).equals(Buffer.from(want)), "into untouched");
    } finally {
      await cli.close();
      await srv.close();
    }
  });

  it("a message the kernel delivers in pieces is received whole into `into`", async () => {
    // a receive window far below the message size: partial delivery
    const { s: srv, port } = await server({ recbuf: 4096 });
    const cli = await open({ sctp_maxseg: 1000 });
    try {
      const up = await cli.connect("127.0.0.1", port, {}, 20000);
      const into = new Uint8Array(65536);
      for (let i = 0; i < 4; i++) {
        const want = pattern(60000, i);
        const sent = cli.send(up, 0, want);
        const got = await recvInto(srv, into);
        await sent;
        assert.ok(Buffer.from(got).equals(Buffer.from(want)), `message ${i}`);
        // the first one switches to direct reads
        assert.equal(aliases(got, into), i > 0, `message ${i} in into`);
      }
      // recvs that time out mid-message, `into` overwritten after each: the
      // pieces read so far were moved out, the message arrives intact
      const want = pattern(60000, 7);
      const sent = cli.send(up, 0, want);
      let got: Uint8Array | undefined;
      while (!got) {
        try {
          const m = await srv.recv({ timeout: 1, into });
          if (m.data instanceof Uint8Array) got = m.data;
        } catch (e) {
          if ((e as { reason?: string }).reason !== "timeout") throw e;
          into.fill(0xee);
        }
      }
      await sent;
      assert.ok(Buffer.from(got).equals(Buffer.from(want)), "after timeouts");
    } finally {
      await cli.close();
      await srv.close();
    }
  });

  it("bad `into` is a TypeError or RangeError", async () => {
    await using s = await open({ ip: "127.0.0.1" });
    const bad = (into: unknown) => s.recv({ timeout: 10, into } as never);
    await assert.rejects(bad(new ArrayBuffer(8)), TypeError);
    await assert.rejects(bad(new Uint16Array(8)), TypeError);
    await assert.rejects(bad([1, 2, 3]), TypeError);
    await assert.rejects(bad(new Uint8Array(0)), RangeError);
  });
});
