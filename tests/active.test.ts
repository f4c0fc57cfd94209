// Active mode: "sctp" events, once, active N with "sctp_passive", and the
// exact counter rules of gen_sctp (behaviour §8.3).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { SctpError, type SctpMessage, type SctpSocket } from "../mod.ts";
import { isEvent, open, recvData, server, text } from "./helpers.ts";

const isData = (m: SctpMessage) => m.data instanceof Uint8Array;
const tick = () => new Promise((r) => setTimeout(r, 0));

/** Records a socket's "sctp" and "sctp_passive" events. */
function watch(s: SctpSocket) {
  const msgs: SctpMessage[] = [];
  let passive = 0;
  let wake: (() => void) | null = null;
  const poke = () => {
    const w = wake;
    wake = null;
    w?.();
  };
  s.addEventListener("sctp", (e) => {
    assert.ok(e instanceof CustomEvent);
    msgs.push(e.detail);
    poke();
  });
  s.addEventListener("sctp_passive", () => {
    passive++;
    poke();
  });
  /** Waits (up to 20 s) until `cond` holds. */
  const until = async (cond: () => boolean, what: string) => {
    const end = Date.now() + 20000;
    while (!cond()) {
      const left = end - Date.now();
      if (left <= 0) assert.fail(`timed out waiting for ${what}`);
      await new Promise<void>((r) => {
        const t = setTimeout(r, left);
        wake = () => {
          clearTimeout(t);
          r();
        };
      });
    }
  };
  return {
    msgs,
    passive: () => passive,
    until,
  };
}

