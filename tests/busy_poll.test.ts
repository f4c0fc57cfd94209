// The busy_poll socket option: validation, read-back, inheritance, and that
// a busy-polling socket still receives (inside and after its budget), times
// out on time, works in active mode and stops spinning when closed.
import assert from "node:assert/strict";
import process from "node:process";
import { describe, it } from "node:test";
import { SctpError } from "../mod.ts";
import { spinBudgetFor } from "../src/poller.ts";
import { isEvent, open, recvData, server, text } from "./helpers.ts";

const isReason = (r: string) => (e: unknown) =>
  e instanceof SctpError && e.reason === r;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("busy_poll", () => {
  it('defaults to "auto", reads back, and rejects bad values', async () => {
    await using s = await open({ busy_poll: 250 });
    assert.deepEqual(await s.getopts(["busy_poll"]), { busy_poll: 250 });
    await s.setopts({ busy_poll: 0 });
    assert.deepEqual(await s.getopts(["busy_poll"]), { busy_poll: 0 });
    await s.setopts({ busy_poll: "auto" });
    assert.deepEqual(await s.getopts(["busy_poll"]), { busy_poll: "auto" });
    await using d = await open();
    assert.deepEqual(await d.getopts(["busy_poll"]), { busy_poll: "auto" });
    // @ts-expect-error: a wrong value is a compile error too
    await assert.rejects(s.setopts({ busy_poll: "Auto" }), TypeError);
    await assert.rejects(s.setopts({ busy_poll: -1 }), RangeError);
    await assert.rejects(s.setopts({ busy_poll: 1000001 }), RangeError);
    await assert.rejects(s.setopts({ busy_poll: 1.5 }), TypeError);
    // @ts-expect-error: a wrong value is a compile error too
    await assert.rejects(s.setopts({ busy_poll: "fast" }), TypeError);
    // @ts-expect-error: a wrong value is a compile error too
    await assert.rejects(open({ busy_poll: true }), TypeError);
  });

  it("receives within the budget and after it (poll worker fallback)", async () => {
    const { s: srv, port } = await server({ busy_poll: 20000 });
    const cli = await open({ busy_poll: 20000 });
    try {
      const up = await cli.connect("127.0.0.1", port, {}, 20000);
      // sent while the server spins
      const p1 = recvData(srv);
      await cli.send(up, 0, "early");
      assert.equal(text((await p1).data), "early");
      // sent long after the 20 ms budget: the poll worker delivers it
      const p2 = recvData(srv);
      await sleep(300);
      await cli.send(up, 1, "late");
      const m = await p2;
      assert.equal(text(m.data), "late");
      // a reply the other way, to the spinning client
      const info = m.ancData[0] as { assoc_id: number };
      const p3 = recvData(cli);
      await srv.send({ assoc_id: info.assoc_id, stream: 0 }, "reply");
      assert.equal(text((await p3).data), "reply");
      // many messages: every one arrives, in order
      const got: string[] = [];
      const all = (async () => {
        for (let i = 0; i < 200; i++) {
          got.push(text((await recvData(srv)).data));
        }
      })();
      for (let i = 0; i < 200; i++) await cli.send(up, 0, `m${i}`);
      await all;
      assert.deepEqual(got, Array.from({ length: 200 }, (_, i) => `m${i}`));
    } finally {
      await cli.close();
      await srv.close();
    }
  });

  it("a recv timeout shorter than the budget fires on time", async () => {
    await using s = await open({ ip: "127.0.0.1", busy_poll: 1000000 });
    const t0 = performance.now();
    await assert.rejects(s.recv(50), isReason("timeout"));
    const dt = performance.now() - t0;
    assert.ok(dt >= 45, `timed out after ${dt} ms, before the timeout`);
    assert.ok(dt < 900, `timed out after ${dt} ms: waited for the budget`);
    // and a longer one outlives the budget
    await s.setopts({ busy_poll: 10000 });
    const t1 = performance.now();
    await assert.rejects(s.recv(200), isReason("timeout"));
    assert.ok(performance.now() - t1 >= 190);
  });

  it("close and abort end a spinning recv", async () => {
    const s = await open({ ip: "127.0.0.1", busy_poll: 1000000 });
    const ac = new AbortController();
    const p = s.recv({ signal: ac.signal });
    await sleep(20);
    ac.abort();
    await assert.rejects(p, isReason("aborted"));
    const q = s.recv();
    await sleep(20);
    await s.close();
    await assert.rejects(q, isReason("closed"));
  });

  it("active mode delivers events while spinning", async () => {
    const { s: srv, port } = await server({ busy_poll: 5000, active: true });
    const cli = await open();
    try {
      const got = new Promise<string>((resolve) => {
        srv.addEventListener("sctp", (ev) => {
          const m = (ev as CustomEvent).detail;
          if (m.data instanceof Uint8Array) resolve(text(m.data));
          else assert.ok(isEvent(m, "sctp_assoc_change", "comm_up"));
        });
      });
      const up = await cli.connect("127.0.0.1", port, {}, 20000);
      await cli.send(up, 0, "active");
      assert.equal(await got, "active");
    } finally {
      await cli.close();
      await srv.close();
    }
  });

  it('"auto": request/response and slow data both arrive; an idle wait sleeps', async () => {
    const { s: srv, port } = await server();
    const cli = await open();
    try {
      const up = await cli.connect("127.0.0.1", port, {}, 20000);
      // ping-pong: the pattern auto mode spins for
      const echo = (async () => {
        for (let i = 0; i < 100; i++) {
          const m = await recvData(srv);
          const { assoc_id, stream } = m.ancData[0] as {
            assoc_id: number;
            stream: number;
          };
          await srv.send({ assoc_id, stream }, m.data as Uint8Array);
        }
      })();
      for (let i = 0; i < 100; i++) {
        await cli.send(up, i % 4, `p${i}`);
        assert.equal(text((await recvData(cli)).data), `p${i}`);
      }
      await echo;
      // then data that comes slowly, after waits far beyond any budget
      for (let i = 0; i < 3; i++) {
        const p = recvData(srv);
        await sleep(150);
        await cli.send(up, 0, `slow${i}`);
        assert.equal(text((await p).data), `slow${i}`);
      }
      // an idle wait costs (almost) no CPU: at most a budget of spinning
      const p = srv.recv(400).catch((e) => e);
      const c0 = process.cpuUsage();
      const e = await p;
      const c = process.cpuUsage(c0);
      assert.ok(isReason("timeout")(e));
      const ms = (c.user + c.system) / 1000;
      assert.ok(ms < 200, `idle 400 ms wait used ${ms} ms of CPU (spinning)`);
      assert.deepEqual(await srv.getopts(["busy_poll"]), {
        busy_poll: "auto",
      });
    } finally {
      await cli.close();
      await srv.close();
    }
  });

  it('"auto" budget covers twice the sleep cost however slow wake-ups are (up to 10 ms)', () => {
    // a sleep costs two hops; the budget must be at least that twice over, or
    // two peers that both sleep see each other's replies come after a
    // sleeping wake-up, beyond the budget, and never spin again (measured in
    // the VM: hops of 1-3 ms, a 2 ms bound, RTT stuck at 6-9 ms)
    for (const hop of [0.0125, 0.05, 0.25, 0.5, 1, 1.5, 2, 2.5]) {
      assert.equal(spinBudgetFor(hop), 4 * hop, `hop ${hop} ms`);
    }
    assert.equal(spinBudgetFor(0.001), 0.05, "at least 50 µs");
    assert.equal(spinBudgetFor(100), 10, "at most 10 ms");
  });

  it("peeloff inherits busy_poll", async () => {
    const { s: srv, port } = await server({ busy_poll: 700 });
    const cli = await open();
    try {
      const up = await cli.connect("127.0.0.1", port, {}, 20000);
      const one = await srv.peeloff(
        (await recvUntilUp(srv)).assoc_id,
      );
      try {
        assert.deepEqual(await one.getopts(["busy_poll"]), { busy_poll: 700 });
        await cli.send(up, 0, "peeled");
        assert.equal(text((await recvData(one)).data), "peeled");
      } finally {
        await one.close();
      }
    } finally {
      await cli.close();
      await srv.close();
    }
  });
});

async function recvUntilUp(s: Awaited<ReturnType<typeof open>>) {
  for (;;) {
    const m = await s.recv(20000);
    if (isEvent(m, "sctp_assoc_change", "comm_up")) {
      return m.data as { assoc_id: number };
    }
  }
}
