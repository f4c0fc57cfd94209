// Path management and statistics: sctp_peer_addr_thlds(_v2) with
// sctp_expose_potentially_failed_state (a cut path goes "pf" before
// "inactive", over the two-path namespaces of tests/fixtures/faults_net.ts),
// sctp_plpmtud_probe_interval, and sctp_get_assoc_stats counting what was
// sent. The path test needs root, iproute2 and tc netem: the test VM.
import assert from "node:assert/strict";
import process from "node:process";
import { after, before, describe, it } from "node:test";
import { type SctpAssocChange, SctpError, type SctpSocket } from "../mod.ts";
import {
  A1,
  A2,
  B1,
  B2,
  createTopology,
  cut,
  destroyTopology,
  heal,
  type Topology,
} from "./fixtures/faults_net.ts";
import { Collector, paddr } from "./fixtures/faults_collect.ts";
import { isEvent, open, recvData, recvUntil } from "./helpers.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A deliberately ill-typed value (for the TypeError cases). */
const bad = (v: unknown): never => v as never;

describe("path thresholds and the potentially-failed state", () => {
  let topo: Topology;
  before(async () => {
    topo = await createTopology(`p${process.pid}`);
  });
  after(async () => {
    if (topo) await destroyTopology(topo);
  });

  it("pathpfthld 1, pathmaxrxt 6, pf exposed: when the primary path is cut its state goes pf before inactive", async () => {
    const opts = {
      sctp_rtoinfo: { initial: 200, min: 100, max: 400 },
      sctp_peer_addr_params: { hbinterval: 200, flags: ["hb_enable" as const] },
      sctp_expose_potentially_failed_state: { assoc_value: "enable" as const },
      sctp_peer_addr_thlds_v2: { pathmaxrxt: 6, pathpfthld: 1 },
    };
    const srv = await open({ netns: topo.nsB, ip: [B1, B2], ...opts });
    const cli = await open({ netns: topo.nsA, ip: [A1, A2], ...opts });
    let sc: Collector | undefined, cc: Collector | undefined;
    try {
      await srv.listen(true);
      const port = await srv.port();
      const up = await cli.connect(B1, port, {}, 20000);
      let received = 0;
      sc = new Collector(srv, () => received++);
      cc = new Collector(cli);
      await cc.event(paddr("addr_confirmed", B2), 20000, "B2 confirmed");
      const b1 = { assoc_id: up.assoc_id, address: { addr: B1, port } };
      const t = await cli.getopts([{ sctp_peer_addr_thlds_v2: b1 }]);
      assert.deepEqual(
        {
          pathmaxrxt: t.sctp_peer_addr_thlds_v2.pathmaxrxt,
          pathpfthld: t.sctp_peer_addr_thlds_v2.pathpfthld,
          pathcpthld: t.sctp_peer_addr_thlds_v2.pathcpthld,
        },
        { pathmaxrxt: 6, pathpfthld: 1, pathcpthld: 0xffff },
      );
      const state = async () =>
        (await cli.getopts([{ sctp_get_peer_addr_info: b1 }]))
          .sctp_get_peer_addr_info?.state;
      assert.equal(await state(), "active");
      await cut(topo, 1);
      const states: string[] = [];
      const t0 = performance.now();
      let i = 0;
      while (performance.now() - t0 < 30000) {
        // data keeps the retransmission timer of the primary path running
        await cli.send(up, 0, `msg ${i++}`);
        const s = await state();
        if (s !== undefined && states.at(-1) !== s) states.push(s);
        if (s === "inactive") break;
        await sleep(20);
      }
      console.log(
        `paths: B1 states after the cut ${JSON.stringify(states)} in ${
          Math.round(performance.now() - t0)
        } ms`,
      );
      assert.ok(states.includes("pf"), `states ${states}`);
      assert.ok(states.includes("inactive"), `states ${states}`);
      assert.ok(states.indexOf("pf") < states.indexOf("inactive"));
      // and the paddr_change events say the same
      await cc.event(paddr("addr_unreachable", B1), 10000, "B1 unreachable");
      const b1Events = cc.events.filter((e) =>
        e.d.type === "sctp_paddr_change" && e.d.addr?.addr === B1
      ).map((e) => e.d.state);
      console.log(`paths: B1 paddr_change ${JSON.stringify(b1Events)}`);
      const pf = b1Events.indexOf("addr_potentially_failed");
      assert.ok(pf >= 0, `events ${b1Events}`);
      assert.ok(
        pf < b1Events.indexOf("addr_unreachable"),
        `events ${b1Events}`,
      );
      // everything sent still arrives, over path 2
      await sc.until(
        () => received >= i || undefined,
        20000,
        `${i} messages`,
      );
      assert.equal(received, i);
    } finally {
      await heal(topo, 1);
      await cc?.stop().catch(() => {});
      await sc?.stop().catch(() => {});
      await cli.close();
      await srv.close();
    }
  });
});