/** Polls a condition on the socket's state (not a timing assumption). */
async function poll(cond: () => Promise<boolean>, what: string) {
  const end = Date.now() + 20000;
  while (!(await cond())) {
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const einval = (e: unknown) => e instanceof SctpError && e.reason === "einval";

describe("active mode", () => {
  it('active true: each message is a CustomEvent "sctp" with { fromIp, fromPort, ancData, data }', async () => {
    const { s: srv, port } = await server({ active: true });
    const w = watch(srv);
    const cli = await open();
    try {
      const up = await cli.connect("127.0.0.1", port, {}, 20000);
      await cli.send({ stream: 0, ppid: 7, assoc_id: up.assoc_id }, "active!");
      await w.until(() => w.msgs.some(isData), "data");
      const m = w.msgs.find(isData)!;
      assert.deepEqual(Object.keys(m).sort(), [
        "ancData",
        "data",
        "fromIp",
        "fromPort",
      ]);
      assert.equal(m.fromIp, "127.0.0.1");
      assert.equal(m.fromPort, await cli.port());
      assert.equal(text(m.data), "active!");
      const info = m.ancData[0] as { type: string; ppid: number };
      assert.equal(info.type, "sctp_sndrcvinfo");
      assert.equal(info.ppid, 7);
      const i = w.msgs.findIndex((m) =>
        isEvent(m, "sctp_assoc_change", "comm_up")
      );
      assert.ok(i >= 0 && i < w.msgs.indexOf(m), "comm_up came first");
      assert.deepEqual(await srv.getopts(["active"]), { active: true });
      assert.equal(w.passive(), 0);
    } finally {
      await cli.close();
      await srv.close();
    }
  });

  it('active "once": one delivery, then passive (getopts active false) and recv works', async () => {
    const { s: srv, port } = await server({ active: "once" });
    const w = watch(srv);
    const cli = await open();
    try {
      const up = await cli.connect("127.0.0.1", port, {}, 20000);
      await w.until(() => w.msgs.length > 0, "one delivery");
      assert.deepEqual(await srv.getopts(["active"]), { active: false });
      await cli.send(up, 0, "to a passive socket");
      const m = await recvData(srv);
      assert.equal(text(m.data), "to a passive socket");
      assert.equal(w.msgs.length, 1, "only one message was delivered");
      assert.equal(w.passive(), 0, 'once sends no "sctp_passive"');
      // and again
      await srv.setopts({ active: "once" });
      await cli.send(up, 0, "once more");
      await w.until(() => w.msgs.length === 2, "second delivery");
      assert.equal(text(w.msgs[1].data), "once more");
      assert.deepEqual(await srv.getopts(["active"]), { active: false });
    } finally {
      await cli.close();
      await srv.close();
    }
  });

  it('active N: N deliveries, then "sctp_passive"; the rest waits for recv', async () => {
    const { s: srv, port } = await server({ active: 3 });
    const w = watch(srv);
    const cli = await open();
    try {
      assert.deepEqual(await srv.getopts(["active"]), { active: 3 });
      const up = await cli.connect("127.0.0.1", port, {}, 20000);
      for (let i = 0; i < 5; i++) await cli.send(up, 0, `m${i}`);
      await w.until(() => w.passive() === 1, "sctp_passive");
      assert.equal(w.msgs.length, 3, "exactly N deliveries");
      assert.deepEqual(await srv.getopts(["active"]), { active: false });
      const got = w.msgs.filter(isData).map((m) => text(m.data));
      while (got.length < 5) got.push(text((await recvData(srv)).data));
      assert.deepEqual(got, ["m0", "m1", "m2", "m3", "m4"]);
      assert.equal(w.msgs.length, 3);
      assert.equal(w.passive(), 1);
    } finally {
      await cli.close();
      await srv.close();
    }
  });

  it("active N counter rules (OTP's active_n sequence)", async () => {
    const s = await open({ active: 3 });
    const w = watch(s);
    const active = async () => (await s.getopts(["active"])).active;
    try {
      assert.equal(await active(), 3);
      await s.setopts({ active: -3 });
      await w.until(() => w.passive() === 1, "passive after -3");
      assert.equal(await active(), false);
      await s.setopts({ active: 0 });
      await w.until(
        () => w.passive() === 2,
        "passive after 0 on a passive socket",
      );
      await s.setopts({ active: 32767 });
      assert.equal(await active(), 32767);
      await assert.rejects(s.setopts({ active: 1 }), einval);
      assert.equal(await active(), 32767, "a failed add changes nothing");
      // out of the int16 range: rejected before any counting (gen_sctp einval)
      await assert.rejects(s.setopts({ active: -32769 }), RangeError);
      await assert.rejects(s.setopts({ active: 32768 }), RangeError);
      assert.equal(await active(), 32767);
      await s.setopts({ active: -32768 });
      await w.until(() => w.passive() === 3, "passive after -32768");
      assert.equal(await active(), false);
      await s.setopts({ active: 3 });
      assert.equal(await active(), 3);
      await s.setopts({ active: 2 });
      assert.equal(await active(), 5, "active N adds to the counter");
      await s.setopts({ active: true });
      assert.equal(await active(), true);
      await s.setopts({ active: 3 });
      assert.equal(await active(), 3, "the counter restarts after true");
      await s.setopts({ active: "once" });
      assert.equal(await active(), "once");
      await s.setopts({ active: false });
      assert.equal(await active(), false);
      await tick();
      assert.equal(w.passive(), 3, "true/once/false send no sctp_passive");
      assert.equal(w.msgs.length, 0);
      // deno-lint-ignore no-explicit-any
      await assert.rejects(s.setopts({ active: "yes" as any }), TypeError);
    } finally {
      await s.close();
    }
  });

  it("open({ active: 0 }) is passive and posts sctp_passive, even to a late listener", async () => {
    const s = await open({ active: 0 });
    try {
      assert.deepEqual(await s.getopts(["active"]), { active: false });
      await tick();
      const w = watch(s);
      await w.until(() => w.passive() === 1, "queued sctp_passive");
    } finally {
      await s.close();
    }
  });

  it("deliveries queued before a listener is attached are not lost", async () => {
    const { s: srv, port } = await server({ active: 1 });
    const cli = await open();
    try {
      const up = await cli.connect("127.0.0.1", port, {}, 20000);
      await cli.send(up, 0, "early");
      // the first message has been taken (active 1 -> passive) with no
      // listener attached yet
      await poll(
        async () => (await srv.getopts(["active"])).active === false,
        "the first delivery",
      );
      const w = watch(srv);
      await w.until(() => w.passive() === 1, "queued delivery");
      assert.equal(w.msgs.length, 1, "the queued message was delivered");
      assert.equal(w.msgs[0].fromPort, await cli.port());
      // the listener now sees what arrives next
      await srv.setopts({ active: true });
      await w.until(() => w.msgs.some(isData), "data");
      assert.ok(
        w.msgs.filter(isData).every((m) => text(m.data) === "early"),
      );
    } finally {
      await cli.close();
      await srv.close();
    }
  });

  it("connect on an active socket resolves comm_up without dispatching it", async () => {
    const { s: srv, port } = await server();
    const cli = await open({ active: true });
    const w = watch(cli);
    const once = await open({ active: "once" });
    try {
      const up = await cli.connect({ addr: "127.0.0.1", port }, {}, 20000);
      assert.equal(up.state, "comm_up");
      assert.ok(up.assoc_id > 0);
      await cli.send(up, 0, "ping");
      const m = await recvData(srv);
      assert.equal(text(m.data), "ping");
      const info = m.ancData[0] as { assoc_id: number };
      await srv.send(info.assoc_id, 0, "pong");
      await w.until(() => w.msgs.some(isData), "data on the active client");
      assert.equal(text(w.msgs.find(isData)!.data), "pong");
      assert.ok(
        !w.msgs.some((m) => isEvent(m, "sctp_assoc_change")),
        "comm_up was consumed by connect, not dispatched",
      );
      // connect on an active-once socket leaves it active once
      const up2 = await once.connect("127.0.0.1", port, {}, 20000);
      assert.equal(up2.state, "comm_up");
      assert.deepEqual(await once.getopts(["active"]), { active: "once" });
    } finally {
      await once.close();
      await cli.close();
      await srv.close();
    }
  });
});
