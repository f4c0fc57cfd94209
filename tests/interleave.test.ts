// Message interleaving (I-DATA, RFC 8260) and stream schedulers on the
// real stack. Interleaving needs net.sctp.intl_enable, which also turns it
// on for every new endpoint: it is set only inside a network namespace this
// file creates. Small messages sent on stream 1 while a 4 MiB message is in
// flight on stream 0 (over a loopback with 20 ms of delay) wait for it
// without interleaving and pass it with it
// (buffers large enough for the whole message: net.core.rmem_max and
// wmem_max are raised for the run and restored);
// under backlog the `prio` scheduler sends a high-priority stream first
// (`fcfs` in order). Needs root and iproute2: runs in the test VM.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import process from "node:process";
import { after, before, describe, it } from "node:test";
import type {
  SctpMessage,
  SctpOptions,
  SctpSndRcvInfo,
  StreamScheduler,
} from "../mod.ts";
import { isEvent, open, recvUntil } from "./helpers.ts";

const NS = `sctpil${process.pid}`;
const NSFILE = `/var/run/netns/${NS}`;
const BIG = 4 << 20;
const SMALL = 20;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const stream = (m: SctpMessage) => (m.ancData[0] as SctpSndRcvInfo).stream!;
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};

/** One run: when each small message arrived, relative to the big one. */
async function run(interleave: boolean) {
  const intl: SctpOptions = interleave
    ? {
      sctp_fragment_interleave: 2,
      sctp_interleaving_supported: { assoc_value: true },
    }
    : {};
  const srv = await open({
    netns: NSFILE,
    ip: "127.0.0.1",
    recbuf: 8 << 20,
    ...intl,
  });
  const cli = await open({
    netns: NSFILE,
    sndbuf: 8 << 20,
    ...intl,
    sctp_stream_scheduler: { assoc_value: interleave ? "rr" : "fcfs" },
  });
  try {
    await srv.listen(true);
    const assoc = await cli.connect("127.0.0.1", await srv.port());
    await recvUntil(srv, (m) => isEvent(m, "sctp_assoc_change", "comm_up"));
    const neg = await cli.getopts([{
      sctp_interleaving_supported: { assoc_id: assoc.assoc_id },
    }]);
    assert.equal(neg.sctp_interleaving_supported.assoc_value, interleave);
    const sentAt: number[] = [];
    const arrived: number[] = [];
    let bigAt = 0, bigBytes = 0;
    const reader = (async () => {
      const end = Date.now() + 120000;
      while (
        (bigAt === 0 || arrived.filter((x) => x).length < SMALL) &&
        Date.now() < end
      ) {
        const m = await srv.recv(Math.max(1, end - Date.now()));
        if (!(m.data instanceof Uint8Array)) continue;
        const now = performance.now();
        if (stream(m) === 0) {
          bigAt = now;
          bigBytes = m.data.length;
        } else arrived[m.data[0]] = now;
      }
    })();
    const big = cli.send(assoc, 0, new Uint8Array(BIG).fill(7));
    for (let i = 0; i < SMALL; i++) {
      sentAt[i] = performance.now();
      await cli.send(assoc, 1, new Uint8Array([i]));
      await sleep(5);
    }
    await big;
    await reader;
    assert.equal(bigBytes, BIG, "the big message arrives whole");
    assert.equal(arrived.filter((x) => x).length, SMALL, "all small ones too");
    // the small messages sent while the big one was in flight: how many
    // passed it, and how long they took
    const during = [...sentAt.keys()].filter((i) => sentAt[i] < bigAt);
    const passed = during.filter((i) => arrived[i] < bigAt).length;
    const lat = during.map((i) => arrived[i] - sentAt[i]);
    return {
      median: lat.length ? median(lat) : 0,
      during: during.length,
      passed,
      bigMs: bigAt - sentAt[0],
    };
  } finally {
    await cli.close();
    await srv.close();
  }
}