describe("thresholds and PLPMTUD probe interval: set, get, edges", () => {
  it("sctp_peer_addr_thlds_v2 and sctp_peer_addr_thlds round trip on the endpoint; pathpfthld > pathcpthld is einval", async () => {
    await using s = await open();
    await s.setopts({
      sctp_peer_addr_thlds_v2: { pathmaxrxt: 7, pathpfthld: 2, pathcpthld: 3 },
    });
    const v2 = (await s.getopts(["sctp_peer_addr_thlds_v2"]))
      .sctp_peer_addr_thlds_v2;
    assert.equal(v2.type, "sctp_paddrthlds_v2");
    assert.deepEqual(
      [v2.pathmaxrxt, v2.pathpfthld, v2.pathcpthld],
      [7, 2, 3],
    );
    await s.setopts({ sctp_peer_addr_thlds: { pathmaxrxt: 8, pathpfthld: 1 } });
    const o = await s.getopts([
      "sctp_peer_addr_thlds",
      "sctp_peer_addr_thlds_v2",
    ]);
    assert.deepEqual(
      [o.sctp_peer_addr_thlds.pathmaxrxt, o.sctp_peer_addr_thlds.pathpfthld],
      [8, 1],
    );
    assert.equal(o.sctp_peer_addr_thlds_v2.pathcpthld, 3, "v1 keeps it");
    await assert.rejects(
      s.setopts({
        sctp_peer_addr_thlds_v2: { pathpfthld: 4, pathcpthld: 3 },
      }),
      (e: unknown) => e instanceof SctpError && e.reason === "einval",
    );
    await assert.rejects(
      s.setopts({ sctp_peer_addr_thlds_v2: { pathpfthld: 70000 } }),
      RangeError,
    );
    await assert.rejects(
      s.setopts({ sctp_peer_addr_thlds_v2: { pathpfthld: bad("1") } }),
      TypeError,
    );
    // an address that is no peer of any association
    await assert.rejects(
      s.setopts({
        sctp_peer_addr_thlds_v2: {
          address: { addr: "127.0.0.1", port: 9 },
          pathpfthld: 1,
        },
      }),
      SctpError,
    );
  });

  it("sctp_plpmtud_probe_interval: 0 or at least 5000 ms (4999 is einval, naming the sysctl); associations inherit the endpoint's", async () => {
    await using srv = await open({ ip: "127.0.0.1" });
    await srv.listen(true);
    await using s = await open({
      sctp_plpmtud_probe_interval: { interval: 6000 },
    });
    const get = async (key = {}) =>
      (await s.getopts([{ sctp_plpmtud_probe_interval: key }]))
        .sctp_plpmtud_probe_interval?.interval;
    assert.equal(await get(), 6000);
    await assert.rejects(
      s.setopts({ sctp_plpmtud_probe_interval: { interval: 4999 } }),
      (e: unknown) =>
        e instanceof SctpError && e.reason === "einval" &&
        /net\.sctp\.plpmtud_probe_interval/.test(e.message),
    );
    assert.equal(await get(), 6000, "unchanged by the refusal");
    await assert.rejects(
      s.setopts({ sctp_plpmtud_probe_interval: { interval: 2 ** 32 } }),
      RangeError,
    );
    await assert.rejects(
      s.setopts({ sctp_plpmtud_probe_interval: { interval: -1 } }),
      RangeError,
    );
    await assert.rejects(
      s.setopts({ sctp_plpmtud_probe_interval: { interval: 1.5 } }),
      TypeError,
    );
    const port = await srv.port();
    const up = await s.connect("127.0.0.1", port);
    assert.equal(await get({ assoc_id: up.assoc_id }), 6000);
    const peer = {
      assoc_id: up.assoc_id,
      address: { addr: "127.0.0.1", port },
    };
    assert.equal(await get(peer), 6000);
    await s.setopts({ sctp_plpmtud_probe_interval: { ...peer, interval: 0 } });
    assert.equal(await get(peer), 0);
    await s.setopts({ sctp_plpmtud_probe_interval: { interval: 5000 } });
    assert.equal(await get(), 5000);
  });
});

