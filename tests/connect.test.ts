// gen_sctp connect/4,5 (and the sockaddr form), connect_init, connectx_init,
// one-to-one sockets, and connect failures.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { SctpError, type SctpSocket } from "../mod.ts";
import { isEvent, open, recvData, recvUntil, server, text } from "./helpers.ts";

type AssocChange = {
  type: string;
  state: string;
  assoc_id: number;
  outbound_streams: number;
  inbound_streams: number;
  error: number;
};

const assocOf = (m: { data: unknown }) => m.data as AssocChange;

/** A bound, not listening socket: INITs to it are refused. */
async function deafPort(): Promise<{ s: SctpSocket; port: number }> {
  const s = await open({ ip: "127.0.0.1" });
  return { s, port: await s.port() };
}

/** gen_sctp's tests accept cant_assoc (record) or econnrefused. */
function isRefusal(e: unknown): boolean {
  if (!(e instanceof SctpError)) return false;
  const r = e.reason;
  if (typeof r === "string") return r === "econnrefused";
  return r.type === "sctp_assoc_change" &&
    (r as AssocChange).state === "cant_assoc";
}

describe("connect", () => {
  it("connect on 127.0.0.1 resolves comm_up with stream counts; the server sees comm_up too", async () => {
    const { s: srv, port } = await server();
    const cli = await open();
    try {
      const up = await cli.connect("127.0.0.1", port, {
        sctp_initmsg: { num_ostreams: 7, max_instreams: 9 },
      }, 20000);
      assert.equal(up.type, "sctp_assoc_change");
      assert.equal(up.state, "comm_up");
      assert.equal(up.error, 0);
      assert.ok(up.assoc_id > 0);
      assert.ok(up.outbound_streams >= 1 && up.outbound_streams <= 7);
      assert.ok(up.inbound_streams >= 1 && up.inbound_streams <= 9);
      const m = await recvUntil(
        srv,
        (m) => isEvent(m, "sctp_assoc_change", "comm_up"),
      );
      assert.equal(m.fromIp, "127.0.0.1");
      assert.equal(m.fromPort, await cli.port());
      const s = assocOf(m);
      // stream counts are symmetric
      assert.equal(s.inbound_streams, up.outbound_streams);
      assert.equal(s.outbound_streams, up.inbound_streams);
    } finally {
      await cli.close();
      await srv.close();
    }
  });

  it("five connects at once on one one-to-many socket: each resolves with its own association", async () => {
    const servers = await Promise.all(
      Array.from({ length: 5 }, () => server()),
    );
    const cli = await open();
    try {
      const ports = await Promise.all(servers.map((x) => x.s.port()));
      const ups = await Promise.all(
        ports.map((p) => cli.connect("127.0.0.1", p, {}, 20000)),
      );
      const ids = ups.map((u) => u.assoc_id);
      assert.equal(new Set(ids).size, 5, `distinct ids: ${ids}`);
      for (const u of ups) assert.equal(u.state, "comm_up");
      // each association reaches its own server
      for (let i = 0; i < 5; i++) {
        await cli.send(ups[i], 0, `to ${i}`);
        assert.equal(text((await recvData(servers[i].s)).data), `to ${i}`);
      }
      // nothing of the connects is left over for recv
      await assert.rejects(
        cli.recv(50),
        (e: unknown) => e instanceof SctpError && e.reason === "timeout",
      );
    } finally {
      await cli.close();
      for (const x of servers) await x.s.close();
    }
  });

  it("connect on ::1 (inet6)", async () => {
    const { s: srv, port } = await server({ ip: "::1" });
    const cli = await open({ family: "inet6" });
    try {
      const up = await cli.connect("::1", port, {}, 20000);
      assert.equal(up.state, "comm_up");
      assert.ok(up.assoc_id > 0);
      const m = await recvUntil(
        srv,
        (m) => isEvent(m, "sctp_assoc_change", "comm_up"),
      );
      assert.equal(m.fromIp, "::1");
    } finally {
      await cli.close();
      await srv.close();
    }
  });

  it("sockaddr form connect({ addr, port }) and the hostname localhost", async () => {
    const { s: srv, port } = await server();
    const a = await open();
    const b = await open();
    try {
      const up1 = await a.connect({ addr: "127.0.0.1", port }, {}, 20000);
      assert.equal(up1.state, "comm_up");
      const up2 = await b.connect("localhost", port, {}, 20000);
      assert.equal(up2.state, "comm_up");
      await b.send(up2, 0, "via localhost");
      assert.equal(text((await recvData(srv)).data), "via localhost");
    } finally {
      await a.close();
      await b.close();
      await srv.close();
    }
  });

  it("connect to a port nobody listens on rejects with cant_assoc (or econnrefused)", async () => {
    const deaf = await deafPort();
    const cli = await open({
      sctp_initmsg: { max_attempts: 1, max_init_timeo: 100 },
    });
    try {
      await assert.rejects(
        cli.connect("127.0.0.1", deaf.port, {}, 60000),
        isRefusal,
      );
      // a socket that failed to associate can connect again (to a listener)
      const { s: srv, port } = await server();
      try {
        const up = await cli.connect("127.0.0.1", port, {}, 20000);
        assert.equal(up.state, "comm_up");
      } finally {
        await srv.close();
      }
    } finally {
      await cli.close();
      await deaf.s.close();
    }
  });

  it("an unroutable address fails with enetunreach (or, when routed, times out)", async () => {
    // the test VM has only lo: no route to TEST-NET-1 gives enetunreach at
    // once; on a host with a default route nothing answers and the connect
    // timeout gives "timeout"
    await using cli = await open();
    const t0 = Date.now();
    await assert.rejects(
      cli.connect("192.0.2.1", 5000, {}, 2000),
      (e) =>
        e instanceof SctpError &&
        (e.reason === "enetunreach" || e.reason === "timeout"),
    );
    assert.ok(Date.now() - t0 < 20000, "the timeout bounds the wait");
  });

  it("bad hostnames give nxdomain; an IPv6 address on an inet socket gives eafnosupport", async () => {
    await using cli = await open();
    const reason = (r: string) => (e: unknown) =>
      e instanceof SctpError && e.reason === r;
    await assert.rejects(cli.connect("", 5000), reason("nxdomain"));
    await assert.rejects(cli.connect(".", 5000), reason("nxdomain"));
    await assert.rejects(cli.connect("::1", 5000), reason("eafnosupport"));
    await assert.rejects(
      cli.connect({ family: "inet6", addr: "::1", port: 5000 }),
      reason("eafnosupport"),
    );
    await assert.rejects(cli.connectInit("", 5000), reason("nxdomain"));
  });

  it("bad arguments are TypeError/RangeError", async () => {
    await using cli = await open();
    // deno-lint-ignore no-explicit-any
    const c = cli as any;
    await assert.rejects(c.connect("127.0.0.1", 70000), RangeError);
    await assert.rejects(c.connect("127.0.0.1", -1), RangeError);
    await assert.rejects(c.connect("127.0.0.1", "port"), TypeError);
    await assert.rejects(c.connect(42, 5000), TypeError);
    await assert.rejects(c.connect("127.0.0.1", 5000, "opts"), TypeError);
    await assert.rejects(c.connect("127.0.0.1", 5000, {}, -5), RangeError);
    await assert.rejects(c.connect("127.0.0.1", 5000, {}, 1.5), TypeError);
    await assert.rejects(
      c.connectInit("127.0.0.1", 12345, "not_allowed_for_opts"),
      TypeError,
    );
    await assert.rejects(c.connect("127.0.0.1", 5000, { bogus: 1 }), TypeError);
  });

  it("connectInit, then comm_up arrives through recv", async () => {
    const { s: srv, port } = await server();
    const cli = await open();
    try {
      const r = await cli.connectInit("127.0.0.1", port);
      assert.equal(r, undefined);
      const m = await recvUntil(cli, (m) => isEvent(m, "sctp_assoc_change"));
      assert.equal(assocOf(m).state, "comm_up");
      assert.equal(m.fromIp, "127.0.0.1");
      assert.equal(m.fromPort, port);
      assert.ok(assocOf(m).assoc_id > 0);
    } finally {
      await cli.close();
      await srv.close();
    }
  });

  it("connectInit to a non-listening peer: cant_assoc arrives through recv (or econnrefused)", async () => {
    const deaf = await deafPort();
    const cli = await open();
    try {
      let refusedNow = false;
      try {
        await cli.connectInit("127.0.0.1", deaf.port, {
          sctp_initmsg: { max_attempts: 1, max_init_timeo: 100 },
        });
      } catch (e) {
        assert.ok(isRefusal(e), `unexpected ${e}`);
        refusedNow = true;
      }
      const m = await recvUntil(
        cli,
        (m) => isEvent(m, "sctp_assoc_change"),
        60000,
      );
      assert.equal(m.fromPort, deaf.port);
      assert.equal(assocOf(m).state, refusedNow ? "comm_lost" : "cant_assoc");
    } finally {
      await cli.close();
      await deaf.s.close();
    }
  });

  it("connectxInit with two server addresses returns an id > 0; comm_up arrives with that id", async () => {
    const { s: srv, port } = await server({ ip: ["127.0.0.1", "127.0.0.2"] });
    const cli = await open();
    try {
      const id = await cli.connectxInit(["127.0.0.1", "127.0.0.2"], port);
      assert.equal(typeof id, "number");
      assert.ok(id > 0);
      const m = await recvUntil(cli, (m) => isEvent(m, "sctp_assoc_change"));
      assert.equal(assocOf(m).state, "comm_up");
      assert.equal(assocOf(m).assoc_id, id);
      await cli.send(id, 0, "over connectx");
      assert.equal(text((await recvData(srv)).data), "over connectx");
    } finally {
      await cli.close();
      await srv.close();
    }
  });

  it("connectxInit argument errors are TypeError (gen_sctp badarg)", async () => {
    await using cli = await open();
    // deno-lint-ignore no-explicit-any
    const c = cli as any;
    await assert.rejects(c.connectxInit([], 5000), TypeError);
    await assert.rejects(c.connectxInit("127.0.0.1", 5000), TypeError);
    await assert.rejects(c.connectxInit(["127.0.0.1"], 5000, "x"), TypeError);
    await assert.rejects(
      c.connectxInit([{ addr: "127.0.0.1", port: 0 }]),
      TypeError,
    );
    await assert.rejects(c.connectxInit([""], 5000), TypeError);
  });

  it('one-to-one: a type "stream" client to a listen(5) stream server', async () => {
    const srv = await open({ type: "stream", ip: "127.0.0.1" });
    const cli = await open({ type: "stream" });
    try {
      await srv.listen(5);
      const port = await srv.port();
      const up = await cli.connect("127.0.0.1", port, {}, 20000);
      assert.equal(up.state, "comm_up");
      assert.ok(up.outbound_streams >= 1);
      // a one-to-one socket's peer is its only association's peer
      assert.deepEqual(await cli.peernames(), [{ addr: "127.0.0.1", port }]);
    } finally {
      await cli.close();
      await srv.close();
    }
  });

  it('one-to-one: a type "stream" client exchanges data with a seqpacket server', async () => {
    const { s: srv, port } = await server();
    const cli = await open({ type: "stream" });
    try {
      const up = await cli.connect("127.0.0.1", port, {}, 20000);
      assert.equal(up.state, "comm_up");
      await cli.send(up, 0, "ping");
      const m = await recvData(srv);
      assert.equal(text(m.data), "ping");
      const info = m.ancData[0] as { assoc_id: number };
      await srv.send(info.assoc_id, 0, "pong");
      const r = await recvData(cli);
      assert.equal(text(r.data), "pong");
      assert.equal(r.fromPort, port);
    } finally {
      await cli.close();
      await srv.close();
    }
  });
});
