// Association life cycle: abort/2 and eof/2 and the events both sides see.
// (Every option and event type is covered in options/events_full tests.)
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { SctpAssocChange, SctpMessage, SctpSocket } from "../mod.ts";
import { isEvent, open, recvData, recvUntil, server, text } from "./helpers.ts";

type Ev = { type: string; state?: string; assoc_id: number; error?: number };
const ev = (m: SctpMessage) => m.data as Ev;

/** Connected pair; the server has already seen comm_up (its assoc id). */
async function pair(): Promise<{
  srv: SctpSocket;
  cli: SctpSocket;
  up: SctpAssocChange;
  srvUp: SctpAssocChange;
  srvPort: number;
}> {
  const { s: srv, port } = await server();
  const cli = await open();
  try {
    const up = await cli.connect("127.0.0.1", port, {}, 20000);
    const m = await recvUntil(
      srv,
      (m) => isEvent(m, "sctp_assoc_change", "comm_up"),
    );
    return {
      srv,
      cli,
      up,
      srvUp: m.data as SctpAssocChange,
      srvPort: port,
    };
  } catch (e) {
    await cli.close();
    await srv.close();
    throw e;
  }
}

/** Skips paddr_change events (optional on loopback, §7.4). */
const notPaddr = (m: SctpMessage) => !isEvent(m, "sctp_paddr_change");

describe("association life cycle", () => {
  it("abort(assoc): the peer sees comm_lost, the aborting side too", async () => {
    const { srv, cli, up, srvUp } = await pair();
    try {
      await cli.send(up, 0, "before abort");
      assert.equal(text((await recvData(srv)).data), "before abort");
      await cli.abort(up);
      const m = await recvUntil(srv, notPaddr);
      assert.equal(ev(m).type, "sctp_assoc_change");
      assert.equal(ev(m).state, "comm_lost");
      assert.equal(ev(m).assoc_id, srvUp.assoc_id);
      assert.equal(m.fromPort, await cli.port());
      const own = await recvUntil(cli, notPaddr);
      assert.equal(ev(own).type, "sctp_assoc_change");
      assert.equal(ev(own).state, "comm_lost");
      assert.equal(ev(own).assoc_id, up.assoc_id);
      // the socket stays usable
      assert.equal(cli.closed, false);
      assert.ok((await cli.port()) > 0);
    } finally {
      await cli.close();
      await srv.close();
    }
  });

  it("eof(assoc): the peer sees sctp_shutdown_event, then both see shutdown_comp", async () => {
    const { srv, cli, up, srvUp, srvPort } = await pair();
    try {
      const cliPort = await cli.port();
      await cli.eof(up);
      const sh = await recvUntil(srv, notPaddr);
      assert.deepEqual(ev(sh), {
        type: "sctp_shutdown_event",
        assoc_id: srvUp.assoc_id,
      });
      assert.equal(sh.fromIp, "127.0.0.1");
      assert.equal(sh.fromPort, cliPort);
      const a = await recvUntil(cli, notPaddr);
      assert.equal(ev(a).type, "sctp_assoc_change");
      assert.equal(ev(a).state, "shutdown_comp");
      assert.equal(ev(a).error, 0);
      assert.equal(ev(a).assoc_id, up.assoc_id);
      assert.equal(a.fromPort, srvPort);
      const b = await recvUntil(srv, notPaddr);
      assert.equal(ev(b).type, "sctp_assoc_change");
      assert.equal(ev(b).state, "shutdown_comp");
      assert.equal(ev(b).assoc_id, srvUp.assoc_id);
      assert.equal(b.fromPort, cliPort);
      // eof shuts down one association only: the socket can associate again
      const again = await cli.connect("127.0.0.1", srvPort, {}, 20000);
      assert.equal(again.state, "comm_up");
    } finally {
      await cli.close();
      await srv.close();
    }
  });

  it("eof/abort with an integer assoc id throw TypeError (gen_sctp quirk)", async () => {
    const { srv, cli, up } = await pair();
    try {
      // deno-lint-ignore no-explicit-any
      const c = cli as any;
      await assert.rejects(c.eof(up.assoc_id), TypeError);
      await assert.rejects(c.abort(up.assoc_id), TypeError);
      await assert.rejects(c.eof({ assoc_id: up.assoc_id }), TypeError);
      await assert.rejects(c.abort(null), TypeError);
      // the association is untouched
      await cli.send(up.assoc_id, 0, "still up");
      assert.equal(text((await recvData(srv)).data), "still up");
    } finally {
      await cli.close();
      await srv.close();
    }
  });

  it("closing a socket shuts its associations down gracefully", async () => {
    const { srv, cli, srvUp } = await pair();
    try {
      await cli.close();
      const sh = await recvUntil(srv, notPaddr);
      assert.equal(ev(sh).type, "sctp_shutdown_event");
      assert.equal(ev(sh).assoc_id, srvUp.assoc_id);
      const b = await recvUntil(srv, notPaddr);
      assert.equal(ev(b).state, "shutdown_comp");
    } finally {
      await cli.close();
      await srv.close();
    }
  });
});
