/**
 * Every gen_sctp socket option: set, read back, and (where the kernel makes
 * it observable) its effect on a real association.
 */
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { describe, it } from "node:test";
import { SctpError, type SctpMessage, type SctpSocket } from "../mod.ts";
import { isEvent, open, recvData, recvUntil, server, text } from "./helpers.ts";

type Rec = Record<string, unknown>;

async function pair(
  srvOpts: Rec = {},
  cliOpts: Rec = {},
  connOpts: Rec = {},
) {
  const { s: srv, port } = await server(srvOpts);
  const cli = await open(cliOpts);
  const up = await cli.connect("127.0.0.1", port, connOpts, 20000);
  return { srv, cli, port, up };
}

async function closeAll(...s: (SctpSocket | undefined)[]) {
  for (const x of s) await x?.close();
}

async function get(s: SctpSocket, name: string, key?: Rec): Promise<unknown> {
  // names chosen at run time: the result is indexed by a string
  const o: Record<string, unknown> = await s.getopts(
    (key === undefined ? [name] : [{ [name]: key }]) as never,
  );
  return o[name];
}

function ev(m: SctpMessage): Rec {
  return m.data as unknown as Rec;
}

function sri(m: SctpMessage): Rec {
  return m.ancData[0] as unknown as Rec;
}

function ancOf(m: SctpMessage, type: string) {
  return m.ancData.find((a) => a.type === type) as
    | (Rec & { value?: number })
    | undefined;
}

async function rejectsWith(p: Promise<unknown>, reason: string) {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof SctpError, `SctpError, got ${String(e)}`);
    assert.equal(e.reason, reason);
    return true;
  });
}

