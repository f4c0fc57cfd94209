// Partial reliability (RFC 3758, RFC 7496 policies) on the real stack, in
// two network namespaces joined by a veth pair with netem loss
// (tests/fixtures/faults_net.ts): messages sent under an `rtx` policy of 0
// are abandoned when lost (the receiver skips them, in order), reliable
// streams still deliver everything in order, and the abandoned counters
// rise; under a short `ttl`, messages that wait too long are abandoned
// unsent. Needs root, iproute2 and tc netem: runs in the test VM.
import assert from "node:assert/strict";
import process from "node:process";
import { after, before, describe, it } from "node:test";
import type { SctpMessage, SctpOptions, SctpSndRcvInfo } from "../mod.ts";
import { isEvent, open, recvUntil } from "./helpers.ts";
import {
  A1,
  B1,
  createTopology,
  destroyTopology,
  heal,
  impair,
  type Topology,
} from "./fixtures/faults_net.ts";

const OPTS: SctpOptions = {
  sctp_pr_supported: { assoc_value: true },
  sctp_rtoinfo: { initial: 200, min: 100, max: 400 },
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const isData = (m: SctpMessage) => m.data instanceof Uint8Array;
const index = (m: SctpMessage) =>
  new DataView((m.data as Uint8Array).buffer).getUint32(0);
const stream = (m: SctpMessage) => (m.ancData[0] as SctpSndRcvInfo).stream!;

function payload(i: number, size = 64): Uint8Array {
  const b = new Uint8Array(size);
  new DataView(b.buffer).setUint32(0, i);
  return b;
}

describe("PR-SCTP", () => {
  let topo: Topology;
  before(async () => {
    topo = await createTopology(`pr${process.pid}`);
  });
  after(async () => {
    if (topo) await destroyTopology(topo);
  });

  it("rtx 0 over a lossy path (30%): lost messages are abandoned and skipped, the reliable stream delivers all in order", async () => {
    const N = 400;
    const srv = await open({ netns: topo.nsB, ip: B1, ...OPTS });
    const cli = await open({ netns: topo.nsA, ip: A1, ...OPTS });
    try {
      await srv.listen(true);
      const assoc = await cli.connect(B1, await srv.port(), {}, 20000);
      await recvUntil(srv, (m) => isEvent(m, "sctp_assoc_change", "comm_up"));
      const peerPr = await cli.getopts([{
        sctp_pr_supported: { assoc_id: assoc.assoc_id },
      }]);
      assert.equal(peerPr.sctp_pr_supported.assoc_value, true);
      // 30% loss on ~45 or more packets (the messages bundle): some of stream
      // 1's are always lost
      await impair(topo, 1, "loss", "30%");
      for (let i = 0; i < N; i++) {
        await cli.send(assoc, 1, payload(i), {
          prinfo: { pr_policy: "rtx", pr_value: 0 },
        });
        await cli.send(assoc, 2, payload(i));
        if (i % 10 === 9) await sleep(5);
      }
      const got: Record<number, number[]> = { 1: [], 2: [] };
      const end = Date.now() + 90000;
      while (got[2].length < N && Date.now() < end) {
        const m = await srv.recv(Math.max(1, end - Date.now()));
        if (isData(m)) got[stream(m)].push(index(m));
      }
      // stragglers of stream 1
      for (;;) {
        const m = await srv.recv(1500).catch(() => null);
        if (m === null) break;
        if (isData(m)) got[stream(m)].push(index(m));
      }
      await heal(topo, 1);
      const seq = [...Array(N).keys()];
      assert.deepEqual(got[2], seq, "the reliable stream: all, in order");
      assert.ok(got[1].length < N, `abandoned some: got ${got[1].length}`);
      assert.ok(got[1].length > 0, "delivered some");
      for (let k = 1; k < got[1].length; k++) {
        assert.ok(got[1][k] > got[1][k - 1], "stream 1 in order, no dups");
      }
      const st = await cli.getopts([
        { sctp_pr_assoc_status: { assoc_id: assoc.assoc_id } },
        { sctp_pr_stream_status: { assoc_id: assoc.assoc_id, sid: 1 } },
      ]);
      const a = st.sctp_pr_assoc_status;
      const s1 = st.sctp_pr_stream_status;
      assert.ok(s1.abandoned_sent + s1.abandoned_unsent > 0, "stream 1's");
      console.log(
        `prsctp: rtx 0, 30% loss: stream 1 delivered ${got[1].length}/${N}, ` +
          `abandoned sent ${a.abandoned_sent} unsent ${a.abandoned_unsent}`,
      );
      assert.ok(a.abandoned_sent + a.abandoned_unsent > 0, JSON.stringify(a));
      assert.ok(
        a.abandoned_sent + a.abandoned_unsent >= N - got[1].length,
        "every message not delivered was abandoned",
      );
      // (the per-stream read gives the stream's counts; reliable: none)
      const s2 = await cli.getopts([{
        sctp_pr_stream_status: { assoc_id: assoc.assoc_id, sid: 2 },
      }]);
      assert.equal(
        s2.sctp_pr_stream_status.abandoned_sent +
          s2.sctp_pr_stream_status.abandoned_unsent,
        0,
      );
    } finally {
      await heal(topo, 1);
      await cli.close();
      await srv.close();
    }
  });

  it("ttl: messages that wait past their lifetime are abandoned unsent", async () => {
    const N = 200;
    const srv = await open({
      netns: topo.nsB,
      ip: B1,
      recbuf: 4096,
      ...OPTS,
    });
    const cli = await open({
      netns: topo.nsA,
      ip: A1,
      sndbuf: 4 << 20,
      ...OPTS,
    });
    try {
      await srv.listen(true);
      const assoc = await cli.connect(B1, await srv.port(), {}, 20000);
      await recvUntil(srv, (m) => isEvent(m, "sctp_assoc_change", "comm_up"));
      // the receiver does not read: its window closes, the rest waits
      for (let i = 0; i < N; i++) {
        await cli.send(assoc, 1, payload(i, 4096), {
          prinfo: { pr_policy: "ttl", pr_value: 100 },
        });
      }
      await cli.send(assoc, 2, payload(N, 16)); // reliable, after them
      await sleep(1000);
      const got: number[] = [];
      let reliable = false;
      for (;;) {
        const m = await srv.recv(reliable ? 1000 : 20000).catch(() => null);
        if (m === null) break;
        if (!isData(m)) continue;
        if (stream(m) === 2) reliable = true;
        else got.push(index(m));
      }
      assert.ok(reliable, "the reliable message arrives");
      assert.ok(got.length < N, `abandoned some: got ${got.length}/${N}`);
      const st = await cli.getopts([{
        sctp_pr_assoc_status: { assoc_id: assoc.assoc_id, policy: "ttl" },
      }]);
      console.log(
        `prsctp: ttl 100 ms, receiver stalled 1 s: delivered ${got.length}/${N}, ` +
          JSON.stringify(st.sctp_pr_assoc_status),
      );
      assert.ok(st.sctp_pr_assoc_status.abandoned_unsent > 0);
    } finally {
      await cli.close();
      await srv.close();
    }
  });
});
