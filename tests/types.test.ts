// The typed API. The compile-time half: every `@ts-expect-error` line below
// must be a type error (an unused one fails the type check, which
// scripts/test runs on the whole suite with deno before any test), and the
// correct uses must compile. The run-time half checks that what the types
// promise is what the socket gives.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  open,
  type SctpMessage,
  type SctpOptions,
  type SctpSocket,
  type SctpStatus,
} from "../mod.ts";
import { isEvent, recvUntil, server } from "./helpers.ts";

/** Never called: type errors only. */
export async function typeErrors(s: SctpSocket): Promise<void> {
  // @ts-expect-error: unknown option
  await open({ acitve: true });
  // @ts-expect-error: unknown record field
  await open({ sctp_initmsg: { num_ostream: 5 } });
  // @ts-expect-error: wrong value type
  await s.setopts({ sctp_nodelay: 1 });
  // @ts-expect-error: wrong field type
  await s.setopts({ sctp_rtoinfo: { initial: "200" } });
  // @ts-expect-error: wrong flag
  await s.setopts({ sctp_peer_addr_params: { flags: ["hb_on"] } });
  // @ts-expect-error: a read-only option is not settable
  await s.setopts({ sctp_status: { assoc_id: 1 } });
  // @ts-expect-error: active takes booleans, "once" or a number
  await s.setopts({ active: "twice" });
  // @ts-expect-error: unknown name in getopts
  await s.getopts(["sndbuff"]);
  // @ts-expect-error: beyond gen_sctp: an unknown scheduler
  await s.setopts({ sctp_stream_scheduler: { assoc_value: "lifo" } });
  // @ts-expect-error: an unknown event type
  await s.setopts({ sctp_event: { se_type: "sctp_stream_rest_event" } });
  // @ts-expect-error: "all" is only a status request's policy
  await s.send(1, 0, "x", { prinfo: { pr_policy: "all" } });
  // @ts-expect-error: a misspelt sndinfo field
  await s.sendv("x", { sndinfo: { snd_stream: 1 } });
  // @ts-expect-error: read only
  await s.setopts({ sctp_pr_assoc_status: { assoc_id: 1 } });
  const pr = await s.getopts([{ sctp_pr_assoc_status: { assoc_id: 1 } }]);
  // @ts-expect-error: the counters are numbers
  const prBad: string = pr.sctp_pr_assoc_status.abandoned_sent;
  void prBad;
  const o = await s.getopts(["sndbuf", "sctp_status"]);
  // @ts-expect-error: sndbuf is a number
  const bad: string = o.sndbuf;
  // @ts-expect-error: not asked for
  void o.recbuf;
  // @ts-expect-error: not a field of sctp_status
  void o.sctp_status.status;
  // @ts-expect-error: a state sctp_status never has
  if (o.sctp_status.state === "ESTABLISHED") void bad;
  s.addEventListener("sctp", (e) => {
    // @ts-expect-error: detail is an SctpMessage
    void e.detail.fromAddr;
  });
  // @ts-expect-error: connect's options are typed too
  await s.connect("192.0.2.1", 3868, { sctp_initmsg: { streams: 2 } });
  // @ts-expect-error: send options take a signal
  await s.send(1, 0, "x", { signal: true });
  // @ts-expect-error: a record needs its tag to narrow: data may be bytes
  void (await s.recv()).data.assoc_id;
}

