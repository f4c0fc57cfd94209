// Multi-homing: several local addresses (open ip list, bindx) and the
// addresses of an association (socknames/peernames).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { SctpError } from "../mod.ts";
import { isEvent, open, recvData, recvUntil, server, text } from "./helpers.ts";

const addrs = (l: { addr: string }[]) => l.map((a) => a.addr).sort();

describe("multihoming", () => {
  it('open({ ip: ["127.0.0.1", "127.0.0.2"] }) binds both addresses on one port', async () => {
    await using s = await open({ ip: ["127.0.0.1", "127.0.0.2"] });
    const port = await s.port();
    assert.ok(port > 0);
    const names = await s.socknames();
    assert.deepEqual(addrs(names), ["127.0.0.1", "127.0.0.2"]);
    assert.ok(names.every((n) => n.port === port));
  });

  it("peernames(assoc) on the client lists every server address; socknames(assoc) the client's", async () => {
    const { s: srv, port } = await server({ ip: ["127.0.0.1", "127.0.0.2"] });
    const cli = await open({ ip: ["127.0.0.3", "127.0.0.4"] });
    try {
      const up = await cli.connect("127.0.0.1", port, {}, 20000);
      const peers = await cli.peernames(up);
      assert.deepEqual(addrs(peers), ["127.0.0.1", "127.0.0.2"]);
      assert.ok(peers.every((p) => p.port === port));
      assert.deepEqual(await cli.peernames(up.assoc_id), peers);
      const mine = await cli.socknames(up);
      assert.deepEqual(addrs(mine), ["127.0.0.3", "127.0.0.4"]);
      // and the server sees the client's two addresses
      const m = await recvUntil(
        srv,
        (m) => isEvent(m, "sctp_assoc_change", "comm_up"),
      );
      const srvAssoc = (m.data as { assoc_id: number }).assoc_id;
      assert.deepEqual(
        addrs(await srv.peernames(srvAssoc)),
        ["127.0.0.3", "127.0.0.4"],
      );
      await cli.send(up, 0, "multi-homed");
      assert.equal(text((await recvData(srv)).data), "multi-homed");
      // peernames without an assoc on a one-to-many socket: an error
      await assert.rejects(cli.peernames(), (e) => e instanceof SctpError);
    } finally {
      await cli.close();
      await srv.close();
    }
  });

  it("bindx adds (and removes) a local address", async () => {
    await using s = await open({ ip: "127.0.0.1" });
    const port = await s.port();
    await s.bindx(["127.0.0.2"]);
    assert.deepEqual(addrs(await s.socknames()), ["127.0.0.1", "127.0.0.2"]);
    assert.ok((await s.socknames()).every((n) => n.port === port));
    await s.bindx(["127.0.0.5", "127.0.0.6"]);
    assert.equal((await s.socknames()).length, 4);
    await s.bindx(["127.0.0.5"], false);
    assert.deepEqual(
      addrs(await s.socknames()),
      ["127.0.0.1", "127.0.0.2", "127.0.0.6"],
    );
    // a server reachable on the added address
    await s.listen(true);
    await using cli = await open();
    const up = await cli.connect("127.0.0.2", port, {}, 20000);
    assert.equal(up.state, "comm_up");
    // deno-lint-ignore no-explicit-any
    const b = s.bindx.bind(s) as any;
    await assert.rejects(b([]), TypeError);
    await assert.rejects(b("127.0.0.7"), TypeError);
    await assert.rejects(b(["not an ip"]), TypeError);
  });
});