describe("sctp_get_assoc_stats", () => {
  it("counts the DATA chunks sent and received (ordered and unordered), SACKs and packets, per association", async () => {
    const N = 50, M = 10, K = 7;
    await using srv = await open({ ip: "127.0.0.1" });
    await srv.listen(true);
    await using cli = await open({ sctp_nodelay: true });
    const up = await cli.connect("127.0.0.1", await srv.port());
    const sUp = (await recvUntil(
      srv,
      (m) => isEvent(m, "sctp_assoc_change", "comm_up"),
      20000,
    )).data as SctpAssocChange;
    const stats = async (s: SctpSocket, assoc_id: number) =>
      (await s.getopts([{ sctp_get_assoc_stats: { assoc_id } }]))
        .sctp_get_assoc_stats;
    const c0 = await stats(cli, up.assoc_id);
    assert.equal(c0.type, "sctp_assoc_stats");
    assert.equal(c0.oodchunks, 0);
    for (let i = 0; i < N; i++) await cli.send(up, 0, `o${i}`);
    for (let i = 0; i < M; i++) {
      await cli.send(
        { assoc_id: up.assoc_id, stream: 1, flags: ["unordered"] },
        `u${i}`,
      );
    }
    for (let i = 0; i < N + M; i++) await recvData(srv, 10000);
    // the last SACK may still be on its way
    let c = await stats(cli, up.assoc_id);
    for (let i = 0; i < 100 && c.isacks === 0; i++) {
      await sleep(20);
      c = await stats(cli, up.assoc_id);
    }
    const s = await stats(srv, sUp.assoc_id);
    console.log(
      `stats: client ${JSON.stringify(c)} server ${JSON.stringify(s)}`,
    );
    assert.equal(c.oodchunks, N);
    assert.equal(c.ouodchunks, M);
    assert.equal(s.iodchunks, N);
    assert.equal(s.iuodchunks, M);
    assert.equal(c.rtxchunks, 0);
    assert.equal(s.idupchunks, 0);
    assert.ok(c.opackets >= 1 && c.opackets <= N + M + 10, `${c.opackets}`);
    assert.ok(s.ipackets >= c.opackets - 2, `${s.ipackets}`);
    assert.ok(c.isacks >= 1 && s.osacks >= 1);
    assert.ok(c.octrlchunks >= 1, "COOKIE-ECHO at least");
    // more traffic, counted on top
    for (let i = 0; i < K; i++) await srv.send(sUp, 0, `back ${i}`);
    for (let i = 0; i < K; i++) await recvData(cli, 10000);
    const c2 = await stats(cli, up.assoc_id);
    assert.equal(c2.iodchunks, K);
    assert.equal(c2.oodchunks, N);
  });

  it("bad requests: no assoc_id is a TypeError, setting it too; an unknown association is left out", async () => {
    await using s = await open();
    await assert.rejects(s.getopts(["sctp_get_assoc_stats"]), TypeError);
    await assert.rejects(
      s.setopts(bad({ sctp_get_assoc_stats: { assoc_id: 1 } })),
      TypeError,
    );
    await assert.rejects(
      s.getopts([{ sctp_get_assoc_stats: { assoc_id: -1 } }]),
      RangeError,
    );
    assert.deepEqual(
      await s.getopts([{ sctp_get_assoc_stats: { assoc_id: 12345 } }]),
      {},
    );
  });
});