describe("scalar options", () => {
  it("active: false/true/once/N read back; once falls back to passive after one delivery", async () => {
    // an idle socket (nothing to deliver) keeps the counter as set
    const idle = await open();
    try {
      assert.equal(await get(idle, "active"), false);
      await idle.setopts({ active: 3 });
      assert.equal(await get(idle, "active"), 3);
      await idle.setopts({ active: 2 });
      assert.equal(await get(idle, "active"), 5, "counts add up");
      await idle.setopts({ active: -5 });
      assert.equal(await get(idle, "active"), false);
      await idle.setopts({ active: true });
      assert.equal(await get(idle, "active"), true);
      await idle.setopts({ active: "once" });
      assert.equal(await get(idle, "active"), "once");
    } finally {
      await idle.close();
    }
    // no address events: after comm_up the next delivery is the data
    const { srv, cli, up } = await pair({
      sctp_events: { address_event: false },
    });
    try {
      await recvUntil(srv, (m) => isEvent(m, "sctp_assoc_change", "comm_up"));
      const got: SctpMessage[] = [];
      let first!: () => void;
      const arrived = new Promise<void>((r) => (first = r));
      srv.addEventListener("sctp", (e) => {
        got.push((e as CustomEvent<SctpMessage>).detail);
        first();
      });
      await srv.setopts({ active: "once" });
      await cli.send(up, 0, "once");
      await cli.send(up, 0, "twice");
      await arrived;
      assert.equal(got.length, 1);
      assert.equal(text(got[0].data), "once");
      assert.equal(await get(srv, "active"), false, "back to passive");
      // the second message waits for a passive recv
      assert.equal(text((await recvData(srv)).data), "twice");
      assert.equal(got.length, 1);
    } finally {
      await closeAll(cli, srv);
    }
  });

  it("mode/binary/list: list mode delivers byte arrays", async () => {
    const { srv, cli, up } = await pair();
    try {
      assert.deepEqual(await srv.getopts(["mode", "binary", "list"]), {
        mode: "binary",
        binary: true,
        list: false,
      });
      await srv.setopts({ mode: "list" });
      assert.deepEqual(await srv.getopts(["mode", "binary", "list"]), {
        mode: "list",
        binary: false,
        list: true,
      });
      await cli.send(up, 0, "ab");
      const m = await recvData(srv);
      assert.deepEqual(m.data, [0x61, 0x62]);
      await srv.setopts({ binary: true });
      assert.equal(await get(srv, "mode"), "binary");
      await cli.send(up, 0, "cd");
      const m2 = await recvData(srv);
      assert.ok(m2.data instanceof Uint8Array);
      assert.equal(text(m2.data), "cd");
    } finally {
      await closeAll(cli, srv);
    }
  });

  it("buffer, sndbuf, recbuf: kernel buffers read back >= requested; recbuf raises buffer", async () => {
    const s = await open({ sndbuf: 100000, recbuf: 90000 });
    try {
      const o = await s.getopts(["buffer", "sndbuf", "recbuf"]);
      assert.ok((o.sndbuf as number) >= 100000, `sndbuf ${o.sndbuf}`);
      assert.ok((o.recbuf as number) >= 90000, `recbuf ${o.recbuf}`);
      assert.ok((o.buffer as number) >= 90000, `buffer ${o.buffer}`);
      await s.setopts({ buffer: 1000 });
      assert.equal(await get(s, "buffer"), 1000);
      await s.setopts({ buffer: 0 });
      assert.equal(await get(s, "buffer"), 1, "clamped to 1");
      await s.setopts({ recbuf: 5000 });
      assert.ok((await get(s, "buffer") as number) >= 5000);
    } finally {
      await s.close();
    }
  });

  it("recbuf, sndbuf: with none set, open() asks for 4 MiB each (capped by net.core.[rw]mem_max); an explicit one wins; buffer stays", async () => {
    const max = async (f: string) =>
      Number((await readFile(`/proc/sys/net/core/${f}`, "utf8")).trim());
    const rmax = await max("rmem_max"), wmax = await max("wmem_max");
    const s = await open({});
    const e = await open({ recbuf: 50000, sndbuf: 60000 });
    const z = await open({ recbuf: 0, sndbuf: 0 });
    try {
      const o = await s.getopts(["recbuf", "sndbuf", "buffer"]);
      // Linux doubles the request, capped at the max
      assert.equal(o.recbuf, 2 * Math.min(4 << 20, rmax));
      assert.equal(o.sndbuf, 2 * Math.min(4 << 20, wmax));
      assert.equal(o.buffer, 65536, "the default recbuf does not raise buffer");
      assert.deepEqual(await e.getopts(["recbuf", "sndbuf"]), {
        recbuf: 100000,
        sndbuf: 120000,
      });
      // 0 is the user's, too: the kernel's floor, not the default
      const zo = await z.getopts(["recbuf", "sndbuf"]);
      assert.ok((zo.recbuf as number) < 10000, `recbuf ${zo.recbuf}`);
      assert.ok((zo.sndbuf as number) < 10000, `sndbuf ${zo.sndbuf}`);
    } finally {
      await closeAll(s, e, z);
    }
  });

  it("buffer smaller than a message still delivers it whole", async () => {
    const { srv, cli, up } = await pair({ buffer: 100 });
    try {
      const big = new Uint8Array(3000).map((_, i) => i & 0xff);
      await cli.send(up, 0, big);
      const m = await recvData(srv);
      assert.deepEqual(m.data, big);
    } finally {
      await closeAll(cli, srv);
    }
  });

  it("non_block_send: a send that would block rejects with eagain", async () => {
    // the server never reads and has a tiny receive window
    const { srv, cli, up } = await pair({ recbuf: 4096 }, { sndbuf: 4096 });
    try {
      assert.equal(await get(cli, "non_block_send"), false);
      await cli.setopts({ non_block_send: true });
      assert.equal(await get(cli, "non_block_send"), true);
      const chunk = new Uint8Array(1000);
      let err: unknown;
      for (let i = 0; i < 5000 && err === undefined; i++) {
        await cli.send(up, 0, chunk).catch((e) => (err = e));
      }
      assert.ok(err instanceof SctpError, `got ${String(err)}`);
      assert.equal(err.reason, "eagain");
    } finally {
      await closeAll(cli, srv);
    }
  });

  it("linger [true, 2], priority, tos, ttl read back", async () => {
    // Linux derives sk_priority from IP_TOS: tos first, then priority
    const s = await open({ linger: [true, 2], tos: 0x10 });
    try {
      assert.equal(await get(s, "priority"), 6, "IPTOS_LOWDELAY -> 6");
      await s.setopts({ ttl: 33, priority: 3 });
      assert.deepEqual(
        await s.getopts(["linger", "priority", "tos", "ttl"]),
        { linger: [true, 2], priority: 3, tos: 0x10, ttl: 33 },
      );
      await s.setopts({ linger: [false, 0] });
      // Linux keeps the old linger time when lingering is switched off
      assert.equal((await get(s, "linger") as [boolean, number])[0], false);
    } finally {
      await s.close();
    }
  });

  it("boolean options read back both ways", async () => {
    const names = [
      "dontroute",
      "reuseaddr",
      "reuseport",
      "reuseport_lb",
      "recvtos",
      "recvttl",
      "sctp_nodelay",
      "sctp_disable_fragments",
    ];
    const s = await open();
    try {
      for (const v of [true, false]) {
        const o: Rec = {};
        for (const n of names) o[n] = v;
        await s.setopts(o);
        const got: Record<string, unknown> = await s.getopts(names as never);
        for (const n of names) assert.equal(got[n], v, `${n} = ${v}`);
      }
    } finally {
      await s.close();
    }
  });

  it("inet6 options: tclass, recvtclass, ipv6_v6only, sctp_i_want_mapped_v4_addr", async () => {
    const s = await open({ family: "inet6", ipv6_v6only: true });
    try {
      await s.setopts({
        tclass: 0x28,
        recvtclass: true,
        sctp_i_want_mapped_v4_addr: false,
      });
      assert.deepEqual(
        await s.getopts([
          "tclass",
          "recvtclass",
          "ipv6_v6only",
          "sctp_i_want_mapped_v4_addr",
        ]),
        {
          tclass: 0x28,
          recvtclass: true,
          ipv6_v6only: true,
          sctp_i_want_mapped_v4_addr: false,
        },
      );
      await s.setopts({ sctp_i_want_mapped_v4_addr: true });
      assert.equal(await get(s, "sctp_i_want_mapped_v4_addr"), true);
    } finally {
      await s.close();
    }
  });

  it("recvtos / recvttl: the sender's tos and ttl appear in ancData", async () => {
    const { srv, cli, up } = await pair(
      { recvtos: true, recvttl: true },
      { tos: 0x20, ttl: 42 },
    );
    try {
      await cli.send(up, 0, "marked");
      const m = await recvData(srv);
      assert.equal(text(m.data), "marked");
      assert.deepEqual(await srv.getopts(["recvtos", "recvttl"]), {
        recvtos: true,
        recvttl: true,
      });
      assert.equal(m.ancData[0].type, "sctp_sndrcvinfo");
      // Linux's SCTP recvmsg passes no IP-level control messages (it never
      // calls ip_cmsg_recv), so these are absent there; where a kernel does
      // deliver them they carry the sender's values
      const tos = ancOf(m, "tos"), ttl = ancOf(m, "ttl");
      if (tos) assert.equal(tos.value, 0x20);
      if (ttl) assert.equal(ttl.value, 42);
    } finally {
      await closeAll(cli, srv);
    }
  });

  it("recvtclass: the sender's tclass appears in ancData (inet6)", async () => {
    const srv = await open({ ip: "::1", recvtclass: true });
    await srv.listen(true);
    const cli = await open({ family: "inet6", tclass: 0x28 });
    try {
      const up = await cli.connect("::1", await srv.port(), {}, 20000);
      await cli.send(up, 0, "six");
      const m = await recvData(srv);
      assert.equal(text(m.data), "six");
      assert.equal(m.fromIp, "::1");
      assert.equal(await get(srv, "recvtclass"), true);
      assert.equal(m.ancData[0].type, "sctp_sndrcvinfo");
      const tc = ancOf(m, "tclass"); // absent on Linux, see recvtos
      if (tc) assert.equal(tc.value, 0x28);
    } finally {
      await closeAll(cli, srv);
    }
  });

  it("high/low_msgq_watermark read back", async () => {
    const s = await open();
    try {
      assert.deepEqual(
        await s.getopts(["high_msgq_watermark", "low_msgq_watermark"]),
        { high_msgq_watermark: 8192, low_msgq_watermark: 4096 },
      );
      await s.setopts({ high_msgq_watermark: 20000, low_msgq_watermark: 100 });
      assert.deepEqual(
        await s.getopts(["high_msgq_watermark", "low_msgq_watermark"]),
        { high_msgq_watermark: 20000, low_msgq_watermark: 100 },
      );
    } finally {
      await s.close();
    }
  });

  it("sctp_autoclose: an idle association is closed; the peer sees shutdown", async () => {
    const { s: srv, port } = await server();
    const cli = await open({ sctp_autoclose: 1 });
    try {
      assert.equal(await get(cli, "sctp_autoclose"), 1);
      const up = await cli.connect("127.0.0.1", port, {}, 20000);
      const t0 = Date.now();
      const sh = await recvUntil(srv, (m) => isEvent(m, "sctp_shutdown_event"));
      assert.equal(sh.fromPort, await cli.port());
      await recvUntil(
        srv,
        (m) => isEvent(m, "sctp_assoc_change", "shutdown_comp"),
      );
      const done = await recvUntil(
        cli,
        (m) => isEvent(m, "sctp_assoc_change", "shutdown_comp"),
      );
      assert.equal(ev(done).assoc_id, up.assoc_id);
      assert.ok(Date.now() - t0 >= 500, "not before the idle time");
    } finally {
      await closeAll(cli, srv);
    }
  });

  it("sctp_disable_fragments: a message above the fragmentation point fails with emsgsize", async () => {
    const { srv, cli, up } = await pair({}, { sctp_disable_fragments: true });
    try {
      assert.equal(await get(cli, "sctp_disable_fragments"), true);
      await rejectsWith(cli.send(up, 0, new Uint8Array(100000)), "emsgsize");
      await cli.send(up, 0, "small is fine");
      assert.equal(text((await recvData(srv)).data), "small is fine");
    } finally {
      await closeAll(cli, srv);
    }
  });

  it("sctp_maxseg: read back, and caps a new association's fragmentation point", async () => {
    const { srv, cli, up } = await pair({}, { sctp_maxseg: 1000 });
    try {
      assert.equal(await get(cli, "sctp_maxseg"), 1000);
      const st = await get(cli, "sctp_status", { assoc_id: up.assoc_id }) as {
        fragmentation_point: number;
      };
      assert.ok(
        st.fragmentation_point > 0 && st.fragmentation_point <= 1000,
        `fragmentation_point ${st.fragmentation_point}`,
      );
      const big = new Uint8Array(5000).map((_, i) => (i * 7) & 0xff);
      await cli.send(up, 0, big);
      assert.deepEqual((await recvData(srv)).data, big);
    } finally {
      await closeAll(cli, srv);
    }
  });
});

