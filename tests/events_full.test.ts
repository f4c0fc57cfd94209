/**
 * Every gen_sctp event provoked on the real stack, with its fields checked,
 * and gen_sctp's conversion of error-class events (passive recv rejects,
 * active mode dispatches "sctp_error").
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { SctpError, type SctpMessage, type SctpSocket } from "../mod.ts";
import { isEvent, open, recvUntil, server } from "./helpers.ts";

type Rec = Record<string, unknown>;

function ev(m: SctpMessage): Rec {
  return m.data as unknown as Rec;
}

async function closeAll(...s: (SctpSocket | undefined)[]) {
  for (const x of s) await x?.close();
}

/** Receives until `pred`, collecting error-class events as messages too. */
async function recvAny(
  s: SctpSocket,
  pred: (m: SctpMessage, error: boolean) => boolean,
  timeout = 20000,
): Promise<{ m: SctpMessage; error: boolean; seen: SctpMessage[] }> {
  const end = Date.now() + timeout;
  const seen: SctpMessage[] = [];
  for (;;) {
    let m: SctpMessage, error = false;
    try {
      m = await s.recv(Math.max(1, end - Date.now()));
    } catch (e) {
      if (e instanceof SctpError && typeof e.reason === "object") {
        m = e.detail as SctpMessage;
        error = true;
        assert.deepEqual(m.data, e.reason, "reason is the record");
      } else throw e;
    }
    seen.push(m);
    if (pred(m, error)) return { m, error, seen };
  }
}

describe("sctp_assoc_change", () => {
  it("comm_up on both ends: error 0, symmetric stream counts, ids and addresses", async () => {
    const { s: srv, port } = await server({
      sctp_initmsg: { num_ostreams: 6, max_instreams: 4 },
    });
    const cli = await open({
      sctp_initmsg: { num_ostreams: 3, max_instreams: 8 },
    });
    try {
      const up = await cli.connect("127.0.0.1", port, {}, 20000);
      assert.equal(up.type, "sctp_assoc_change");
      assert.equal(up.state, "comm_up");
      assert.equal(up.error, 0);
      assert.equal(up.outbound_streams, 3);
      assert.equal(up.inbound_streams, 6);
      const m = await recvUntil(
        srv,
        (m) => isEvent(m, "sctp_assoc_change", "comm_up"),
      );
      assert.equal(m.fromIp, "127.0.0.1");
      assert.equal(m.fromPort, await cli.port());
      const s = ev(m);
      assert.equal(s.error, 0);
      assert.equal(s.outbound_streams, 6);
      assert.equal(s.inbound_streams, 3);
      assert.ok((s.assoc_id as number) > 0);
    } finally {
      await closeAll(cli, srv);
    }
  });

  it("comm_lost on both ends after abort", async () => {
    const { s: srv, port } = await server();
    const cli = await open();
    try {
      const up = await cli.connect("127.0.0.1", port, {}, 20000);
      const su = await recvUntil(
        srv,
        (m) => isEvent(m, "sctp_assoc_change", "comm_up"),
      );
      await cli.abort(up);
      const lost = await recvUntil(
        srv,
        (m) => isEvent(m, "sctp_assoc_change", "comm_lost"),
      );
      assert.equal(ev(lost).assoc_id, ev(su).assoc_id);
      // the ABORT's cause, User-Initiated Abort (12), which Linux hands over
      // in network byte order (0x0c00)
      assert.ok([12, 0x0c00].includes(ev(lost).error as number));
      assert.equal(lost.fromPort, await cli.port());
      assert.equal(ev(lost).outbound_streams, 0);
      assert.equal(ev(lost).inbound_streams, 0);
      const own = await recvUntil(
        cli,
        (m) => isEvent(m, "sctp_assoc_change", "comm_lost"),
      );
      assert.equal(ev(own).assoc_id, up.assoc_id);
      assert.equal(ev(own).error, ev(lost).error);
      assert.equal(own.fromPort, port);
    } finally {
      await closeAll(cli, srv);
    }
  });

  it("shutdown_event then shutdown_comp on both ends after eof", async () => {
    const { s: srv, port } = await server();
    const cli = await open();
    try {
      const up = await cli.connect("127.0.0.1", port, {}, 20000);
      const su = await recvUntil(
        srv,
        (m) => isEvent(m, "sctp_assoc_change", "comm_up"),
      );
      const sid = ev(su).assoc_id;
      await cli.eof(up);
      const sh = await recvUntil(srv, (m) => isEvent(m, "sctp_shutdown_event"));
      assert.deepEqual(sh.data, { type: "sctp_shutdown_event", assoc_id: sid });
      assert.equal(sh.fromIp, "127.0.0.1");
      assert.equal(sh.fromPort, await cli.port());
      const cdone = await recvUntil(
        cli,
        (m) => isEvent(m, "sctp_assoc_change", "shutdown_comp"),
      );
      assert.equal(ev(cdone).assoc_id, up.assoc_id);
      assert.equal(ev(cdone).error, 0);
      assert.equal(cdone.fromPort, port);
      const sdone = await recvUntil(
        srv,
        (m) => isEvent(m, "sctp_assoc_change", "shutdown_comp"),
      );
      assert.equal(ev(sdone).assoc_id, sid);
      assert.equal(ev(sdone).error, 0);
    } finally {
      await closeAll(cli, srv);
    }
  });

  it("cant_assoc when nobody listens: connect rejects with the record", async () => {
    const probe = await open({ ip: "127.0.0.1" });
    const port = await probe.port();
    await probe.close(); // the port is now closed
    const cli = await open({ sctp_initmsg: { max_attempts: 1 } });
    try {
      await assert.rejects(
        cli.connect("127.0.0.1", port, {}, 20000),
        (e: unknown) => {
          assert.ok(e instanceof SctpError);
          const r = e.reason as Rec;
          assert.equal(r.type, "sctp_assoc_change");
          assert.equal(r.state, "cant_assoc");
          assert.equal(r.outbound_streams, 0);
          assert.equal(r.inbound_streams, 0);
          assert.equal(r.error, 0);
          return true;
        },
      );
    } finally {
      await closeAll(cli);
    }
  });
});

