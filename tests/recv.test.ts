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