describe("record options", () => {
  it("sctp_rtoinfo, sctp_associnfo, sctp_delayed_ack_time: set and read back", async () => {
    const s = await open();
    try {
      await s.setopts({
        sctp_rtoinfo: { initial: 1500, max: 9000, min: 300 },
        sctp_associnfo: { asocmaxrxt: 7 },
        sctp_delayed_ack_time: { assoc_value: 120 },
      });
      assert.deepEqual(await get(s, "sctp_rtoinfo"), {
        type: "sctp_rtoinfo",
        assoc_id: 0,
        initial: 1500,
        max: 9000,
        min: 300,
      });
      const ai = await get(s, "sctp_associnfo") as Rec;
      assert.equal(ai.type, "sctp_assocparams");
      assert.equal(ai.asocmaxrxt, 7);
      assert.equal(typeof ai.cookie_life, "number");
      assert.deepEqual(await get(s, "sctp_delayed_ack_time"), {
        type: "sctp_assoc_value",
        assoc_id: 0,
        assoc_value: 120,
      });
    } finally {
      await s.close();
    }
  });

  it("per-association records address the association through assoc_id", async () => {
    const { srv, cli, up } = await pair();
    try {
      const key = { assoc_id: up.assoc_id };
      await cli.setopts({
        sctp_rtoinfo: { assoc_id: up.assoc_id, max: 7000 },
        sctp_delayed_ack_time: { assoc_id: up.assoc_id, assoc_value: 200 },
      });
      const r = await get(cli, "sctp_rtoinfo", key) as Rec;
      assert.equal(r.assoc_id, up.assoc_id);
      assert.equal(r.max, 7000);
      const d = await get(cli, "sctp_delayed_ack_time", key) as Rec;
      assert.equal(d.assoc_value, 200); // a multiple of the 4 ms tick
      // the endpoint keeps its own values
      assert.notEqual((await get(cli, "sctp_rtoinfo") as Rec).max, 7000);
      const ai = await get(cli, "sctp_associnfo", key) as Rec;
      assert.equal(ai.assoc_id, up.assoc_id);
      assert.equal(ai.number_peer_destinations, 1);
      assert.ok((ai.peer_rwnd as number) > 0);
    } finally {
      await closeAll(cli, srv);
    }
  });

  it("sctp_initmsg in connect options changes only num_ostreams; streams are negotiated", async () => {
    const { s: srv, port } = await server();
    const cli = await open({ sctp_initmsg: { max_instreams: 9 } });
    try {
      const before = await get(cli, "sctp_initmsg") as Rec;
      assert.equal(before.type, "sctp_initmsg");
      assert.equal(before.max_instreams, 9);
      const up = await cli.connect(
        "127.0.0.1",
        port,
        { sctp_initmsg: { num_ostreams: 5 } },
        20000,
      );
      assert.equal(up.outbound_streams, 5);
      assert.equal(up.inbound_streams, 9);
      const after = await get(cli, "sctp_initmsg") as Rec;
      assert.deepEqual(after, { ...before, num_ostreams: 5 });
      const srvUp = await recvUntil(
        srv,
        (m) => isEvent(m, "sctp_assoc_change", "comm_up"),
      );
      assert.equal(ev(srvUp).inbound_streams, 5);
      assert.equal(ev(srvUp).outbound_streams, 9);
      // stream 4 works, stream 5 does not exist
      await cli.send(up, 4, "s4");
      const m = await recvData(srv);
      assert.equal(sri(m).stream, 4);
      await rejectsWith(cli.send(up, 5, "s5"), "einval");
    } finally {
      await closeAll(cli, srv);
    }
  });

  it("sctp_status and sctp_get_peer_addr_info describe an established association", async () => {
    const { srv, cli, port, up } = await pair();
    try {
      const st = await get(cli, "sctp_status", { assoc_id: up.assoc_id }) as
        & Rec
        & { primary: Rec };
      assert.equal(st.type, "sctp_status");
      assert.equal(st.assoc_id, up.assoc_id);
      assert.equal(st.state, "established");
      assert.equal(st.outstrms, up.outbound_streams);
      assert.equal(st.instrms, up.inbound_streams);
      assert.ok((st.rwnd as number) > 0);
      assert.ok((st.fragmentation_point as number) > 0);
      assert.equal(st.primary.type, "sctp_paddrinfo");
      assert.deepEqual(st.primary.address, { addr: "127.0.0.1", port });
      assert.equal(st.primary.state, "active");
      const pi = await get(cli, "sctp_get_peer_addr_info", {
        assoc_id: up.assoc_id,
        address: { addr: "127.0.0.1", port },
      }) as Rec;
      assert.equal(pi.type, "sctp_paddrinfo");
      assert.equal(pi.assoc_id, up.assoc_id);
      assert.deepEqual(pi.address, { addr: "127.0.0.1", port });
      assert.equal(pi.state, "active");
      assert.ok((pi.cwnd as number) > 0, `cwnd ${pi.cwnd}`);
      assert.ok((pi.rto as number) > 0, `rto ${pi.rto}`);
      assert.ok((pi.mtu as number) > 0, `mtu ${pi.mtu}`);
      // the address alone finds the association on a one-to-many socket
      const pi2 = await get(cli, "sctp_get_peer_addr_info", {
        address: { addr: "127.0.0.1", port },
      }) as Rec;
      assert.equal(pi2.assoc_id, up.assoc_id);
    } finally {
      await closeAll(cli, srv);
    }
  });

  it("sctp_primary_addr: switch the primary path of a multi-homed association", async () => {
    const { srv, cli, port, up } = await pair({
      ip: ["127.0.0.1", "127.0.0.2"],
    });
    try {
      const key = { assoc_id: up.assoc_id };
      const p0 = await get(cli, "sctp_primary_addr", key) as Rec;
      assert.equal(p0.type, "sctp_prim");
      assert.deepEqual(p0.addr, { addr: "127.0.0.1", port });
      const peers = await cli.peernames(up);
      assert.equal(peers.length, 2);
      await cli.setopts({
        sctp_primary_addr: {
          assoc_id: up.assoc_id,
          addr: { addr: "127.0.0.2", port },
        },
      });
      const p1 = await get(cli, "sctp_primary_addr", key) as Rec;
      assert.deepEqual(p1.addr, { addr: "127.0.0.2", port });
      const st = await get(cli, "sctp_status", key) as { primary: Rec };
      assert.deepEqual(st.primary.address, { addr: "127.0.0.2", port });
      // data still flows over the new primary
      await cli.send(up, 0, "via .2");
      assert.equal(text((await recvData(srv)).data), "via .2");
      // an address that is not the peer's is refused by the kernel
      await rejectsWith(
        cli.setopts({
          sctp_primary_addr: {
            assoc_id: up.assoc_id,
            addr: { addr: "127.0.0.3", port },
          },
        }),
        "einval",
      );
    } finally {
      await closeAll(cli, srv);
    }
  });

  it("sctp_set_peer_primary_addr: asks the peer to use another of our addresses", async () => {
    const { s: srv, port } = await server();
    const cli = await open({ ip: ["127.0.0.1", "127.0.0.2"] });
    try {
      const up = await cli.connect("127.0.0.1", port, {}, 20000);
      const cport = await cli.port();
      const srvUp = await recvUntil(
        srv,
        (m) => isEvent(m, "sctp_assoc_change", "comm_up"),
      );
      const sid = ev(srvUp).assoc_id as number;
      const before = await get(srv, "sctp_primary_addr", { assoc_id: sid }) as
        & Rec
        & { addr: Rec };
      const other = before.addr.addr === "127.0.0.1"
        ? "127.0.0.2"
        : "127.0.0.1";
      await cli.setopts({
        sctp_set_peer_primary_addr: {
          assoc_id: up.assoc_id,
          addr: { addr: other, port: cport },
        },
      });
      // write-only: getopts omits it
      assert.deepEqual(
        await cli.getopts([{
          sctp_set_peer_primary_addr: { assoc_id: up.assoc_id },
        }]),
        {},
      );
      const made = await recvUntil(
        srv,
        (m) => isEvent(m, "sctp_paddr_change", "addr_made_prim"),
      );
      assert.deepEqual(ev(made).addr, { addr: other, port: cport });
      const after = await get(srv, "sctp_primary_addr", { assoc_id: sid }) as
        & Rec
        & { addr: Rec };
      assert.deepEqual(after.addr, { addr: other, port: cport });
    } finally {
      await closeAll(cli, srv);
    }
  });

  it("sctp_adaptation_layer: the peer gets an adaptation indication when subscribed", async () => {
    const { s: srv, port } = await server({
      sctp_adaptation_layer: { adaptation_ind: 0x1234 },
    });
    const cli = await open({ sctp_events: { adaptation_layer_event: true } });
    try {
      assert.deepEqual(await get(srv, "sctp_adaptation_layer"), {
        type: "sctp_setadaptation",
        adaptation_ind: 0x1234,
      });
      const up = await cli.connect("127.0.0.1", port, {}, 20000);
      const m = await recvUntil(
        cli,
        (m) => isEvent(m, "sctp_adaptation_event"),
      );
      assert.deepEqual(m.data, {
        type: "sctp_adaptation_event",
        adaptation_ind: 0x1234,
        assoc_id: up.assoc_id,
      });
    } finally {
      await closeAll(cli, srv);
    }
  });

  it("sctp_peer_addr_params: endpoint values read back; hb_demand triggers a heartbeat", async () => {
    const { srv, cli, port, up } = await pair();
    try {
      await cli.setopts({
        sctp_peer_addr_params: {
          hbinterval: 5000,
          pathmaxrxt: 4,
          flags: ["hb_enable"],
        },
      });
      const ep = await get(cli, "sctp_peer_addr_params") as Rec;
      assert.equal(ep.type, "sctp_paddrparams");
      assert.equal(ep.hbinterval, 5000);
      assert.equal(ep.pathmaxrxt, 4);
      assert.ok((ep.flags as string[]).includes("hb_enable"));
      const address = { addr: "127.0.0.1", port };
      const key = { assoc_id: up.assoc_id, address };
      const pp = await get(cli, "sctp_peer_addr_params", key) as Rec;
      assert.equal(pp.assoc_id, up.assoc_id);
      assert.deepEqual(pp.address, address);
      const pi0 = await get(cli, "sctp_get_peer_addr_info", key) as Rec;
      // no RTT was measured yet: the rto is still rto_initial
      const initial = (await get(cli, "sctp_rtoinfo") as Rec).initial;
      assert.equal(pi0.rto, initial);
      await cli.setopts({
        sctp_peer_addr_params: {
          assoc_id: up.assoc_id,
          address,
          flags: ["hb_demand"],
        },
      });
      let pi1 = pi0;
      for (let i = 0; i < 100; i++) {
        pi1 = await get(cli, "sctp_get_peer_addr_info", key) as Rec;
        if (pi1.rto !== pi0.rto || pi1.srtt !== pi0.srtt) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      // the heartbeat's ack is the association's first RTT measurement:
      // the rto drops from rto_initial towards rto_min
      assert.ok((pi1.rto as number) < (initial as number), `rto ${pi1.rto}`);
      await rejectsWith(
        cli.setopts({
          sctp_peer_addr_params: { flags: ["hb_enable", "hb_disable"] },
        }),
        "einval",
      );
    } finally {
      await closeAll(cli, srv);
    }
  });

  it("sctp_default_send_param: endpoint and per-association defaults reach the peer", async () => {
    const { s: srv, port } = await server();
    const cli = await open({ sctp_default_send_param: { ppid: 17 } });
    try {
      const ep = await get(cli, "sctp_default_send_param") as Rec;
      assert.equal(ep.type, "sctp_sndrcvinfo");
      assert.equal(ep.ppid, 17);
      assert.equal(ep.context, 0);
      assert.equal(ep.timetolive, 0);
      assert.equal(ep.assoc_id, 0);
      const up = await cli.connect("127.0.0.1", port, {}, 20000);
      const key = { assoc_id: up.assoc_id };
      assert.equal(
        (await get(cli, "sctp_default_send_param", key) as Rec).ppid,
        17,
      );
      await cli.send(up, 1, "inherited");
      let m = await recvData(srv);
      assert.equal(text(m.data), "inherited");
      assert.equal(sri(m).ppid, 17);
      assert.equal(sri(m).stream, 1);
      await cli.setopts({ sctp_default_send_param: { ppid: 18, assoc_id: 0 } });
      await cli.setopts({
        sctp_default_send_param: { ppid: 19, assoc_id: up.assoc_id },
      });
      assert.equal((await get(cli, "sctp_default_send_param") as Rec).ppid, 18);
      assert.equal(
        (await get(cli, "sctp_default_send_param", key) as Rec).ppid,
        19,
      );
      await cli.send(up, 2, "per-assoc");
      m = await recvData(srv);
      assert.equal(text(m.data), "per-assoc");
      assert.equal(sri(m).ppid, 19);
      assert.equal(sri(m).stream, 2);
    } finally {
      await closeAll(cli, srv);
    }
  });

  it("sctp_events: defaults; data_io_event false drops the sndrcvinfo; association_event false drops comm_up", async () => {
    const s = await open();
    try {
      assert.deepEqual(await get(s, "sctp_events"), {
        type: "sctp_event_subscribe",
        data_io_event: true,
        association_event: true,
        address_event: true,
        send_failure_event: true,
        peer_error_event: true,
        shutdown_event: true,
        partial_delivery_event: true,
        adaptation_layer_event: false,
        authentication_event: false,
        sender_dry_event: false,
      });
    } finally {
      await s.close();
    }
    const { s: srv, port } = await server({
      sctp_events: {
        data_io_event: false,
        association_event: false,
        address_event: false,
      },
    });
    const cli = await open();
    try {
      const ev = await get(srv, "sctp_events") as Rec;
      assert.equal(ev.data_io_event, false);
      assert.equal(ev.association_event, false);
      assert.equal(ev.shutdown_event, true);
      const up = await cli.connect("127.0.0.1", port, {}, 20000);
      await cli.send(up, 0, "bare");
      // the first thing the server sees is the data: no comm_up, no paddr
      const m = await srv.recv(20000);
      assert.ok(m.data instanceof Uint8Array, "data first");
      assert.equal(text(m.data), "bare");
      assert.deepEqual(m.ancData, []);
      await srv.setopts({ sctp_events: { data_io_event: true } });
      await cli.send(up, 3, "dressed");
      const m2 = await srv.recv(20000);
      assert.equal(text(m2.data), "dressed");
      assert.equal(sri(m2).stream, 3);
    } finally {
      await closeAll(cli, srv);
    }
  });
});

describe("option validation", () => {
  it("wrong names, types and ranges throw TypeError/RangeError naming the option", async () => {
    const s = await open();
    try {
      const bad: [Rec, ErrorConstructor, RegExp][] = [
        [{ nope: 1 }, TypeError, /nope/],
        [{ sndbuf: "big" }, TypeError, /sndbuf/],
        [{ sndbuf: -1 }, RangeError, /sndbuf/],
        [{ sctp_nodelay: 1 }, TypeError, /sctp_nodelay/],
        [{ active: "twice" }, TypeError, /active/],
        [{ active: 40000 }, RangeError, /active/],
        [{ mode: "text" }, TypeError, /mode/],
        [{ linger: [true] }, TypeError, /linger/],
        [{ sctp_initmsg: { num_ostreams: 70000 } }, RangeError, /sctp_initmsg/],
        [{ sctp_initmsg: { streams: 1 } }, TypeError, /sctp_initmsg/],
        [{ sctp_initmsg: 5 }, TypeError, /sctp_initmsg/],
        [{ sctp_rtoinfo: { initial: -1 } }, RangeError, /sctp_rtoinfo/],
        [
          { sctp_peer_addr_params: { flags: ["hb_sometimes"] } },
          TypeError,
          /sctp_peer_addr_params/,
        ],
        [
          { sctp_default_send_param: { ssn: 1 } },
          TypeError,
          /sctp_default_send_param/,
        ],
        [{ sctp_events: { data_io_event: 1 } }, TypeError, /sctp_events/],
        [{ sctp_status: { assoc_id: 1 } }, TypeError, /sctp_status/],
        [
          { sctp_primary_addr: { assoc_id: 1, addr: "127.0.0.1" } },
          TypeError,
          /sctp_primary_addr/,
        ],
      ];
      for (const [opts, cls, re] of bad) {
        await assert.rejects(s.setopts(opts), (e: unknown) => {
          assert.ok(e instanceof cls, `${JSON.stringify(opts)}: ${e}`);
          assert.match((e as Error).message, re);
          return true;
        });
      }
      // @ts-expect-error: an unknown name is a compile error too
      await assert.rejects(s.getopts(["nope"]), TypeError);
      await assert.rejects(s.getopts(["sctp_status"]), /sctp_status/);
      await assert.rejects(
        s.getopts([{ sctp_rtoinfo: { assoc_id: 0, max: 3 } }]),
        /sctp_rtoinfo/,
      );
      // @ts-expect-error: a wrong value type is a compile error too
      await assert.rejects(open({ sctp_nodelay: "yes" }), TypeError);
      // @ts-expect-error: an unknown option is a compile error too
      await assert.rejects(open({ bogus_option: true }), /bogus_option/);
      // nothing was changed by the rejected calls
      assert.equal(await get(s, "active"), false);
      assert.equal(await get(s, "mode"), "binary");
    } finally {
      await s.close();
    }
  });

  it("a kernel refusal surfaces as its posix reason", async () => {
    const s = await open();
    try {
      await rejectsWith(
        s.setopts({
          sctp_peer_addr_params: { flags: ["hb_enable", "hb_disable"] },
        }),
        "einval",
      );
      await rejectsWith(
        s.setopts({
          sctp_peer_addr_params: { flags: ["pmtud_enable", "pmtud_disable"] },
        }),
        "einval",
      );
      // an association that does not exist
      const st = await s.getopts([{ sctp_status: { assoc_id: 12345 } }]);
      assert.deepEqual(st, {}, "getopts omits what the kernel refuses");
    } finally {
      await s.close();
    }
  });
});