describe("sctp_paddr_change", () => {
  it("addr_confirmed for a second peer address, addr_made_prim when it becomes primary", async () => {
    const { s: srv, port } = await server({ ip: ["127.0.0.1", "127.0.0.2"] });
    const cli = await open();
    try {
      const up = await cli.connect("127.0.0.1", port, {}, 20000);
      const conf = await recvUntil(
        cli,
        (m) =>
          isEvent(m, "sctp_paddr_change", "addr_confirmed") &&
          (ev(m).addr as Rec).addr === "127.0.0.2",
      );
      assert.deepEqual(conf.data, {
        type: "sctp_paddr_change",
        addr: { addr: "127.0.0.2", port },
        state: "addr_confirmed",
        // Linux reports why the path came up: SCTP_HEARTBEAT_SUCCESS (2)
        error: 2,
        assoc_id: up.assoc_id,
      });
      await cli.setopts({
        sctp_primary_addr: {
          assoc_id: up.assoc_id,
          addr: { addr: "127.0.0.2", port },
        },
      });
      const prim = await recvUntil(
        cli,
        (m) => isEvent(m, "sctp_paddr_change", "addr_made_prim"),
      );
      assert.deepEqual(prim.data, {
        type: "sctp_paddr_change",
        addr: { addr: "127.0.0.2", port },
        state: "addr_made_prim",
        error: 0,
        assoc_id: up.assoc_id,
      });
    } finally {
      await closeAll(cli, srv);
    }
  });

  it("addr_added and addr_removed when the peer binds and unbinds an address (ASCONF)", async () => {
    const { s: srv, port } = await server();
    const cli = await open();
    try {
      const up = await cli.connect("127.0.0.1", port, {}, 20000);
      await srv.bindx(["127.0.0.3"]);
      const added = await recvUntil(
        cli,
        (m) => isEvent(m, "sctp_paddr_change", "addr_added"),
      );
      assert.deepEqual(added.data, {
        type: "sctp_paddr_change",
        addr: { addr: "127.0.0.3", port },
        state: "addr_added",
        error: 0,
        assoc_id: up.assoc_id,
      });
      assert.equal((await cli.peernames(up)).length, 2);
      await srv.bindx(["127.0.0.3"], false);
      const removed = await recvUntil(
        cli,
        (m) => isEvent(m, "sctp_paddr_change", "addr_removed"),
      );
      assert.deepEqual(removed.data, {
        type: "sctp_paddr_change",
        addr: { addr: "127.0.0.3", port },
        state: "addr_removed",
        error: 0,
        assoc_id: up.assoc_id,
      });
    } finally {
      await closeAll(cli, srv);
    }
  });
});

