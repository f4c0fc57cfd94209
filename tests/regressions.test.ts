// Regression tests for the bugs that outside probes found (issue 19): each
// failed before its fix. One describe per bug, numbered as in the issue.
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { spawnSync } from "node:child_process";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { describe, it } from "node:test";
import { type SctpAssocChange, SctpError, type SctpMessage } from "../mod.ts";
import { poller } from "../src/poller.ts";
import {
  isEvent,
  open,
  recvData,
  recvUntil,
  scriptArgs,
  server,
} from "./helpers.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const isReason = (r: string) => (e: unknown) =>
  e instanceof SctpError && e.reason === r;

/** Message `i` of `n` bytes: a pattern that differs per message. */
function pattern(n: number, i: number): Uint8Array {
  const b = new Uint8Array(n);
  for (let k = 0; k < n; k++) b[k] = (k * 31 + i * 7 + 1) & 255;
  return b;
}

async function pair(srvOpts: Record<string, unknown> = {}) {
  const { s: srv, port } = await server(srvOpts);
  const cli = await open({ sndbuf: 1 << 20, sctp_nodelay: true });
  const up = await cli.connect("127.0.0.1", port, {}, 20000);
  const srvUp = await recvUntil(
    srv,
    (m) => isEvent(m, "sctp_assoc_change", "comm_up"),
  );
  return { srv, cli, up, port, srvAssoc: srvUp.data as SctpAssocChange };
}

/** Waits (bounded) until the poll worker has stopped after its grace. */
async function workerStopped(): Promise<boolean> {
  for (let i = 0; i < 800 && poller.state.running; i++) await sleep(50);
  return !poller.state.running;
}

describe("1: receive batches with a `buffer` that is not a multiple of 8", () => {
  // sizes that are whole multiples of `buffer`: every piece fills its slot,
  // so each record drifted by up to 7 bytes and the 14th+ of one recvmmsg
  // overwrote the next one (a last, shorter piece would make up for it)
  for (const [buffer, size] of [[1001, 4004], [4097, 8194], [9, 108]]) {
    it(`buffer ${buffer}: 24 queued ${size}-byte messages arrive intact`, async () => {
      const { srv, cli, up } = await pair({ recbuf: 1 << 20 });
      // set after recbuf (which raises `buffer` to its own size)
      await srv.setopts({ buffer });
      assert.deepEqual(await srv.getopts(["buffer"]), { buffer });
      try {
        const n = 24;
        for (let i = 0; i < n; i++) await cli.send(up, 0, pattern(size, i));
        // let them all queue: one recv then reads full-slot pieces in
        // long batches
        await sleep(300);
        for (let i = 0; i < n; i++) {
          const m = await recvData(srv);
          const got = m.data as Uint8Array;
          assert.equal(got.length, size, `message ${i} length`);
          assert.ok(
            Buffer.from(got).equals(Buffer.from(pattern(size, i))),
            `message ${i} of ${n} (buffer ${buffer}) has wrong bytes`,
          );
        }
      } finally {
        await cli.close();
        await srv.close();
      }
    });
  }
});

describe("2: reconnect to the same peer after abort", () => {
  it("50 abort-then-connect cycles from one socket all resolve comm_up", async () => {
    const { s: srv, port } = await server();
    const cli = await open();
    try {
      const ids = new Set<number>();
      const t0 = Date.now();
      for (let i = 0; i < 50 && Date.now() - t0 < 90000; i++) {
        const up = await cli.connect("127.0.0.1", port, {}, 20000);
        assert.equal(up.state, "comm_up", `cycle ${i}`);
        assert.ok(!ids.has(up.assoc_id), `cycle ${i}: a new association`);
        ids.add(up.assoc_id);
        await cli.abort(up);
      }
      assert.equal(ids.size, 50, "all 50 cycles ran");
      // the stale events stay deliverable: the comm_lost of each aborted
      // association is still in the socket's queue
      let lost = 0;
      for (;;) {
        const m = await cli.recv(0).catch(() => null);
        if (m === null) break;
        if (isEvent(m, "sctp_assoc_change", "comm_lost")) lost++;
      }
      assert.ok(lost >= 1, `saw ${lost} stale comm_lost events`);
    } finally {
      await cli.close();
      await srv.close();
    }
  });

  it("a connect leaves other messages queued for recv", async () => {
    const { srv, cli, up, srvAssoc } = await pair();
    const other = await server();
    try {
      // data from the server waits on the (passive) client, then the client
      // connects to another server: connect takes its own comm_up only
      await srv.send(srvAssoc, 0, "queued first");
      await sleep(100);
      const up2 = await cli.connect("127.0.0.1", other.port, {}, 20000);
      assert.equal(up2.state, "comm_up");
      assert.notEqual(up2.assoc_id, up.assoc_id);
      const m = await recvData(cli, 5000);
      assert.equal(
        new TextDecoder().decode(m.data as Uint8Array),
        "queued first",
      );
    } finally {
      await cli.close();
      await srv.close();
      await other.s.close();
    }
  });
});

