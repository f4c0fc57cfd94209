// gen_sctp open/0,1,2 and close/1: defaults, argument checking, binding.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { SctpError } from "../mod.ts";
import { readdirSync, readlinkSync } from "node:fs";
import { fdCount, open } from "./helpers.ts";

/** The process's open sockets, `socket:[inode]` (runtime-internal ones come
 * and go: compare sets, not counts). */
function sockets(): Set<string> {
  const out = new Set<string>();
  for (const fd of readdirSync("/proc/self/fd")) {
    try {
      const l = readlinkSync(`/proc/self/fd/${fd}`);
      if (l.startsWith("socket:")) out.add(l);
    } catch {
      // closed meanwhile
    }
  }
  return out;
}

/** A port that was free a moment ago (bound, read, closed). */
async function freePort(ip = "127.0.0.1"): Promise<number> {
  const s = await open({ ip });
  try {
    return await s.port();
  } finally {
    await s.close();
  }
}

const isReason = (reason: string) => (e: unknown) =>
  e instanceof SctpError && e.reason === reason;

describe("open", () => {
  it("open() has gen_sctp's defaults: binary, passive, buffer 65536, seqpacket, inet", async () => {
    await using s = await open();
    const o = await s.getopts(["mode", "active", "buffer", "non_block_send"]);
    assert.deepEqual(o, {
      mode: "binary",
      active: false,
      buffer: 65536,
      non_block_send: false,
    });
    assert.equal(s.type, "seqpacket");
    assert.equal(s.family, "inet");
    assert.equal(s.closed, false);
    assert.ok((await s.port()) > 0, "bound to a kernel-assigned port");
  });

  it("open(port), open(port, opts) and open(opts) bind the requested port", async () => {
    const p1 = await freePort();
    {
      await using s = await open(p1);
      assert.equal(await s.port(), p1);
    }
    const p2 = await freePort();
    {
      await using s = await open(p2, { ip: "127.0.0.1", mode: "list" });
      assert.equal(await s.port(), p2);
      assert.deepEqual(await s.getopts(["mode"]), { mode: "list" });
      assert.deepEqual(await s.socknames(), [{ addr: "127.0.0.1", port: p2 }]);
    }
    const p3 = await freePort();
    {
      await using s = await open({ port: p3, ip: "127.0.0.1", active: true });
      assert.equal(await s.port(), p3);
      assert.deepEqual(await s.getopts(["active"]), { active: true });
    }
  });

  it("out-of-range ports are RangeError (gen_sctp badarg)", async () => {
    await assert.rejects(open(-1), RangeError);
    await assert.rejects(open(65536), RangeError);
    await assert.rejects(open({ port: 70000 }), RangeError);
    await assert.rejects(open(1.5), TypeError);
  });

  it("bad types, unknown options and bad option values are TypeError", async () => {
    const before = sockets();
    // deno-lint-ignore no-explicit-any
    const bad = (x: any, y?: any) => open(x, y);
    await assert.rejects(bad({ type: "bogus" }), TypeError);
    await assert.rejects(bad({ bogus_option: 1 }), TypeError);
    await assert.rejects(bad({ mode: "x" }), TypeError);
    await assert.rejects(bad({ active: "sometimes" }), TypeError);
    await assert.rejects(bad({ family: "inet7" }), TypeError);
    await assert.rejects(bad({ ip: "not an address" }), TypeError);
    await assert.rejects(bad({ ip: "::1", family: "inet" }), TypeError);
    await assert.rejects(bad("0"), TypeError);
    await assert.rejects(bad(0, "opts"), TypeError);
    await assert.rejects(bad({}, {}), TypeError);
    // no new socket (the runtime may close one of its own meanwhile)
    const left = [...sockets()].filter((l) => !before.has(l));
    assert.deepEqual(left, [], "failed opens leave no socket behind");
  });

  it("options given to open() are all set, whatever their order; recbuf then buffer ends with that buffer", async () => {
    const s = await open({
      sctp_nodelay: true,
      sndbuf: 50000,
      sctp_initmsg: { num_ostreams: 7 },
      recbuf: 100000,
      buffer: 1000,
      sctp_events: { address_event: false },
      active: false,
    });
    try {
      const o = await s.getopts([
        "sctp_nodelay",
        "sndbuf",
        "recbuf",
        "buffer",
        "sctp_initmsg",
        "sctp_events",
      ]);
      assert.equal(o.sctp_nodelay, true);
      // Linux doubles what it is asked (below net.core.[rw]mem_max);
      // neither is the 4 MiB default
      assert.equal(o.sndbuf, 100000);
      assert.equal(o.recbuf, 200000);
      assert.equal(o.buffer, 1000);
      assert.equal(o.sctp_initmsg?.num_ostreams, 7);
      assert.equal(o.sctp_events?.address_event, false);
      assert.equal(o.sctp_events?.data_io_event, true);
      assert.equal(o.sctp_events?.adaptation_layer_event, false);
    } finally {
      await s.close();
    }
    const t = await open({ buffer: 1000, recbuf: 100000 });
    try {
      assert.equal((await t.getopts(["buffer"])).buffer, 100000);
    } finally {
      await t.close();
    }
  });

  it("an option the kernel refuses at open() rejects with its reason and leaves no socket", async () => {
    const before = sockets();
    // Linux: SCTP_AUTOCLOSE is for one-to-many sockets only
    await assert.rejects(
      open({ type: "stream", sctp_nodelay: true, sctp_autoclose: 5 }),
      (e: unknown) =>
        e instanceof SctpError && e.reason === "eopnotsupp" &&
        /sctp_autoclose/.test(e.message),
    );
    const left = [...sockets()].filter((l) => !before.has(l));
    assert.deepEqual(left, [], "the refused open leaves no socket behind");
  });

  it("a port in use gives eaddrinuse", async () => {
    await using a = await open({ ip: "127.0.0.1" });
    const port = await a.port();
    await assert.rejects(
      open(port, { ip: "127.0.0.1" }),
      isReason("eaddrinuse"),
    );
  });

  it("the same port can be opened again after close (4 times, as OTP's api_open_close)", async () => {
    const port = await freePort();
    for (let i = 0; i < 4; i++) {
      const s = await open(port, { ip: "127.0.0.1" });
      try {
        assert.equal(await s.port(), port);
      } finally {
        await s.close();
      }
    }
  });

  it('an IPv6 ip ("::1") implies family inet6', async () => {
    await using s = await open({ ip: "::1" });
    assert.equal(s.family, "inet6");
    const port = await s.port();
    assert.deepEqual(await s.socknames(), [{ addr: "::1", port }]);
    await using t = await open({ family: "inet6" });
    assert.equal(t.family, "inet6");
  });

  it('type "stream" opens a one-to-one socket', async () => {
    await using s = await open({ type: "stream", ip: "127.0.0.1" });
    assert.equal(s.type, "stream");
    assert.deepEqual(await s.getopts(["mode", "active"]), {
      mode: "binary",
      active: false,
    });
  });

  it("close is idempotent and marks the socket closed", async () => {
    const s = await open();
    await s.close();
    assert.equal(s.closed, true);
    await s.close();
    await s.close();
    assert.equal(s.closed, true);
  });

  it("opening and closing 1,000 sockets leaks no file descriptor", async () => {
    // warm up (loads the shim, starts what is started once)
    await (await open()).close();
    const before = fdCount();
    const had = sockets();
    for (let i = 0; i < 1000; i++) {
      const s = await open(i % 2 === 0 ? undefined : { ip: "127.0.0.1" });
      await s.close();
    }
    const left = [...sockets()].filter((l) => !had.has(l));
    assert.deepEqual(left, [], "no socket left open");
    // the runtime's own fds (workers, event loops) vary by a few; a leak
    // would be about 1,000
    const after = fdCount();
    assert.ok(after - before < 32, `fds: ${before} before, ${after} after`);
  });
});