/** Never called: correct uses, which must compile. */
export async function typeOk(s: SctpSocket): Promise<void> {
  const opts: SctpOptions = {
    active: 10,
    mode: "list",
    sctp_nodelay: true,
    linger: [true, 5],
    sctp_initmsg: { num_ostreams: 5 },
    sctp_peer_addr_params: { hbinterval: 200, flags: ["hb_enable"] },
    sctp_events: { data_io_event: true },
    busy_poll: "auto",
  };
  await s.setopts(opts);
  const o = await s.getopts(["sndbuf", { sctp_status: { assoc_id: 1 } }]);
  const n: number = o.sndbuf + 1;
  const st: SctpStatus = o.sctp_status;
  void [n, st.state, st.primary.address.addr];
  s.addEventListener("sctp", (e) => void e.detail.data);
  s.addEventListener("sctp_error", (e) => void e.detail);
  s.addEventListener("sctp_passive", (e) => void e.type);
  const ac = new AbortController();
  await s.connect("192.0.2.1", 3868, {}, { timeout: 1000, signal: ac.signal });
  await s.connectInit("192.0.2.1", 3868, {}, { signal: ac.signal });
  await s.send(1, 0, "x", { signal: ac.signal });
  await s.send({ assoc_id: 1, stream: 0 }, "x", { signal: ac.signal });
  const m: SctpMessage = await s.recv();
  if (!(m.data instanceof Uint8Array) && !Array.isArray(m.data)) {
    if (m.data.type === "sctp_assoc_change") void m.data.outbound_streams;
  }
}

describe("typed API", () => {
  it("getopts gives the types it promises; typed events carry an SctpMessage", async () => {
    const { s: srv, port } = await server({ active: true });
    const cli = await open({
      sctp_initmsg: { num_ostreams: 7, max_instreams: 7 },
    });
    try {
      const got = new Promise<SctpMessage>((resolve) =>
        srv.addEventListener("sctp", (e) => {
          if (e.detail.data instanceof Uint8Array) resolve(e.detail);
        })
      );
      const up = await cli.connect("127.0.0.1", port, {}, { timeout: 20000 });
      await cli.send(up, 1, "typed", { signal: new AbortController().signal });
      const m = await got;
      assert.equal(new TextDecoder().decode(m.data as Uint8Array), "typed");
      const o = await cli.getopts([
        "sndbuf",
        "sctp_nodelay",
        "linger",
        "sctp_initmsg",
        { sctp_status: { assoc_id: up.assoc_id } },
      ]);
      assert.equal(typeof o.sndbuf, "number");
      assert.equal(typeof o.sctp_nodelay, "boolean");
      assert.equal(typeof o.linger[0], "boolean");
      assert.equal(o.sctp_initmsg.type, "sctp_initmsg");
      assert.equal(o.sctp_initmsg.num_ostreams, 7);
      assert.equal(o.sctp_status.type, "sctp_status");
      assert.equal(o.sctp_status.state, "established");
      assert.equal(o.sctp_status.outstrms, 7);
      assert.equal(o.sctp_status.primary.type, "sctp_paddrinfo");
      assert.equal(o.sctp_status.primary.address.addr, "127.0.0.1");
    } finally {
      await cli.close();
      await srv.close();
    }
  });

  it("connect and send take an AbortSignal", async () => {
    const { s: srv, port } = await server();
    const cli = await open({ sndbuf: 65536 });
    try {
      // an aborted signal: connect rejects at once with "aborted"
      const done = new AbortController();
      done.abort();
      await assert.rejects(
        cli.connect("127.0.0.1", port, {}, { signal: done.signal }),
        (e: unknown) => (e as { reason?: string }).reason === "aborted",
      );
      const up = await cli.connect("127.0.0.1", port, {}, 20000);
      await recvUntil(srv, (m) => isEvent(m, "sctp_assoc_change", "comm_up"));
      // fill the send buffer (nobody reads), then a waiting send is aborted
      const ac = new AbortController();
      const big = new Uint8Array(32768);
      let waiting: Promise<void> | null = null;
      for (let i = 0; i < 2000 && waiting === null; i++) {
        const p = cli.send(up, 0, big, { signal: ac.signal });
        const settled = await Promise.race([
          p.then(() => true),
          new Promise((r) => setTimeout(() => r(false), 50)),
        ]);
        if (!settled) waiting = p;
      }
      assert.ok(waiting !== null, "a send had to wait");
      ac.abort();
      await assert.rejects(
        waiting,
        (e: unknown) => (e as { reason?: string }).reason === "aborted",
      );
    } finally {
      await cli.close();
      await srv.close();
    }
  });
});