/** Arrival order of 2 x N messages sent low-priority stream first. */
async function backlogOrder(sched: StreamScheduler): Promise<number[]> {
  const N = 30;
  const srv = await open({ netns: NSFILE, ip: "127.0.0.1", recbuf: 4096 });
  const cli = await open({ netns: NSFILE, sndbuf: 4 << 20 });
  try {
    await srv.listen(true);
    const assoc = await cli.connect("127.0.0.1", await srv.port());
    await recvUntil(srv, (m) => isEvent(m, "sctp_assoc_change", "comm_up"));
    const id = assoc.assoc_id;
    await cli.setopts({
      sctp_stream_scheduler: { assoc_id: id, assoc_value: sched },
    });
    if (sched === "prio") {
      await cli.setopts({
        sctp_stream_scheduler_value: {
          assoc_id: id,
          stream_id: 1,
          stream_value: 0,
        },
      });
      await cli.setopts({
        sctp_stream_scheduler_value: {
          assoc_id: id,
          stream_id: 2,
          stream_value: 10,
        },
      });
    }
    // the receiver does not read yet: its window closes, the rest queues
    for (let i = 0; i < N; i++) await cli.send(assoc, 2, new Uint8Array(1024));
    for (let i = 0; i < N; i++) await cli.send(assoc, 1, new Uint8Array(1024));
    await sleep(300);
    const order: number[] = [];
    while (order.length < 2 * N) {
      const m = await srv.recv(20000);
      if (m.data instanceof Uint8Array) order.push(stream(m));
    }
    return order;
  } finally {
    await cli.close();
    await srv.close();
  }
}

/** net.core.{r,w}mem_max, raised for big buffers and restored after. */
const MAXES = ["/proc/sys/net/core/rmem_max", "/proc/sys/net/core/wmem_max"];
let saved: string[] = [];

describe("interleaving and schedulers", () => {
  before(() => {
    saved = MAXES.map((f) => readFileSync(f, "utf8"));
    for (const f of MAXES) writeFileSync(f, String(16 << 20));
    execFileSync("ip", ["netns", "add", NS]);
    execFileSync("ip", ["-n", NS, "link", "set", "lo", "up"]);
    execFileSync("ip", [
      "netns",
      "exec",
      NS,
      "sh",
      "-c",
      "echo 1 > /proc/sys/net/sctp/intl_enable",
    ]);
    // 20 ms each way: the 4 MiB message takes many round trips (slow
    // start), so it is still in flight once the (long, synchronous)
    // sendmsg that queued it returns
    execFileSync("tc", [
      "-n",
      NS,
      "qdisc",
      "add",
      "dev",
      "lo",
      "root",
      "netem",
      "delay",
      "20ms",
    ]);
  });
  after(() => {
    MAXES.forEach((f, i) => writeFileSync(f, saved[i]));
    execFileSync("ip", ["netns", "del", NS]);
  });

  it("a 4 MiB message on stream 0 holds back stream 1 without interleaving, not with it", async () => {
    const plain = await run(false);
    const intl = await run(true);
    console.log(
      `interleave: 4 MiB in ${plain.bigMs.toFixed(0)} / ${
        intl.bigMs.toFixed(0)
      } ms; small messages sent meanwhile that passed it: ` +
        `${plain.passed}/${plain.during} without, ${intl.passed}/${intl.during} ` +
        `with I-DATA + rr; their median latency ${
          plain.median.toFixed(1)
        } vs ` +
        `${intl.median.toFixed(1)} ms`,
    );
    assert.ok(
      plain.during >= 3 && intl.during >= 3,
      "the big one took a while",
    );
    assert.equal(plain.passed, 0, "without: all wait for the big one");
    assert.ok(
      intl.passed >= intl.during / 2,
      `with: most pass it (${intl.passed}/${intl.during})`,
    );
    assert.ok(intl.median < plain.median, "and sooner");
  });

  it("under backlog, prio sends the high-priority stream first; fcfs keeps the order", async () => {
    const fcfs = await backlogOrder("fcfs");
    const prio = await backlogOrder("prio");
    const lastOf = (o: number[], s: number) => o.lastIndexOf(s);
    console.log(
      `scheduler: last high-priority message at ${lastOf(fcfs, 1)} (fcfs) ` +
        `vs ${lastOf(prio, 1)} (prio) of ${fcfs.length}`,
    );
    // fcfs: stream 2 was queued first, so all of it comes first
    assert.ok(lastOf(fcfs, 2) < fcfs.indexOf(1));
    // prio: stream 1 overtakes what of stream 2 was still queued
    assert.ok(
      lastOf(prio, 1) < lastOf(prio, 2),
      `prio order: ${prio.join("")}`,
    );
  });
});
