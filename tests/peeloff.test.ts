// peeloff/2: branching an association off into a one-to-one socket.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { SctpError, type SctpSocket } from "../mod.ts";
import { isEvent, open, recvData, recvUntil, server, text } from "./helpers.ts";

const bytes = (d: unknown) =>
  text(Array.isArray(d) ? Uint8Array.from(d) : d as Uint8Array);

describe("peeloff", () => {
  it("the peeled-off socket is a passive stream socket inheriting mode; both sockets carry traffic", async () => {
    const { s: srv, port } = await server();
    const { s: srv2, port: port2 } = await server();
    const cli = await open({ mode: "list", non_block_send: true });
    let one: SctpSocket | undefined;
    try {
      const up = await cli.connect("127.0.0.1", port, {}, 20000);
      const srvUp = await recvUntil(
        srv,
        (m) => isEvent(m, "sctp_assoc_change", "comm_up"),
      );
      const srvAssoc = (srvUp.data as { assoc_id: number }).assoc_id;
      await cli.setopts({ active: true });
      one = await cli.peeloff(up);
      await cli.setopts({ active: false });
      assert.equal(one.type, "stream");
      assert.equal(one.family, "inet");
      assert.notEqual(one.fd, cli.fd);
      assert.deepEqual(
        await one.getopts(["active", "mode", "non_block_send"]),
        { active: false, mode: "list", non_block_send: true },
      );
      // traffic on the peeled-off association, both ways
      await one.send(up.assoc_id, 1, "via the peeled-off socket");
      const m = await recvData(srv);
      assert.equal(text(m.data), "via the peeled-off socket");
      assert.equal((m.ancData[0] as { stream: number }).stream, 1);
      await srv.send(srvAssoc, 0, "back to the peeled-off socket");
      const r = await recvData(one);
      assert.ok(Array.isArray(r.data), "list mode was inherited");
      assert.equal(bytes(r.data), "back to the peeled-off socket");
      assert.equal(r.fromPort, port);
      // the parent keeps working with a new association
      const up2 = await cli.connect("127.0.0.1", port2, {}, 20000);
      await cli.send(up2, 0, "via the parent");
      const m2 = await recvData(srv2);
      assert.equal(text(m2.data), "via the parent");
      await srv2.send(
        (m2.ancData[0] as { assoc_id: number }).assoc_id,
        0,
        "to the parent",
      );
      assert.equal(bytes((await recvData(cli)).data), "to the parent");
      // the peeled association no longer belongs to the parent
      await assert.rejects(
        cli.send(up, 0, "gone"),
        (e) => e instanceof SctpError,
      );
    } finally {
      await one?.close();
      await cli.close();
      await srv.close();
      await srv2.close();
    }
  });

  it("the server can peel off an association by id", async () => {
    const { s: srv, port } = await server();
    const cli = await open();
    let one: SctpSocket | undefined;
    try {
      const up = await cli.connect("127.0.0.1", port, {}, 20000);
      const srvUp = await recvUntil(
        srv,
        (m) => isEvent(m, "sctp_assoc_change", "comm_up"),
      );
      const srvAssoc = (srvUp.data as { assoc_id: number }).assoc_id;
      one = await srv.peeloff(srvAssoc);
      assert.equal(one.type, "stream");
      await cli.send(up, 0, "to the peeled server side");
      assert.equal(
        text((await recvData(one)).data),
        "to the peeled server side",
      );
      assert.deepEqual(
        (await one.peernames()).map((a) => a.port),
        [await cli.port()],
      );
    } finally {
      await one?.close();
      await cli.close();
      await srv.close();
    }
  });

  it("peeloff on a stream socket rejects with einval", async () => {
    await using s = await open({ type: "stream" });
    await assert.rejects(
      s.peeloff(1),
      (e) => e instanceof SctpError && e.reason === "einval",
    );
  });

  it("a bad assoc argument is TypeError/RangeError", async () => {
    await using s = await open();
    // deno-lint-ignore no-explicit-any
    const p = s.peeloff.bind(s) as any;
    await assert.rejects(p("1"), TypeError);
    await assert.rejects(p({}), TypeError);
    await assert.rejects(p(null), TypeError);
    await assert.rejects(
      p({ type: "sctp_shutdown_event", assoc_id: 1 }),
      TypeError,
    );
    await assert.rejects(p(-1), RangeError);
  });
});
