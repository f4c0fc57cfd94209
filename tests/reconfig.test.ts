/**
 * Stream reconfiguration (RFC 6525) on the real stack: resetting streams
 * restarts their sequence numbers and both sides get the event; added
 * streams are usable at once; an association reset is seen by both; a peer
 * that does not accept requests denies them.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  SctpError,
  type SctpEventType,
  type SctpMessage,
  type SctpSndRcvInfo,
  type SctpSocket,
} from "../mod.ts";
import { isEvent, open, recvData, recvUntil, text } from "./helpers.ts";

type Rec = Record<string, unknown>;
const EVENTS: SctpEventType[] = [
  "sctp_stream_reset_event",
  "sctp_assoc_reset_event",
  "sctp_stream_change_event",
];

/** A socket with reconfiguration on and its events subscribed. */
async function endpoint(accept: boolean, ip?: string) {
  const s = await open({
    ...(ip ? { ip } : {}),
    sctp_reconfig_supported: { assoc_value: true },
    sctp_enable_stream_reset: {
      assoc_value: accept
        ? [
          "enable_reset_stream_req",
          "enable_reset_assoc_req",
          "enable_change_assoc_req",
        ]
        : [],
    },
  });
  for (const se_type of EVENTS) {
    await s.setopts({ sctp_event: { se_type, se_on: true } });
  }
  return s;
}

async function setup(srvAccepts = true) {
  const srv = await endpoint(srvAccepts, "127.0.0.1");
  await srv.listen(true);
  const cli = await endpoint(true);
  const assoc = await cli.connect("127.0.0.1", await srv.port(), {
    sctp_initmsg: { num_ostreams: 4, max_instreams: 4 },
  });
  await recvUntil(srv, (m) => isEvent(m, "sctp_assoc_change", "comm_up"));
  const supported = await cli.getopts([{
    sctp_reconfig_supported: { assoc_id: assoc.assoc_id },
  }]);
  assert.equal(supported.sctp_reconfig_supported.assoc_value, true);
  return { srv, cli, assoc };
}

const ev = (m: SctpMessage) => m.data as unknown as Rec;
const sri = (m: SctpMessage) => m.ancData[0] as SctpSndRcvInfo;

/** Retries `f` while the kernel answers eagain (data still in flight). */
async function whenIdle(f: () => Promise<void>) {
  const end = Date.now() + 10000;
  for (;;) {
    try {
      return await f();
    } catch (e) {
      if (
        !(e instanceof SctpError) || e.reason !== "eagain" ||
        Date.now() > end
      ) throw e;
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}

async function closeAll(...s: SctpSocket[]) {
  for (const x of s) await x.close();
}

describe("stream reconfiguration", () => {
  it("resetStreams: both sides get the event, the stream's ssn restarts at 0", async () => {
    const { srv, cli, assoc } = await setup();
    try {
      for (let i = 0; i < 3; i++) await cli.send(assoc, 1, `m${i}`);
      const ssns: number[] = [];
      for (let i = 0; i < 3; i++) ssns.push(sri(await recvData(srv)).ssn!);
      assert.deepEqual(ssns, [0, 1, 2]);
      await whenIdle(() => cli.resetStreams(assoc, "outgoing", [1]));
      const mine = await recvUntil(
        cli,
        (m) => isEvent(m, "sctp_stream_reset_event"),
      );
      assert.deepEqual(ev(mine).flags, ["outgoing_ssn"]);
      assert.deepEqual(ev(mine).stream_list, [1]);
      assert.equal(ev(mine).assoc_id, assoc.assoc_id);
      const theirs = await recvUntil(
        srv,
        (m) => isEvent(m, "sctp_stream_reset_event"),
      );
      assert.deepEqual(ev(theirs).flags, ["incoming_ssn"]);
      assert.deepEqual(ev(theirs).stream_list, [1]);
      await cli.send(assoc, 1, "after");
      const after = await recvData(srv);
      assert.equal(text(after.data), "after");
      assert.equal(sri(after).ssn, 0);
      // all streams, both directions
      await whenIdle(() => cli.resetStreams(assoc, "both"));
      const all = await recvUntil(
        cli,
        (m) => isEvent(m, "sctp_stream_reset_event"),
      );
      assert.deepEqual(ev(all).stream_list, []);
      assert.ok(
        (ev(all).flags as string[]).some((f) => f.endsWith("_ssn")),
        JSON.stringify(ev(all)),
      );
    } finally {
      await closeAll(cli, srv);
    }
  });

  it("addStreams: the change event gives the new count and the new stream works at once", async () => {
    const { srv, cli, assoc } = await setup();
    try {
      const before = (await cli.getopts([{
        sctp_status: { assoc_id: assoc.assoc_id },
      }])).sctp_status.outstrms;
      await cli.addStreams(assoc, { outstrms: 2 });
      const ch = await recvUntil(
        cli,
        (m) => isEvent(m, "sctp_stream_change_event"),
      );
      assert.deepEqual(ev(ch).flags, []);
      // RFC 6525 says the new totals; Linux reports the number added
      assert.ok(
        [2, before + 2].includes(ev(ch).outstrms as number),
        JSON.stringify(ev(ch)),
      );
      const peer = await recvUntil(
        srv,
        (m) => isEvent(m, "sctp_stream_change_event"),
      );
      assert.ok(
        [2, before + 2].includes(ev(peer).instrms as number),
        JSON.stringify(ev(peer)),
      );
      const now = (await cli.getopts([{
        sctp_status: { assoc_id: assoc.assoc_id },
      }])).sctp_status.outstrms;
      assert.equal(now, before + 2);
      await cli.send(assoc, before + 1, "on a new stream");
      const m = await recvData(srv);
      assert.equal(text(m.data), "on a new stream");
      assert.equal(sri(m).stream, before + 1);
      await assert.rejects(
        cli.addStreams(assoc, { outstrms: 70000 }),
        RangeError,
      );
    } finally {
      await closeAll(cli, srv);
    }
  });

  it("resetAssoc: both sides get sctp_assoc_reset_event, data flows after", async () => {
    const { srv, cli, assoc } = await setup();
    try {
      await cli.send(assoc, 0, "before");
      await recvData(srv);
      await whenIdle(() => cli.resetAssoc(assoc));
      const mine = await recvUntil(
        cli,
        (m) => isEvent(m, "sctp_assoc_reset_event"),
      );
      assert.deepEqual(ev(mine).flags, []);
      assert.equal(typeof ev(mine).local_tsn, "number");
      const theirs = await recvUntil(
        srv,
        (m) => isEvent(m, "sctp_assoc_reset_event"),
      );
      assert.deepEqual(ev(theirs).flags, []);
      // the TSNs each side now uses line up
      assert.equal(ev(theirs).remote_tsn, ev(mine).local_tsn);
      await cli.send(assoc, 0, "after");
      const m = await recvData(srv);
      assert.equal(text(m.data), "after");
      assert.equal(sri(m).ssn, 0);
    } finally {
      await closeAll(cli, srv);
    }
  });

  it("a peer that accepts no requests denies a reset", async () => {
    const { srv, cli, assoc } = await setup(false);
    try {
      await whenIdle(() => cli.resetStreams(assoc, "outgoing", [2]));
      const mine = await recvUntil(
        cli,
        (m) => isEvent(m, "sctp_stream_reset_event"),
      );
      assert.ok(
        (ev(mine).flags as string[]).includes("denied"),
        JSON.stringify(ev(mine)),
      );
    } finally {
      await closeAll(cli, srv);
    }
  });
});