describe("sctp_adaptation_event, sender_dry, authentication", () => {
  it("adaptation indications arrive at both ends", async () => {
    const { s: srv, port } = await server({
      sctp_adaptation_layer: { adaptation_ind: 0xa1b2c3d4 },
      sctp_events: { adaptation_layer_event: true },
    });
    const cli = await open({
      sctp_adaptation_layer: { adaptation_ind: 7 },
      sctp_events: { adaptation_layer_event: true },
    });
    try {
      const up = await cli.connect("127.0.0.1", port, {}, 20000);
      const c = await recvUntil(
        cli,
        (m) => isEvent(m, "sctp_adaptation_event"),
      );
      assert.deepEqual(c.data, {
        type: "sctp_adaptation_event",
        adaptation_ind: 0xa1b2c3d4,
        assoc_id: up.assoc_id,
      });
      const su = await recvUntil(
        srv,
        (m) => isEvent(m, "sctp_assoc_change", "comm_up"),
      );
      const s = await recvUntil(
        srv,
        (m) => isEvent(m, "sctp_adaptation_event"),
      );
      assert.deepEqual(s.data, {
        type: "sctp_adaptation_event",
        adaptation_ind: 7,
        assoc_id: ev(su).assoc_id,
      });
    } finally {
      await closeAll(cli, srv);
    }
  });

  it("sender_dry_event when subscribed and everything was acknowledged", async () => {
    const { s: srv, port } = await server();
    const cli = await open({
      sctp_events: { sender_dry_event: true, authentication_event: true },
    });
    try {
      assert.equal(
        (await cli.getopts(["sctp_events"])).sctp_events.sender_dry_event,
        true,
      );
      const up = await cli.connect("127.0.0.1", port, {}, 20000);
      await cli.send(up, 0, "dry me");
      const { m, seen } = await recvAny(
        cli,
        (m) => isEvent(m, "sctp_sender_dry_event"),
      );
      // nothing error-class came before it
      assert.ok(seen.every((m) => m.data && !(m.data instanceof Uint8Array)));
      assert.deepEqual(m.data, {
        type: "sctp_sender_dry_event",
        assoc_id: up.assoc_id,
      });
    } finally {
      await closeAll(cli, srv);
    }
  });
});

