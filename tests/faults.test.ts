// Fault scenarios (issue 19): two network namespaces joined by two paths
// (tests/fixtures/faults_net.ts), then a path cut and restored under a
// multi-homed association, loss/delay/reordering on a single-homed one, a
// peer process killed (and a dead peer host), and abort-then-reconnect
// cycles. Needs root, iproute2 and tc netem: runs in the test VM.
import assert from "node:assert/strict";
import process from "node:process";
import { after, before, describe, it } from "node:test";
import {
  type SctpAssocChange,
  SctpError,
  type SctpOptions,
  type SctpSocket,
} from "../mod.ts";
import { fdCount, isEvent, open, recvUntil } from "./helpers.ts";
import {
  assocChange,
  Collector,
  info,
  paddr,
  StreamOrder,
} from "./fixtures/faults_collect.ts";
import {
  A1,
  A2,
  B1,
  B2,
  createTopology,
  cut,
  destroyTopology,
  heal,
  impair,
  tc,
  type Topology,
} from "./fixtures/faults_net.ts";
import { LagMonitor } from "./fixtures/faults_lag.ts";
import { Peer } from "./fixtures/faults_peer.ts";

/**
 * What the emulated VM may add to any protocol bound, ms; each scenario also
 * adds the worst event-loop lag it measured (tests/fixtures/faults_lag.ts).
 */
const SLACK = 1500;
/** Small RTOs and path retransmissions, so failover and loss detection are quick. */
const RTO = { initial: 200, min: 100, max: 400 };
const PATHMAXRXT = 2;
const HBINTERVAL = 200;
const ASOCMAXRXT = 4;
const FAULT_OPTS: SctpOptions = {
  sctp_rtoinfo: RTO,
  sctp_peer_addr_params: {
    hbinterval: HBINTERVAL,
    pathmaxrxt: PATHMAXRXT,
    flags: ["hb_enable"],
  },
  sctp_events: { address_event: true },
};
/**
 * Linux re-arms a path's heartbeat timer at rto/2 + hbinterval + a random
 * 0..rto (sctp_transport_timeout): at most hbinterval + 1.5 rto.max apart.
 */
const HB_PERIOD = HBINTERVAL + 1.5 * RTO.max;
/**
 * Longest gap between deliveries when the primary path dies: the lost data's
 * retransmission timer (at most rto.max) moves it to the other path; one
 * more rto.max for a retransmission that still went to the dead path.
 */
const STALL_BOUND = 2 * RTO.max + SLACK;
/**
 * A path is unreachable after pathmaxrxt + 1 strikes; a heartbeat timer
 * strikes only while a heartbeat is outstanding, so the first expiry after
 * the cut only sends one: pathmaxrxt + 2 heartbeat periods (the sender's
 * first strike, its retransmission timer, comes sooner).
 */
const UNREACHABLE_BOUND = (PATHMAXRXT + 2) * HB_PERIOD + SLACK;
/**
 * A silent peer is lost at the first heartbeat expiry that finds asocmaxrxt
 * strikes, counted over all paths: at most asocmaxrxt + 2 periods of one.
 */
const LOST_BOUND = (ASOCMAXRXT + 2) * HB_PERIOD + SLACK;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const ms = (x: number) => Math.round(x);
const report = (what: string, o: Record<string, unknown>) =>
  console.log(`faults: ${what} ${JSON.stringify(o)}`);

/** Packets netem dropped on a device of a namespace. */
async function dropped(ns: string, dev: string): Promise<number> {
  const out = await tc("-n", ns, "-s", "qdisc", "show", "dev", dev);
  return Number(/dropped (\d+)/.exec(out)?.[1] ?? 0);
}

async function closeAll(...xs: (SctpSocket | Collector | undefined)[]) {
  for (const x of xs) {
    if (x instanceof Collector) await x.stop().catch(() => {});
    else await x?.close();
  }
}

