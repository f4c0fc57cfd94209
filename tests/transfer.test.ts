import assert from "node:assert/strict";
import process from "node:process";
import { Buffer } from "node:buffer";
import { describe, it } from "node:test";
import {
  type SctpAssocChange,
  SctpError,
  type SctpMessage,
  type SctpSndRcvInfo,
  type SctpSocket,
} from "../mod.ts";
import { isEvent, open, recvData, recvUntil, server, text } from "./helpers.ts";

/** A listening server and a connected client; closes both in `run`. */
async function withPair(
  run: (
    p: {
      srv: SctpSocket;
      cli: SctpSocket;
      up: SctpAssocChange;
      port: number;
    },
  ) => Promise<void>,
  o: {
    srv?: Record<string, unknown>;
    cli?: Record<string, unknown>;
    connect?: Record<string, unknown>;
    ip?: string;
  } = {},
): Promise<void> {
  const ip = o.ip ?? "127.0.0.1";
  const { s: srv, port } = await server({ ip, ...o.srv });
  let cli: SctpSocket | undefined;
  try {
    cli = await open({
      ...(ip.includes(":") ? { family: "inet6" } : {}),
      ...o.cli,
    });
    const up = await cli.connect(ip, port, o.connect ?? {}, 20000);
    assert.equal(up.state, "comm_up");
    await run({ srv, cli, up, port });
  } finally {
    await cli?.close();
    await srv.close();
  }
}

const sri = (m: SctpMessage) => m.ancData[0] as SctpSndRcvInfo;

function randomBytes(n: number): Uint8Array {
  const b = new Uint8Array(n);
  for (let o = 0; o < n; o += 65536) {
    crypto.getRandomValues(b.subarray(o, Math.min(n, o + 65536)));
  }
  return b;
}

const isReason = (r: string) => (e: unknown) =>
  e instanceof SctpError && e.reason === r;