describe("error-class events", () => {
  /** Fills the association towards a server that never reads, then aborts. */
  async function abortWithUnsent(cliOpts: Rec) {
    const { s: srv, port } = await server({ recbuf: 4096 });
    const cli = await open({ non_block_send: true, ...cliOpts });
    const up = await cli.connect("127.0.0.1", port, {}, 20000);
    const sent: string[] = [];
    for (let i = 0; i < 5000; i++) {
      const msg = `m${i}:`.padEnd(1000, "x");
      try {
        await cli.send(
          { assoc_id: up.assoc_id, stream: 1, ppid: 77, context: 99 },
          msg,
        );
        sent.push(msg);
      } catch (e) {
        assert.ok(e instanceof SctpError && e.reason === "eagain", String(e));
        break;
      }
    }
    assert.ok(sent.length > 0);
    await cli.abort(up);
    return { srv, cli, up, sent };
  }

  function checkSendFailed(f: Rec, assocId: number, sent: string[]) {
    assert.equal(f.type, "sctp_send_failed");
    assert.equal(f.assoc_id, assocId);
    assert.equal(typeof f.flags, "boolean");
    // the abort's cause, User-Initiated Abort (12), as Linux hands it over
    assert.ok([12, 0x0c00].includes(f.error as number), `error ${f.error}`);
    const info = f.info as Rec;
    assert.equal(info.type, "sctp_sndrcvinfo");
    assert.equal(info.stream, 1);
    assert.equal(info.ppid, 77);
    assert.equal(info.context, 99);
    assert.equal(info.assoc_id, assocId);
    assert.deepEqual(info.flags, [], "sent ordered");
    const data = f.data as Uint8Array;
    assert.ok(data instanceof Uint8Array);
    const text = new TextDecoder().decode(data);
    assert.ok(sent.includes(text), `data is a message: ${text.slice(0, 8)}`);
  }

  it("sctp_send_failed after an abort with unsent data: passive recv rejects with the record", async () => {
    const { srv, cli, up, sent } = await abortWithUnsent({});
    try {
      const failed: SctpError[] = [];
      let lost = false;
      const end = Date.now() + 20000;
      while (!(lost && failed.length > 0)) {
        try {
          const m = await cli.recv(Math.max(1, end - Date.now()));
          if (isEvent(m, "sctp_assoc_change", "comm_lost")) lost = true;
        } catch (e) {
          if (!(e instanceof SctpError) || typeof e.reason !== "object") {
            throw e;
          }
          failed.push(e);
        }
      }
      for (const e of failed) {
        const m = e.detail as SctpMessage;
        assert.equal(m.data, e.reason, "detail is the message");
        assert.equal(m.fromIp, "127.0.0.1");
        checkSendFailed(e.reason as Rec, up.assoc_id, sent);
      }
    } finally {
      await closeAll(cli, srv);
    }
  });

  it("sctp_send_failed in active mode is dispatched as sctp_error", async () => {
    const { srv, cli, up, sent } = await abortWithUnsent({});
    try {
      const got = new Promise<SctpMessage>((resolve) => {
        cli.addEventListener("sctp_error", (e) => {
          resolve((e as CustomEvent<SctpMessage>).detail);
        });
      });
      const normal: SctpMessage[] = [];
      cli.addEventListener("sctp", (e) => {
        normal.push((e as CustomEvent<SctpMessage>).detail);
      });
      await cli.setopts({ active: true });
      let timer: ReturnType<typeof setTimeout> | undefined;
      const m = await Promise.race([
        got,
        new Promise<never>((_, rej) => {
          timer = setTimeout(() => rej(new Error("no sctp_error")), 20000);
        }),
      ]);
      clearTimeout(timer);
      assert.equal(m.fromIp, "127.0.0.1");
      checkSendFailed(ev(m), up.assoc_id, sent);
      // error-class events never arrive as plain "sctp" deliveries
      assert.ok(!normal.some((n) => isEvent(n, "sctp_send_failed")));
    } finally {
      await closeAll(cli, srv);
    }
  });

  it("sctp_pdapi_event when an association aborts during partial delivery", async () => {
    // small fragments and a tiny receive window: the kernel starts partial
    // delivery of the 100 kB message into the never-read receive queue
    const { s: srv, port } = await server({ recbuf: 4096 });
    const cli = await open({ sctp_maxseg: 1000 });
    try {
      const up = await cli.connect("127.0.0.1", port, {}, 20000);
      const su = await recvUntil(
        srv,
        (m) => isEvent(m, "sctp_assoc_change", "comm_up"),
      );
      const big = cli.send(up, 0, new Uint8Array(100000));
      big.catch(() => {});
      // wait until the server's window is closed (its buffer is full)
      const end = Date.now() + 20000;
      for (;;) {
        const st = (await cli.getopts([{
          sctp_status: { assoc_id: up.assoc_id },
        }])).sctp_status as unknown as Rec;
        if (st.rwnd === 0) break;
        assert.ok(Date.now() < end, "window never closed");
        await new Promise((r) => setTimeout(r, 50));
      }
      await cli.abort(up);
      const { m, error, seen } = await recvAny(
        srv,
        (m) => isEvent(m, "sctp_pdapi_event"),
      );
      assert.equal(error, true, "pdapi is error-class");
      assert.deepEqual(m.data, {
        type: "sctp_pdapi_event",
        indication: "partial_delivery_aborted",
        assoc_id: ev(su).assoc_id,
      });
      // the aborted message's pieces are not delivered as data
      assert.ok(!seen.some((x) => x.data instanceof Uint8Array));
      const lost = await recvUntil(
        srv,
        (m) => isEvent(m, "sctp_assoc_change", "comm_lost"),
      );
      assert.equal(ev(lost).assoc_id, ev(su).assoc_id);
    } finally {
      await closeAll(cli, srv);
    }
  });
});