describe("faults: two namespaces, two paths", () => {
  let topo: Topology;
  before(async () => {
    topo = await createTopology(String(process.pid));
  });
  after(async () => {
    if (topo) await destroyTopology(topo);
  });

  it("primary path cut midway through 20,000 messages on 4 streams, then restored: nothing lost, no duplicates, order kept, paddr_change on both sides, stall bounded", async () => {
    const N = 20000, STREAMS = 4, BATCH = 100, PERIOD = 40;
    const CUT_AT = Math.floor(N / BATCH / 3);
    const srv = await open({ netns: topo.nsB, ip: [B1, B2], ...FAULT_OPTS });
    const cli = await open({ netns: topo.nsA, ip: [A1, A2], ...FAULT_OPTS });
    let sc: Collector | undefined, cc: Collector | undefined;
    try {
      await srv.listen(true);
      const up = await cli.connect(B1, await srv.port(), {}, 20000);
      const order = new StreamOrder(STREAMS, false);
      let tCut = 0, tHeal = 0;
      // the longest gap between deliveries, and the longest since the cut
      let last: number | undefined, maxGap = 0, maxGapAt = 0, stall = 0;
      sc = new Collector(srv, (m, t) => {
        order.take(m);
        if (last !== undefined) {
          if (t - last > maxGap) [maxGap, maxGapAt] = [t - last, t];
          if (tCut && t > tCut && t - last > stall) stall = t - last;
        }
        last = t;
      });
      cc = new Collector(cli);
      // the second path carries data only once a heartbeat confirmed it
      await cc.event(
        paddr("addr_confirmed", B2),
        20000,
        "client: B2 confirmed",
      );
      await sc.event(
        paddr("addr_confirmed", A2),
        20000,
        "server: A2 confirmed",
      );

      const seq = new Array(STREAMS).fill(0);
      const pad = "x".repeat(40);
      let healer: Promise<number[]> | undefined;
      const lag = new LagMonitor();
      const t0 = performance.now();
      for (let b = 0; b < N / BATCH; b++) {
        if (b === CUT_AT) {
          // tc runs while the sending goes on; tCut: when tc started
          tCut = performance.now();
          const cutting = cut(topo, 1);
          // restored once both ends have given path 1 up
          healer = Promise.all([
            cutting,
            cc.event(
              paddr("addr_unreachable", B1),
              30000,
              "client: B1 unreachable",
            ),
            sc.event(
              paddr("addr_unreachable", A1),
              30000,
              "server: A1 unreachable",
            ),
          ]).then(async ([, c, s]) => {
            tHeal = performance.now();
            await heal(topo, 1);
            return [c.t - tCut, s.t - tCut];
          });
          healer.catch(() => {});
        }
        for (let k = 0; k < BATCH; k++) {
          const s = (b * BATCH + k) % STREAMS;
          await cli.send(
            { assoc_id: up.assoc_id, stream: s },
            `${s} ${seq[s]++} ${pad}`,
          );
        }
        await sleep(Math.max(0, t0 + (b + 1) * PERIOD - performance.now()));
      }
      const tSent = performance.now();
      const [cliUnreach, srvUnreach] = await healer!.finally(() => lag.stop());
      // the protocol's bounds, plus the emulator's share
      const stallBound = STALL_BOUND + lag.max;
      const unreachableBound = UNREACHABLE_BOUND + lag.max;
      await sc.until(() => order.n >= N || undefined, 30000, `${N} messages`);
      const cAvail = await cc.until(
        () =>
          cc!.events.find((e) =>
            e.t > tHeal && paddr("addr_available", B1)(e.d)
          ),
        30000,
        "client: B1 available again",
      );
      const sAvail = await sc.until(
        () =>
          sc!.events.find((e) =>
            e.t > tHeal && paddr("addr_available", A1)(e.d)
          ),
        30000,
        "server: A1 available again",
      );
      report("failover", {
        sendMs: ms(tSent - t0),
        cutAtMsg: CUT_AT * BATCH,
        stallMs: ms(stall),
        maxGapMs: ms(maxGap),
        maxGapEndAfterCutMs: ms(maxGapAt - tCut),
        stallBoundMs: ms(stallBound),
        lagMs: ms(lag.max),
        unreachableMs: { client: ms(cliUnreach), server: ms(srvUnreach) },
        unreachableBoundMs: ms(unreachableBound),
        healAfterCutMs: ms(tHeal - tCut),
        availableAfterHealMs: {
          client: ms(cAvail.t - tHeal),
          server: ms(sAvail.t - tHeal),
        },
      });
      assert.equal(order.n, N, "every message arrived once");
      assert.deepEqual(
        order.bad,
        [],
        "in order per stream, no gap or duplicate",
      );
      assert.ok(stall > 0, "a gap after the cut");
      assert.ok(
        maxGap < stallBound,
        `longest gap ${ms(maxGap)} ms >= ${ms(stallBound)} ms`,
      );
      assert.ok(
        cliUnreach < unreachableBound,
        `client unreachable after ${ms(cliUnreach)} ms`,
      );
      assert.ok(
        srvUnreach < unreachableBound,
        `server unreachable after ${ms(srvUnreach)} ms`,
      );
    } finally {
      await heal(topo, 1);
      await closeAll(cc, sc, cli, srv);
    }
  });

  it("5% loss, 20 ms delay and reordering on the only path: 2,000 messages on 4 streams all arrive, in order per stream", async () => {
    const N = 2000, STREAMS = 4;
    await impair(
      topo,
      1,
      "delay",
      "20ms",
      "reorder",
      "25%",
      "50%",
      "loss",
      "5%",
    );
    const opts = { sctp_rtoinfo: { initial: 300, min: 100, max: 1000 } };
    const srv = await open({ netns: topo.nsB, ip: B1, ...opts });
    const cli = await open({ netns: topo.nsA, ip: A1, ...opts });
    let sc: Collector | undefined;
    try {
      await srv.listen(true);
      const t0 = performance.now();
      const up = await cli.connect(B1, await srv.port(), {}, 30000);
      const order = new StreamOrder(STREAMS, false);
      sc = new Collector(srv, (m) => order.take(m));
      const seq = new Array(STREAMS).fill(0);
      for (let i = 0; i < N; i++) {
        const s = i % STREAMS;
        const body = `${s} ${seq[s]++} ${"y".repeat(50 + (i * 37) % 950)}`;
        await cli.send({ assoc_id: up.assoc_id, stream: s }, body);
        if (i % 64 === 63) await sleep(0);
      }
      await sc.until(() => order.n >= N || undefined, 60000, `${N} messages`);
      const drops = await dropped(topo.a, "fa1") +
        await dropped(topo.b, "fb1");
      report("loss", { ms: ms(performance.now() - t0), netemDropped: drops });
      assert.equal(order.n, N);
      assert.deepEqual(order.bad, []);
      assert.ok(drops > 0, "netem dropped packets");
    } finally {
      await heal(topo, 1);
      await closeAll(sc, cli, srv);
    }
  });

  describe("a peer process killed with SIGKILL", () => {
    /** A multi-homed server in B, tracking the numbered messages per association. */
    async function killServer() {
      const srv = await open({
        netns: topo.nsB,
        ip: [B1, B2],
        ...FAULT_OPTS,
        sctp_associnfo: { asocmaxrxt: ASOCMAXRXT },
      });
      await srv.listen(true);
      const orders = new Map<number, StreamOrder>();
      const sc = new Collector(srv, (m) => {
        const id = info(m).assoc_id;
        if (!orders.has(id)) orders.set(id, new StreamOrder(4, true));
        orders.get(id)!.take(m);
      });
      return { srv, sc, orders, port: await srv.port() };
    }
    type KillServer = Awaited<ReturnType<typeof killServer>>;
    const MIN_MESSAGES = 100;

    /**
     * One client process: connects, sends at least MIN_MESSAGES messages,
     * is killed (after both paths are cut when `dead`); resolves how the
     * server saw the association end.
     */
    async function killCycle(
      k: KillServer,
      how: "graceful" | "unread" | "dead",
    ) {
      const dead = how === "dead";
      const from = k.sc.events.length;
      const peer = new Peer(topo.nsA, [A1, A2], B1, k.port);
      const tSpawn = performance.now();
      let cutting: Promise<unknown> | undefined;
      try {
        await peer.up();
        const tUp = performance.now();
        const { d } = await k.sc.event(
          assocChange("comm_up"),
          20000,
          "server: comm_up",
          from,
        );
        const id = d.assoc_id!;
        await k.sc.until(
          () => (k.orders.get(id)?.n ?? 0) >= MIN_MESSAGES || undefined,
          20000,
          `${MIN_MESSAGES} messages from the client`,
        );
        if (how === "unread") {
          // a message the client never reads, in its kernel (acknowledged)
          await k.srv.send({ assoc_id: id, stream: 0 }, "never read");
          await k.sc.until(
            async () => {
              const o = await k.srv.getopts([{
                sctp_status: { assoc_id: id },
              }]);
              const st = o.sctp_status as { unackdata: number };
              return st.unackdata === 0 || undefined;
            },
            20000,
            "the message acknowledged",
          );
        }
        const t = performance.now();
        const lag = new LagMonitor();
        if (dead) {
          cutting = Promise.all([cut(topo, 1), cut(topo, 2)]);
          await cutting;
        }
        const signal = await peer.kill();
        const end = await k.sc.event(
          (e) =>
            e.assoc_id === id &&
            (e.state === "comm_lost" || e.state === "shutdown_comp"),
          dead ? LOST_BOUND + 20000 : 20000,
          "server: the association ends",
          from,
        ).finally(() => lag.stop());
        const mine = k.sc.events.slice(from).filter((e) => e.d.assoc_id === id);
        return {
          signal,
          /** assoc_change states and shutdown events, in order */
          kinds: mine.filter((e) => e.d.type !== "sctp_paddr_change")
            .map((e) => e.d.state ?? e.d.type),
          /** paddr_change states, in order */
          paths: mine.filter((e) => e.d.type === "sctp_paddr_change")
            .map((e) => `${e.d.addr?.addr} ${e.d.state}`),
          startMs: tUp - tSpawn,
          endMs: end.t - t,
          cycleMs: performance.now() - tSpawn,
          /** the sctp_assoc_change that ended it: its error (ABORT cause) */
          endError: end.d.error,
          /** worst event-loop lag from the kill (or cut) to the end */
          lagMs: lag.max,
          order: k.orders.get(id)!,
        };
      } finally {
        await peer.kill().catch(() => {});
        if (cutting) {
          await cutting.catch(() => {});
          await Promise.all([heal(topo, 1), heal(topo, 2)]);
        }
      }
    }
    type Cycle = Awaited<ReturnType<typeof killCycle>>;

    /** The graceful case: what the server sees, everything sent arrived. */
    function assertGraceful(r: Cycle) {
      assert.equal(r.signal, "SIGKILL");
      // no unread data on the client's socket: its kernel sends SHUTDOWN
      // (not ABORT) once the queued data is acknowledged
      assert.deepEqual(r.kinds, [
        "comm_up",
        "sctp_shutdown_event",
        "shutdown_comp",
      ]);
      assert.deepEqual(r.order.bad, []);
      assert.ok(
        r.order.contiguous,
        `numbers 0..${r.order.max}, got ${r.order.n}`,
      );
    }

    it("mid-stream: the server sees sctp_shutdown_event then shutdown_comp, nothing sent is lost; a new client is served", async () => {
      const k = await killServer();
      try {
        const r1 = await killCycle(k, "graceful");
        const r2 = await killCycle(k, "graceful");
        report("kill", {
          clientStartMs: ms(r1.startMs),
          shutdownCompAfterKillMs: ms(r1.endMs),
          events: r1.kinds,
          messages: r1.order.n,
          next: { messages: r2.order.n, events: r2.kinds },
        });
        assertGraceful(r1);
        assertGraceful(r2);
      } finally {
        await closeAll(k.sc, k.srv);
      }
    });

    it("with data unread on its socket: its kernel aborts, the server sees comm_lost; a new client is served", async () => {
      const k = await killServer();
      try {
        const r = await killCycle(k, "unread");
        const r2 = await killCycle(k, "graceful");
        report("kill with unread data", {
          commLostAfterKillMs: ms(r.endMs),
          events: r.kinds,
          error: r.endError,
          next: { messages: r2.order.n, events: r2.kinds },
        });
        assert.equal(r.signal, "SIGKILL");
        assert.deepEqual(r.kinds, ["comm_up", "comm_lost"]);
        // the ABORT's cause, user-initiated abort (12), network order
        assert.equal(r.endError, 0x0c00);
        assert.deepEqual(r.order.bad, []);
        assertGraceful(r2);
      } finally {
        await closeAll(k.sc, k.srv);
      }
    });

    it("dead peer host (both paths black-holed, then killed): comm_lost within the RTO/asocmaxrxt bound; a new client is served", async () => {
      const k = await killServer();
      try {
        const r = await killCycle(k, "dead");
        const r2 = await killCycle(k, "graceful");
        report("dead host", {
          commLostAfterCutMs: ms(r.endMs),
          lostBoundMs: ms(LOST_BOUND + r.lagMs),
          lagMs: ms(r.lagMs),
          events: r.kinds,
          paths: r.paths,
          next: { messages: r2.order.n, events: r2.kinds },
        });
        assert.equal(r.signal, "SIGKILL");
        assert.deepEqual(r.kinds, ["comm_up", "comm_lost"]);
        assert.deepEqual(r.order.bad, []);
        assert.ok(
          r.endMs < LOST_BOUND + r.lagMs,
          `comm_lost after ${ms(r.endMs)} ms >= ${ms(LOST_BOUND + r.lagMs)}`,
        );
        assertGraceful(r2);
      } finally {
        await closeAll(k.sc, k.srv);
      }
    });

    describe("20 kill cycles against one server", () => {
      const CYCLES = 20, PARTS = 10, PART_BUDGET = 90000;
      let k: KillServer | undefined;
      let fds = 0, rss = 0, done = 0;
      const times: number[] = [];
      after(async () => {
        if (k) await closeAll(k.sc, k.srv);
      });

      it("warm-up cycle, then the fd count and RSS", async () => {
        k = await killServer();
        assertGraceful(await killCycle(k, "graceful"));
        fds = fdCount();
        rss = process.memoryUsage().rss;
      });

      for (let part = 0; part < PARTS; part++) {
        const n = CYCLES / PARTS;
        it(`cycles ${part * n + 1}-${(part + 1) * n}: each new client is served, each kill ends gracefully`, async () => {
          assert.ok(k, "the server of the warm-up");
          const t0 = performance.now();
          for (let i = 0; i < n; i++) {
            assert.ok(performance.now() - t0 < PART_BUDGET, "time budget");
            const r = await killCycle(k, "graceful");
            assertGraceful(r);
            times.push(r.cycleMs);
            done++;
          }
        });
      }

      it("after 20 cycles: no fd growth, no large memory growth", () => {
        const fdsAfter = fdCount(), rssAfter = process.memoryUsage().rss;
        report("kill cycles", {
          cycles: done,
          cycleMs: {
            median: ms(times.toSorted((a, b) => a - b)[times.length >> 1]),
            max: ms(Math.max(...times)),
          },
          fds: [fds, fdsAfter],
          rssMiB: [rss >> 20, rssAfter >> 20],
        });
        assert.equal(done, CYCLES);
        assert.ok(fdsAfter <= fds, `fds ${fds} -> ${fdsAfter}`);
        assert.ok(
          rssAfter - rss < 64 << 20,
          `rss grew ${(rssAfter - rss) >> 20} MiB`,
        );
      });
    });
  });

  it("50 abort-then-reconnect cycles from one one-to-many socket to the same peer: every connect resolves comm_up", async () => {
    const CYCLES = 50;
    const srv = await open({ netns: topo.nsB, ip: B1 });
    const cli = await open({ netns: topo.nsA, ip: A1 });
    let sc: Collector | undefined;
    try {
      await srv.listen(true);
      const port = await srv.port();
      sc = new Collector(srv);
      const failures: string[] = [];
      const t0 = performance.now();
      for (let i = 0; i < CYCLES; i++) {
        let up: SctpAssocChange;
        try {
          up = await cli.connect(B1, port, {}, 10000);
        } catch (e) {
          const why = e instanceof SctpError
            ? JSON.stringify(e.reason)
            : String(e);
          failures.push(`cycle ${i}: ${why}`);
          // the association comes up anyway: take it down for the next cycle
          const m = await recvUntil(
            cli,
            (m) => isEvent(m, "sctp_assoc_change", "comm_up"),
            10000,
          ).catch(() => undefined);
          if (m) await cli.abort(m.data as SctpAssocChange);
          continue;
        }
        assert.equal(up.state, "comm_up");
        await cli.abort(up);
      }
      const ups = await sc.until(
        () => {
          const n = sc!.events.filter((e) =>
            assocChange("comm_up")(e.d)
          ).length;
          return n >= CYCLES ? n : undefined;
        },
        20000,
        `${CYCLES} comm_up on the server`,
      );
      report("abort-reconnect", {
        ms: ms(performance.now() - t0),
        failed: failures.length,
        firstFailures: failures.slice(0, 3),
      });
      assert.deepEqual(
        failures,
        [],
        `${failures.length} of ${CYCLES} connects failed`,
      );
      assert.equal(ups, CYCLES);
    } finally {
      await closeAll(sc, cli, srv);
    }
  });
});