describe("3: an unref'd socket still receives", () => {
  it("recv on an unref'd socket gets data that arrives while no worker runs", async () => {
    const { srv, cli, up } = await pair({ busy_poll: 0 });
    try {
      srv.unref();
      assert.ok(await workerStopped(), "the poll worker stopped");
      const got = srv.recv(8000);
      // the test runner keeps the process alive; data comes after the wait
      await sleep(100);
      await cli.send(up, 0, "to an unref'd socket");
      const m = await got;
      assert.equal(
        new TextDecoder().decode(m.data as Uint8Array),
        "to an unref'd socket",
      );
    } finally {
      await cli.close();
      await srv.close();
    }
  });
});

describe("4: bindx on a socket closed while it ran", () => {
  it("rejects with closed and does not bind another socket", async () => {
    const a = await open({ ip: "127.0.0.1" });
    const p = a.bindx(["127.0.0.2"]);
    await a.close();
    const b = await open({ ip: "127.0.0.1" });
    try {
      await assert.rejects(p, isReason("closed"));
      const names = (await b.socknames()).map((x) => x.addr);
      assert.deepEqual(names, ["127.0.0.1"], `b is bound to ${names}`);
    } finally {
      await b.close();
    }
  });
});

describe("5: no fd leak when the poller cannot take a socket", () => {
  it("open() and peeloff() close the fd when registration fails", async () => {
    const f = fileURLToPath(
      new URL("./fixtures/register_fails.ts", import.meta.url),
    );
    // the shell restores root's epoll watch limit once the fixture exits
    const W = "/proc/sys/fs/epoll/max_user_watches";
    const r = spawnSync(
      "sh",
      [
        "-c",
        `saved=$(cat ${W}); "$@"; rc=$?; echo "$saved" > ${W}; exit $rc`,
        "sh",
        process.execPath,
        ...scriptArgs(f),
      ],
      { encoding: "utf8", timeout: 120000 },
    );
    assert.equal(r.status, 0, r.stderr);
    const o = JSON.parse(r.stdout.trim().split("\n").at(-1)!);
    assert.match(o.openError, /enospc|emfile|enomem/, r.stdout);
    assert.equal(o.afterOpen, o.beforeOpen, "open leaked an fd");
    assert.match(o.peeloffError, /enospc|emfile|enomem/, r.stdout);
    assert.equal(o.afterPeeloff, o.beforePeeloff, "peeloff leaked an fd");
    // and sockets work again here
    const { srv, cli, up } = await pair();
    try {
      await cli.send(up, 0, "again");
      const m = await recvData(srv);
      assert.equal(new TextDecoder().decode(m.data as Uint8Array), "again");
    } finally {
      await cli.close();
      await srv.close();
    }
  });
});

describe("6: an `into` detached while it holds pieces of a message", () => {
  it("rejects that recv with a TypeError; the socket goes on receiving", async () => {
    // small receive buffer: a 2 MiB message arrives in many pieces, over
    // many round trips, so the recv waits with pieces already in `into`
    const { srv, cli, up } = await pair({
      recbuf: 65536,
      buffer: 16384,
      busy_poll: 0,
    });
    try {
      // a large message first: the next is read straight into `into`
      await cli.send(up, 0, pattern(40000, 0));
      assert.equal(((await recvData(srv)).data as Uint8Array).length, 40000);
      let hit = false;
      for (let attempt = 0; attempt < 5 && !hit; attempt++) {
        const big = pattern(2 << 20, attempt + 1);
        const into = new Uint8Array(4 << 20);
        const r = srv.recv({ timeout: 30000, into }).then(
          (m) => ({ m }),
          (e) => ({ e }),
        );
        const sent = cli.send(up, 1, big);
        // wait until the first pieces are in `into`, then detach it
        for (let i = 0; i < 2000 && into[0] === 0; i++) await sleep(1);
        if (into.length > 0 && into[0] !== 0) {
          structuredClone(into.buffer, { transfer: [into.buffer] });
        }
        const out = await r;
        await sent;
        if ("e" in out) {
          assert.ok(out.e instanceof TypeError, `got ${out.e}`);
          assert.match(String(out.e), /detached/);
          hit = true;
        } else {
          // the whole message came before the detach: intact
          const d = (out.m as SctpMessage).data as Uint8Array;
          assert.equal(d.length, big.length);
        }
      }
      assert.ok(hit, "never detached `into` while it held pieces");
      // the rest of the lost message is skipped; the next one is whole
      await cli.send(up, 0, "after");
      const m = await recvData(srv);
      assert.equal(new TextDecoder().decode(m.data as Uint8Array), "after");
      // a detached `into` passed to recv is a TypeError at once
      const gone = new Uint8Array(16);
      structuredClone(gone.buffer, { transfer: [gone.buffer] });
      await assert.rejects(srv.recv({ into: gone }), TypeError);
    } finally {
      await cli.close();
      await srv.close();
    }
  });
});