describe("transfer", () => {
  it("one-to-many: hello on stream 0 with stream number and assoc id", async () => {
    const { s: srv, port } = await server();
    const cli = await open();
    try {
      const up = await cli.connect("127.0.0.1", port);
      assert.equal(up.type, "sctp_assoc_change");
      assert.equal(up.state, "comm_up");
      assert.ok(up.assoc_id > 0);
      const srvUp = await recvUntil(
        srv,
        (m) => isEvent(m, "sctp_assoc_change", "comm_up"),
      );
      const srvAssoc = (srvUp.data as { assoc_id: number }).assoc_id;
      await cli.send(up, 0, "hello");
      const m = await recvData(srv);
      assert.equal(text(m.data), "hello");
      assert.equal(m.fromIp, "127.0.0.1");
      assert.equal(m.fromPort, await cli.port());
      const info = m.ancData[0] as {
        type: string;
        stream: number;
        assoc_id: number;
      };
      assert.equal(info.type, "sctp_sndrcvinfo");
      assert.equal(info.stream, 0);
      assert.equal(info.assoc_id, srvAssoc);
    } finally {
      await cli.close();
      await srv.close();
    }
  });

  it("10 streams x 50 interleaved messages keep their order per stream", async () => {
    await withPair(async ({ srv, cli, up }) => {
      assert.ok(up.outbound_streams >= 10, `${up.outbound_streams} streams`);
      const sends: Promise<void>[] = [];
      for (let i = 0; i < 50; i++) {
        for (let st = 0; st < 10; st++) {
          sends.push(cli.send(up, st, `${st}:${i}`));
        }
      }
      await Promise.all(sends);
      const next = new Array(10).fill(0);
      for (let k = 0; k < 500; k++) {
        const m = await recvData(srv);
        const info = sri(m);
        const [st, i] = text(m.data).split(":").map(Number);
        assert.equal(info.stream, st, "arrived on the stream it was sent on");
        assert.equal(i, next[st], `stream ${st} in order`);
        assert.equal(info.ssn, i, "ssn counts per stream");
        next[st]++;
      }
      assert.deepEqual(next, new Array(10).fill(50));
    }, { connect: { sctp_initmsg: { num_ostreams: 10 } } });
  });

  it("ppid and the unordered flag round-trip through send(sndrcvinfo, data)", async () => {
    await withPair(async ({ srv, cli, up }) => {
      await cli.send(
        {
          stream: 1,
          ppid: 46,
          flags: ["unordered"],
          assoc_id: up.assoc_id,
        },
        "unordered, ppid 46",
      );
      await cli.send({ stream: 2, ppid: 0xfffffffe, assoc_id: up.assoc_id }, [
        "ordered",
      ]);
      const a = await recvData(srv);
      const b = await recvData(srv);
      const [u, o] = text(a.data) === "ordered" ? [b, a] : [a, b];
      assert.equal(text(u.data), "unordered, ppid 46");
      assert.equal(sri(u).stream, 1);
      assert.equal(sri(u).ppid, 46);
      assert.deepEqual(sri(u).flags, ["unordered"]);
      assert.equal(sri(u).context, 0);
      assert.equal(sri(o).stream, 2);
      assert.equal(sri(o).ppid, 0xfffffffe);
      assert.deepEqual(sri(o).flags, []);
    }, { connect: { sctp_initmsg: { num_ostreams: 3 } } });
  });

  it("64 KiB and 1 MiB messages arrive whole and intact", async () => {
    await withPair(async ({ srv, cli, up }) => {
      // default buffers: Linux refuses a message larger than the send
      // buffer (emsgsize); the library grows the buffer to fit (SO_SNDBUF,
      // then SO_SNDBUFFORCE, which root has), and the receiver's 64 KiB
      // buffer reassembles the message from partial deliveries
      const root = process.getuid?.() === 0;
      for (const n of [65536, 1 << 20]) {
        const data = randomBytes(n);
        const sending = cli.send(up, 0, data);
        if (!root && n > 400000) {
          // unprivileged: the grown buffer is capped by net.core.wmem_max
          await sending.then(
            () => recvData(srv, 60000),
            (e) => assert.equal(e.reason, "emsgsize"),
          );
          continue;
        }
        const [, m] = await Promise.all([sending, recvData(srv, 60000)]);
        const got = m.data as Uint8Array;
        assert.equal(got.length, n);
        assert.ok(
          Buffer.from(got).equals(Buffer.from(data)),
          `${n} bytes equal`,
        );
      }
    });
  });

  it("a queued burst (more than one read batch, pieces bigger than buffer) arrives whole, in order", async () => {
    // the receiver reads batches of up to 64 records, several per syscall
    // (recvmmsg): a burst queued in the kernel, whose messages are both
    // smaller and larger than the 3000-byte `buffer` (larger ones arrive in
    // pieces spread over the records of one read), must come out intact
    await withPair(async ({ srv, cli, up }) => {
      const sizes = [1, 64, 2999, 3000, 3001, 9000, 20000, 8];
      const n = 200;
      const msg = (i: number) => {
        const b = new Uint8Array(sizes[i % sizes.length]);
        for (let k = 0; k < b.length; k++) b[k] = (i * 7 + k * 13) & 255;
        if (b.length >= 2) b.set([i & 255, i >> 8]);
        return b;
      };
      const sending = Promise.all(
        Array.from({ length: n }, (_, i) => cli.send(up, 0, msg(i))),
      );
      await new Promise((r) => setTimeout(r, 200)); // let the kernel queue
      for (let i = 0; i < n; i++) {
        const m = await recvData(srv, 20000);
        const want = msg(i);
        const got = m.data as Uint8Array;
        assert.equal(got.length, want.length, `message ${i} length`);
        assert.ok(Buffer.from(got).equals(Buffer.from(want)), `message ${i}`);
        assert.equal(sri(m).stream, 0);
      }
      await sending;
    }, { srv: { buffer: 3000 } });
  });

  it("large and small messages in turn: whole, in order, nothing stale behind them", async () => {
    // messages of 16 KiB and more are read one by one straight into a
    // buffer of their own, sized for the last large one: a bigger one comes
    // in pieces, a smaller one leaves a tail that must read as zeros
    await withPair(async ({ srv, cli, up }) => {
      const sizes = [70000, 65536, 16384, 100, 16384, 40000, 200000, 17, 65536];
      const msgs = sizes.map((n, i) => {
        const b = new Uint8Array(n);
        for (let k = 0; k < n; k++) b[k] = (k * 31 + i * 7 + 1) & 255 || 1;
        return b;
      });
      for (let round = 0; round < 2; round++) {
        const sending = Promise.all(msgs.map((b) => cli.send(up, 0, b)));
        for (const [i, want] of msgs.entries()) {
          const got = (await recvData(srv, 20000)).data as Uint8Array;
          assert.equal(got.length, want.length, `message ${i} length`);
          assert.ok(Buffer.from(got).equals(Buffer.from(want)), `message ${i}`);
          const tail = new Uint8Array(
            got.buffer,
            got.byteOffset + got.length,
          );
          // (small messages are views into a shared slab, as Node's pooled
          // Buffers are: only a large message owns its whole buffer)
          if (want.length >= 16384) {
            assert.ok(tail.every((x) => x === 0), `message ${i}: stale tail`);
          }
        }
        await sending;
      }
    });
  });

  it("iolists, strings, ArrayBuffers and typed-array views are sent as bytes", async () => {
    await withPair(async ({ srv, cli, up }) => {
      await cli.send(up, 0, ["ab", [99, "d"], Uint8Array.of(101), []]);
      await cli.send(up, 0, "héllo");
      await cli.send(up, 0, Uint8Array.of(1, 2, 3).buffer);
      await cli.send(up, 0, new Uint16Array([0x0201, 0x0403]));
      await cli.send(up, 0, new DataView(Uint8Array.of(9, 8, 7).buffer, 1, 2));
      assert.equal(text((await recvData(srv)).data), "abcde");
      assert.equal(text((await recvData(srv)).data), "héllo");
      assert.deepEqual([...(await recvData(srv)).data as Uint8Array], [
        1,
        2,
        3,
      ]);
      assert.deepEqual(
        [...(await recvData(srv)).data as Uint8Array],
        [1, 2, 3, 4],
      );
      assert.deepEqual([...(await recvData(srv)).data as Uint8Array], [8, 7]);
      // deno-lint-ignore no-explicit-any
      const c = cli as any;
      await assert.rejects(c.send(up, 0, [256]), TypeError);
      await assert.rejects(c.send(up, 0, { not: "data" }), TypeError);
      await assert.rejects(c.send(up, "0", "x"), TypeError);
      await assert.rejects(c.send(up, 65536, "x"), RangeError);
    });
  });

  it('mode "list" delivers data as an array of byte values', async () => {
    await withPair(async ({ srv, cli, up }) => {
      await cli.send(up, 0, "hi");
      const m = await recvData(srv);
      assert.ok(Array.isArray(m.data));
      assert.deepEqual(m.data, [104, 105]);
      await srv.setopts({ mode: "binary" });
      await cli.send(up, 0, "hi");
      assert.ok((await recvData(srv)).data instanceof Uint8Array);
    }, { srv: { mode: "list" } });
  });

  it("transfer over IPv6 (::1)", async () => {
    await withPair(async ({ srv, cli, up }) => {
      await cli.send(up, 0, "over v6");
      const m = await recvData(srv);
      assert.equal(text(m.data), "over v6");
      assert.equal(m.fromIp, "::1");
      assert.equal(m.fromPort, await cli.port());
      await srv.send(sri(m).assoc_id!, 0, "back");
      assert.equal(text((await recvData(cli)).data), "back");
    }, { ip: "::1" });
  });

  it("a stream number >= the negotiated outbound count rejects with einval", async () => {
    await withPair(async ({ srv, cli, up }) => {
      assert.equal(up.outbound_streams, 5);
      await cli.send(up, 4, "Test 4");
      await assert.rejects(cli.send(up, 5, "Test 5"), isReason("einval"));
      assert.equal(text((await recvData(srv)).data), "Test 4");
    }, { connect: { sctp_initmsg: { num_ostreams: 5 } } });
  });

  it("non_block_send: a full send buffer gives eagain; a blocking send waits until the peer reads", async () => {
    await withPair(async ({ srv, cli, up }) => {
      const chunk = new Uint8Array(65536);
      let sent = 0;
      let err: unknown;
      while (sent < 4096) {
        chunk.fill(sent & 255);
        try {
          await cli.send(up, 0, chunk);
          sent++;
        } catch (e) {
          err = e;
          break;
        }
      }
      assert.ok(isReason("eagain")(err), `expected eagain, got ${err}`);
      assert.ok(sent > 0);
      // data in flight is acked (the peer delays SACKs by up to 200 ms) and
      // frees space until the peer's window is full too: fill until eagain
      // holds for four tries 100 ms apart
      const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
      for (let calm = 0; calm < 4;) {
        await sleep(100);
        chunk.fill(sent & 255);
        try {
          await cli.send(up, 0, chunk);
          sent++;
          calm = 0;
        } catch (e) {
          assert.ok(isReason("eagain")(e), `expected eagain, got ${e}`);
          calm++;
        }
      }
      // default mode: the same send now waits for space
      await cli.setopts({ non_block_send: false });
      chunk.fill(sent & 255);
      let settled = false;
      const waiting = cli.send(up, 0, chunk).finally(() => settled = true);
      await sleep(50);
      assert.equal(settled, false, "the send waits while the buffer is full");
      for (let k = 0; k <= sent; k++) {
        const m = await recvData(srv, 60000);
        const d = m.data as Uint8Array;
        assert.equal(d.length, 65536);
        assert.equal(d[0], k & 255, `message ${k} in order`);
        assert.equal(d[65535], k & 255);
      }
      await waiting;
      assert.equal(settled, true);
    }, { cli: { non_block_send: true } });
  });

  it("for await yields events and data in order and ends when the socket closes", async () => {
    const { s: srv, port } = await server();
    const cli = await open();
    try {
      const seen: SctpMessage[] = [];
      let gotThree = () => {};
      const three = new Promise<void>((r) => gotThree = r);
      const loop = (async () => {
        let n = 0;
        for await (const m of srv) {
          seen.push(m);
          if (m.data instanceof Uint8Array && ++n === 3) gotThree();
        }
        return "ended";
      })();
      const up = await cli.connect("127.0.0.1", port, {}, 20000);
      for (const w of ["a", "b", "c"]) await cli.send(up, 0, w);
      await three;
      await srv.close();
      assert.equal(await loop, "ended");
      const firstUp = seen.findIndex((m) =>
        isEvent(m, "sctp_assoc_change", "comm_up")
      );
      const data = seen.filter((m) => m.data instanceof Uint8Array);
      assert.ok(firstUp >= 0, "comm_up was yielded");
      assert.ok(firstUp < seen.indexOf(data[0]), "comm_up before the data");
      assert.deepEqual(data.map((m) => text(m.data)), ["a", "b", "c"]);
    } finally {
      await cli.close();
      await srv.close();
    }
  });
});
