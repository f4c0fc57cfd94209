// UDP encapsulation (RFC 6951) inside a network namespace of the test's own
// with net.sctp.udp_port=9899 (the kernel's UDP tunnel socket; the sysctls
// are per namespace, the root namespace's are left alone). Without a tcpdump
// in the VM, the wire is seen through the namespace's counters: its only UDP
// socket is the tunnel's on 9899, so every UDP datagram it receives
// (Udp InDatagrams) is an encapsulated SCTP packet on that port. Needs root
// and iproute2: runs in the test VM.
import assert from "node:assert/strict";
import process from "node:process";
import { after, before, describe, it } from "node:test";
import { SctpError, type SctpOptions } from "../mod.ts";
import { createNs, type Ns } from "./fixtures/sctp_ns.ts";
import { isEvent, open, recvData, recvUntil, text } from "./helpers.ts";

const PORT = 9899;
const N = 40;

/** A deliberately ill-typed value (for the TypeError cases). */
const bad = (v: unknown): never => v as never;

describe("UDP encapsulation (RFC 6951)", () => {
  let ns: Ns;
  before(async () => {
    ns = await createNs(`sctpudp${process.pid}`, { udp_port: PORT });
  });
  after(async () => {
    await ns?.destroy();
  });

  /**
   * N request/response round trips (each message its own packet) between a
   * server and a client opened with `opts`; the namespace's UDP and SCTP
   * counters' rise.
   */
  async function roundTrips(opts: SctpOptions) {
    const srv = await open({ netns: ns.path, ip: "127.0.0.1", ...opts });
    const cli = await open({ netns: ns.path, sctp_nodelay: true, ...opts });
    try {
      await srv.listen(true);
      const u0 = await ns.udpSnmp(), s0 = await ns.sctpSnmp();
      const up = await cli.connect("127.0.0.1", await srv.port(), {}, 20000);
      const sUp = (await recvUntil(
        srv,
        (m) => isEvent(m, "sctp_assoc_change", "comm_up"),
        20000,
      )).data as typeof up;
      for (let i = 0; i < N; i++) {
        await cli.send(up, 0, `ping ${i}`);
        assert.equal(text((await recvData(srv, 10000)).data), `ping ${i}`);
        await srv.send(sUp, 0, `pong ${i}`);
        assert.equal(text((await recvData(cli, 10000)).data), `pong ${i}`);
      }
      const u1 = await ns.udpSnmp(), s1 = await ns.sctpSnmp();
      const encaps = await cli.getopts([
        { sctp_remote_udp_encaps_port: { assoc_id: up.assoc_id } },
        {
          sctp_remote_udp_encaps_port: {
            assoc_id: up.assoc_id,
            address: { addr: "127.0.0.1", port: await srv.port() },
          },
        },
      ]);
      return {
        udpIn: u1.InDatagrams - u0.InDatagrams,
        udpNoPorts: u1.NoPorts - u0.NoPorts,
        sctpIn: s1.SctpInSCTPPacks - s0.SctpInSCTPPacks,
        encaps: encaps.sctp_remote_udp_encaps_port,
      };
    } finally {
      await cli.close();
      await srv.close();
    }
  }

  it("the namespace's kernel UDP tunnel socket listens on net.sctp.udp_port", async () => {
    assert.equal(await ns.readSysctl("udp_port"), PORT);
    assert.deepEqual(await ns.udpPorts(), [PORT]);
  });

  it(`plain SCTP by default: ${N} round trips, no UDP datagram`, async () => {
    const r = await roundTrips({});
    console.log(`udp_encaps: plain ${JSON.stringify(r)}`);
    assert.ok(r.sctpIn >= 2 * N, `SCTP packets in: ${r.sctpIn}`);
    assert.equal(r.udpIn, 0);
    assert.equal(r.encaps?.port, 0);
  });

  it(`sctp_remote_udp_encaps_port ${PORT} on both endpoints: ${N} round trips, every SCTP packet arrives in a UDP datagram on port ${PORT}`, async () => {
    const r = await roundTrips({
      sctp_remote_udp_encaps_port: { port: PORT },
    });
    console.log(`udp_encaps: encapsulated ${JSON.stringify(r)}`);
    assert.ok(r.sctpIn >= 2 * N, `SCTP packets in: ${r.sctpIn}`);
    assert.ok(r.udpIn >= 2 * N, `UDP datagrams in: ${r.udpIn}`);
    assert.ok(
      r.udpIn <= r.sctpIn && r.udpIn >= r.sctpIn - 2,
      `SCTP packets ${r.sctpIn}, of them over UDP ${r.udpIn}`,
    );
    assert.equal(r.encaps?.port, PORT);
  });

  it("net.sctp.encap_port makes it the default of new sockets", async () => {
    await ns.sysctl("encap_port", PORT);
    try {
      await using s = await open({ netns: ns.path });
      const o = await s.getopts(["sctp_remote_udp_encaps_port"]);
      assert.equal(o.sctp_remote_udp_encaps_port.port, PORT);
      const r = await roundTrips({});
      console.log(`udp_encaps: encap_port sysctl ${JSON.stringify(r)}`);
      assert.ok(r.udpIn >= 2 * N, `UDP datagrams in: ${r.udpIn}`);
      assert.ok(r.udpIn <= r.sctpIn && r.udpIn >= r.sctpIn - 2);
    } finally {
      await ns.sysctl("encap_port", 0);
    }
  });

  it("to a UDP port nobody listens on, the INIT never arrives: no association, the datagrams hit UDP NoPorts", async () => {
    const srv = await open({ netns: ns.path, ip: "127.0.0.1" });
    const cli = await open({
      netns: ns.path,
      sctp_remote_udp_encaps_port: { port: PORT + 1 },
      sctp_initmsg: { max_attempts: 2, max_init_timeo: 200 },
    });
    try {
      await srv.listen(true);
      const u0 = await ns.udpSnmp();
      await assert.rejects(
        cli.connect("127.0.0.1", await srv.port(), {}, 20000),
        (e: unknown) => e instanceof SctpError,
      );
      const u1 = await ns.udpSnmp();
      assert.ok(u1.NoPorts - u0.NoPorts >= 1, "INITs to an unused UDP port");
    } finally {
      await cli.close();
      await srv.close();
    }
  });

  it("bad values: TypeError / RangeError; an unknown peer address is an SctpError", async () => {
    await using s = await open({ netns: ns.path });
    await assert.rejects(
      s.setopts({ sctp_remote_udp_encaps_port: { port: 65536 } }),
      RangeError,
    );
    await assert.rejects(
      s.setopts({ sctp_remote_udp_encaps_port: { port: bad("9899") } }),
      TypeError,
    );
    await assert.rejects(
      s.setopts({
        sctp_remote_udp_encaps_port: {
          address: { addr: "127.0.0.9", port: 1 },
          port: PORT,
        },
      }),
      (e: unknown) =>
        e instanceof SctpError && e.reason === "einval" &&
        /net\.sctp\.udp_port/.test(e.message),
    );
    // the endpoint's value round trips
    await s.setopts({ sctp_remote_udp_encaps_port: { port: 4242 } });
    const o = await s.getopts(["sctp_remote_udp_encaps_port"]);
    assert.equal(o.sctp_remote_udp_encaps_port.port, 4242);
  });
});
