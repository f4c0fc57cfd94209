// recv/1,2: timeouts, cancellation, concurrent and invalid calls, and what
// every method answers on a closed socket.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { SctpError } from "../mod.ts";
import { open, recvData, server, text } from "./helpers.ts";

const isReason = (r: string) => (e: unknown) =>
  e instanceof SctpError && e.reason === r;

describe("recv", () => {
  it('recv(timeout) with nothing to read rejects with "timeout"', async () => {
    await using s = await open({ ip: "127.0.0.1" });
    const t0 = Date.now();
    await assert.rejects(s.recv(200), isReason("timeout"));
    assert.ok(Date.now() - t0 >= 150, "waited about the timeout");
    await assert.rejects(s.recv({ timeout: 50 }), isReason("timeout"));
    // after a timeout the socket still receives
    await assert.rejects(s.recv(1), isReason("timeout"));
  });

  it('recv(0) rejects with "timeout" at once when nothing is queued', async () => {
    const { s: srv, port } = await server();
    const cli = await open();
    try {
      await assert.rejects(srv.recv(0), isReason("timeout"));
      const up = await cli.connect("127.0.0.1", port, {}, 20000);
      await cli.send(up, 0, "queued");
      const m = await recvData(srv);
      assert.equal(text(m.data), "queued");
      await assert.rejects(srv.recv(0), isReason("timeout"));
    } finally {
      await cli.close();
      await srv.close();
    }
  });

  it("consecutive waits each keep their own timeout", async () => {
    const { s: srv, port } = await server();
    const cli = await open();
    try {
      const up = await cli.connect("127.0.0.1", port, {}, 20000);
      // served long before its timeout
      const late = setTimeout(() => cli.send(up, 0, "a").catch(() => {}), 50);
      assert.equal(text((await recvData(srv, 60000)).data), "a");
      clearTimeout(late);
      // then a shorter timeout fires on time
      let t0 = performance.now();
      await assert.rejects(srv.recv(100), isReason("timeout"));
      let dt = performance.now() - t0;
      assert.ok(dt >= 95 && dt < 5000, `recv(100) timed out after ${dt} ms`);
      // a wait served early, then a longer one: it must not end at the
      // first one's timeout
      const b = recvData(srv, 300);
      setTimeout(() => cli.send(up, 0, "b").catch(() => {}), 30);
      assert.equal(text((await b).data), "b");
      t0 = performance.now();
      await assert.rejects(srv.recv(700), isReason("timeout"));
      dt = performance.now() - t0;
      assert.ok(dt >= 690, `recv(700) timed out after ${dt} ms`);
    } finally {
      await cli.close();
      await srv.close();
    }
  });

  it("the longest timeout (4294967294 ms) waits (setTimeout's limit is 2^31-1)", async () => {
    const { s: srv, port } = await server();
    const cli = await open();
    try {
      const up = await cli.connect("127.0.0.1", port, {}, 4294967294);
      const t0 = performance.now();
      const p = srv.recv(4294967294);
      let early: unknown = null;
      p.catch((e) => early = e);
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(early, null, "the recv ended before any data came");
      await cli.send(up, 0, "late");
      let m = await p;
      while (!(m.data instanceof Uint8Array)) m = await srv.recv(4294967294);
      assert.equal(text(m.data), "late");
      assert.ok(performance.now() - t0 >= 290);
    } finally {
      await cli.close();
      await srv.close();
    }
  });

  it("bad timeouts are TypeError/RangeError", async () => {
    await using s = await open();
    // deno-lint-ignore no-explicit-any
    const r = s.recv.bind(s) as any;
    await assert.rejects(r(-1), RangeError);
    await assert.rejects(r(1.5), TypeError);
    await assert.rejects(r("soon"), TypeError);
    await assert.rejects(r({ signal: "no" }), TypeError);
  });

  it('an AbortSignal rejects a pending recv with "aborted"', async () => {
    await using s = await open({ ip: "127.0.0.1" });
    const ac = new AbortController();
    const p = s.recv({ timeout: 20000, signal: ac.signal });
    ac.abort();
    await assert.rejects(p, isReason("aborted"));
    // an already aborted signal
    await assert.rejects(s.recv({ signal: ac.signal }), isReason("aborted"));
    // the socket is not stuck: another recv may wait
    await assert.rejects(s.recv(10), isReason("timeout"));
  });

  it('close while a recv is pending rejects it with "closed"', async () => {
    const s = await open({ ip: "127.0.0.1" });
    const p = s.recv();
    await s.close();
    await assert.rejects(p, isReason("closed"));
  });

  it('a second concurrent recv rejects with "ealready"', async () => {
    await using s = await open({ ip: "127.0.0.1" });
    const first = s.recv(20000);
    await assert.rejects(s.recv(10), isReason("ealready"));
    await s.close();
    await assert.rejects(first, isReason("closed"));
  });

  it('recv on an active socket rejects with "einval"', async () => {
    await using s = await open({ active: true });
    await assert.rejects(s.recv(10), isReason("einval"));
    await s.setopts({ active: "once" });
    await assert.rejects(s.recv(10), isReason("einval"));
    await s.setopts({ active: 5 });
    await assert.rejects(s.recv(10), isReason("einval"));
    await s.setopts({ active: false });
    await assert.rejects(s.recv(10), isReason("timeout"));
  });

  it('every method of a closed socket answers "closed"; close again is fine', async () => {
    const { s: srv, port } = await server();
    const s = await open();
    let up;
    try {
      up = await s.connect("127.0.0.1", port, {}, 20000);
    } finally {
      await s.close();
      await srv.close();
    }
    const closed = isReason("closed");
    await assert.rejects(s.listen(true), closed);
    await assert.rejects(s.connect("127.0.0.1", port), closed);
    await assert.rejects(s.connect({ addr: "127.0.0.1", port }), closed);
    await assert.rejects(s.connectInit("127.0.0.1", port), closed);
    await assert.rejects(s.connectxInit(["127.0.0.1"], port), closed);
    await assert.rejects(s.send(up, 0, "x"), closed);
    await assert.rejects(s.send({ assoc_id: up.assoc_id }, "x"), closed);
    await assert.rejects(s.recv(), closed);
    await assert.rejects(s.recv(0), closed);
    await assert.rejects(s.eof(up), closed);
    await assert.rejects(s.abort(up), closed);
    await assert.rejects(s.peeloff(up), closed);
    await assert.rejects(s.setopts({ active: true }), closed);
    await assert.rejects(s.getopts(["active"]), closed);
    await assert.rejects(s.port(), closed);
    await assert.rejects(s.socknames(), closed);
    await assert.rejects(s.peernames(up), closed);
    await s.close();
    assert.equal(s.closed, true);
  });
});