describe("7: received messages own their buffers", () => {
  it("small messages' buffers hold only their bytes; a transfer breaks no other message", async () => {
    const a = await pair();
    const b = await pair();
    try {
      for (let i = 0; i < 8; i++) {
        await a.cli.send(a.up, 0, pattern(100, i));
        await b.cli.send(b.up, 0, pattern(60, i + 50));
      }
      const msgs: Uint8Array[] = [];
      for (let i = 0; i < 8; i++) {
        msgs.push((await recvData(a.srv)).data as Uint8Array);
        msgs.push((await recvData(b.srv)).data as Uint8Array);
      }
      for (const d of msgs) {
        assert.equal(d.byteOffset, 0);
        assert.equal(d.buffer.byteLength, d.length, "a buffer of its own");
      }
      const copy = msgs.map((d) => d.slice());
      structuredClone(msgs[0].buffer, { transfer: [msgs[0].buffer] });
      for (let i = 1; i < msgs.length; i++) {
        assert.deepEqual(msgs[i], copy[i], `message ${i} intact`);
      }
    } finally {
      for (const p of [a, b]) {
        await p.cli.close();
        await p.srv.close();
      }
    }
  });
});

describe("8: a send that has to wait captures its bytes at the call", () => {
  it("reusing the buffer after send() does not change queued messages", async () => {
    const { srv, cli, up } = await pair({ recbuf: 65536 });
    try {
      await cli.setopts({ sndbuf: 65536 });
      const buf = new Uint8Array(16384);
      const sends: Promise<void>[] = [];
      const n = 64;
      for (let i = 0; i < n; i++) {
        buf.fill(i + 1);
        sends.push(cli.send(up, 0, buf)); // most of them must queue
      }
      buf.fill(0xee);
      const all = Promise.all(sends);
      for (let i = 0; i < n; i++) {
        const d = (await recvData(srv)).data as Uint8Array;
        assert.equal(d.length, 16384);
        assert.ok(
          d.every((x) => x === i + 1),
          `message ${i} carries ${d[0]}, not ${i + 1}`,
        );
      }
      await all;
      // a detached buffer is a TypeError, not a 0-byte message
      const gone = new Uint8Array(8);
      structuredClone(gone.buffer, { transfer: [gone.buffer] });
      await assert.rejects(cli.send(up, 0, gone), TypeError);
      await assert.rejects(cli.send(up, 0, gone.buffer), TypeError);
    } finally {
      await cli.close();
      await srv.close();
    }
  });
});

describe("9: argument checks", () => {
  it("option names are never looked up through the prototype", async () => {
    await using s = await open();
    for (
      const name of ["constructor", "toString", "__proto__", "hasOwnProperty"]
    ) {
      await assert.rejects(
        s.setopts(JSON.parse(`{"${name}": 1}`)),
        (e: unknown) =>
          e instanceof TypeError && /unknown option/.test(String(e)),
        `setopts ${name}`,
      );
      await assert.rejects(
        s.getopts([name] as never),
        (e: unknown) =>
          e instanceof TypeError && /unknown option/.test(String(e)),
        `getopts ${name}`,
      );
    }
    await assert.rejects(
      open(JSON.parse(`{"constructor": 1}`)),
      TypeError,
    );
    await assert.rejects(
      s.send({ stream: 0, assoc_id: 1, flags: ["constructor"] } as never, "x"),
      TypeError,
    );
  });

  it("open applies options in the caller's order (buffer after recbuf)", async () => {
    // found while writing test 1: open seeded `buffer` first, so a caller's
    // buffer always went before its recbuf, which then raised it
    await using a = await open({ recbuf: 1 << 20, buffer: 1001 });
    assert.deepEqual(await a.getopts(["buffer"]), { buffer: 1001 });
    await using b = await open({ buffer: 1001, recbuf: 1 << 20 });
    assert.deepEqual(await b.getopts(["buffer"]), { buffer: 1 << 20 });
    await using c = await open();
    assert.deepEqual(await c.getopts(["buffer"]), { buffer: 65536 });
  });

  it("listen backlog outside i32 is a RangeError", async () => {
    await using s = await open({ type: "stream" });
    await assert.rejects(s.listen(2 ** 31), RangeError);
    await assert.rejects(s.listen(-(2 ** 31) - 1), RangeError);
    await assert.rejects(s.listen(2 ** 40), RangeError);
    await s.listen(2 ** 31 - 1); // the largest is fine (the kernel clamps)
  });

  it("an IPv6 scope id above 2^32-1 is refused, not wrapped", async () => {
    await assert.rejects(
      open({ ip: "fe80::1%4294967297", family: "inet6" }),
      TypeError,
    );
  });

  it("bind_to_device refuses names the kernel would truncate", async () => {
    await assert.rejects(
      open({ bind_to_device: "abcdefghijklmnop" }), // 16 bytes
      RangeError,
    );
    await assert.rejects(open({ bind_to_device: "lo\0x" }), TypeError);
  });
});
