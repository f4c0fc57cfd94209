/**
 * The socket API beyond gen_sctp, on the real stack: the capability probe,
 * the RFC 6458 options read back as set (and refused when malformed),
 * sctp_rcvinfo / sctp_nxtinfo in ancData, sendv's three kinds of
 * information, and per-event subscription with `sctp_event`.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import {
  sctpCapabilities,
  SctpError,
  type SctpMessage,
  type SctpNxtInfo,
  type SctpRcvInfo,
  type SctpSndRcvInfo,
  type SctpSocket,
} from "../mod.ts";
import { isEvent, open, recvData, recvUntil, server, text } from "./helpers.ts";

async function pair(srvOpts: Record<string, unknown> = {}) {
  const { s: srv, port } = await server(srvOpts);
  const cli = await open();
  const assoc = await cli.connect("127.0.0.1", port);
  await recvUntil(srv, (m) => isEvent(m, "sctp_assoc_change", "comm_up"));
  return { srv, cli, assoc };
}

async function closeAll(...s: SctpSocket[]) {
  for (const x of s) await x.close();
}

describe("sctpCapabilities", () => {
  it("reports SCTP, the shim and each feature's sysctl as the kernel has it", () => {
    const c = sctpCapabilities();
    assert.equal(c.available, true);
    assert.equal(c.reason, undefined);
    assert.ok(c.shim.path.startsWith("/"), c.shim.path);
    assert.equal(c.shim.abi, 2);
    const deno = JSON.parse(
      readFileSync(new URL("../deno.json", import.meta.url), "utf8"),
    );
    assert.equal(c.version, deno.version);
    assert.match(c.kernel, /^\d+\.\d+/);
    const reconf = Number(
      readFileSync("/proc/sys/net/sctp/reconf_enable", "utf8"),
    );
    assert.equal(c.features.stream_reset.value, reconf);
    assert.equal(c.features.stream_reset.enabled, reconf !== 0);
    assert.equal(c.features.stream_reset.sysctl, "net.sctp.reconf_enable");
    for (const [name, f] of Object.entries(c.features)) {
      assert.equal(typeof f.enabled, "boolean", name);
      if (!f.enabled) assert.match(f.hint ?? "", /^sysctl -w net\.sctp\./);
    }
  });
});

describe("RFC 6458 options", () => {
  it("read back what was set, on the endpoint and on an association", async () => {
    const { srv, cli, assoc } = await pair();
    try {
      await cli.setopts({
        // (sctp_default_sndinfo sets the default flags, where Linux keeps
        // the default PR policy too: set it first)
        sctp_default_sndinfo: {
          snd_sid: 3,
          snd_ppid: 99,
          snd_flags: ["unordered"],
        },
        sctp_pr_supported: { assoc_value: true },
        sctp_default_prinfo: { pr_policy: "ttl", pr_value: 250 },
        sctp_stream_scheduler: { assoc_value: "prio" },
        sctp_enable_stream_reset: {
          assoc_value: ["enable_reset_stream_req", "enable_change_assoc_req"],
        },
        sctp_recvrcvinfo: true,
        sctp_max_burst: { assoc_value: 7 },
        sctp_event: { se_type: "sctp_sender_dry_event", se_on: true },
      });
      const o = await cli.getopts([
        "sctp_pr_supported",
        "sctp_default_prinfo",
        "sctp_stream_scheduler",
        "sctp_enable_stream_reset",
        "sctp_recvrcvinfo",
        "sctp_max_burst",
        "sctp_default_sndinfo",
        { sctp_event: { se_type: "sctp_sender_dry_event" } },
      ]);
      assert.equal(o.sctp_pr_supported.assoc_value, true);
      assert.equal(o.sctp_default_prinfo.pr_policy, "ttl");
      assert.equal(o.sctp_default_prinfo.pr_value, 250);
      assert.equal(o.sctp_stream_scheduler.assoc_value, "prio");
      assert.deepEqual(o.sctp_enable_stream_reset.assoc_value, [
        "enable_reset_stream_req",
        "enable_change_assoc_req",
      ]);
      assert.equal(o.sctp_recvrcvinfo, true);
      assert.equal(o.sctp_max_burst.assoc_value, 7);
      assert.equal(o.sctp_default_sndinfo.snd_sid, 3);
      assert.equal(o.sctp_default_sndinfo.snd_ppid, 99);
      assert.deepEqual(o.sctp_default_sndinfo.snd_flags, ["unordered"]);
      assert.equal(o.sctp_event.se_on, true);
      assert.equal(o.sctp_event.se_type, "sctp_sender_dry_event");
      // per association
      const id = assoc.assoc_id;
      await cli.setopts({
        sctp_stream_scheduler: { assoc_id: id, assoc_value: "rr" },
        sctp_event: {
          assoc_id: id,
          se_type: "sctp_shutdown_event",
          se_on: false,
        },
      });
      const a = await cli.getopts([
        { sctp_stream_scheduler: { assoc_id: id } },
        { sctp_event: { assoc_id: id, se_type: "sctp_shutdown_event" } },
        { sctp_pr_assoc_status: { assoc_id: id } },
        { sctp_pr_stream_status: { assoc_id: id, sid: 0, policy: "rtx" } },
      ]);
      assert.equal(a.sctp_stream_scheduler.assoc_value, "rr");
      assert.equal(a.sctp_event.se_on, false);
      assert.equal(a.sctp_pr_assoc_status.policy, "all");
      assert.equal(a.sctp_pr_assoc_status.abandoned_sent, 0);
      assert.equal(a.sctp_pr_assoc_status.abandoned_unsent, 0);
      assert.equal(a.sctp_pr_stream_status.policy, "rtx");
      // scheduler value of a stream under prio
      await cli.setopts({
        sctp_stream_scheduler: { assoc_id: id, assoc_value: "prio" },
        sctp_stream_scheduler_value: {
          assoc_id: id,
          stream_id: 2,
          stream_value: 5,
        },
      });
      const v = await cli.getopts([{
        sctp_stream_scheduler_value: { assoc_id: id, stream_id: 2 },
      }]);
      assert.equal(v.sctp_stream_scheduler_value.stream_value, 5);
    } finally {
      await closeAll(cli, srv);
    }
  });

  it("refuse malformed values with TypeError / RangeError, and kernel refusals with the sysctl", async () => {
    const s = await open();
    try {
      const bad: [Record<string, unknown>, typeof TypeError][] = [
        [{ sctp_stream_scheduler: { assoc_value: "lifo" } }, TypeError],
        [{ sctp_default_prinfo: { pr_policy: "sometimes" } }, TypeError],
        [{ sctp_pr_supported: { assoc_value: 1 } }, TypeError],
        [{ sctp_event: { se_type: "sctp_nothing", se_on: true } }, TypeError],
        [
          { sctp_enable_stream_reset: { assoc_value: ["reset_all"] } },
          TypeError,
        ],
        [{ sctp_default_sndinfo: { snd_sid: 70000 } }, RangeError],
        [{ sctp_default_sndinfo: { snd_flags: ["sideways"] } }, TypeError],
        [
          { sctp_reset_streams: { assoc_id: 1, stream_list: [1, -1] } },
          RangeError,
        ],
        [{
          sctp_reset_streams: {
            assoc_id: 1,
            stream_list: new Array(2049).fill(1),
          },
        }, RangeError],
        [{ sctp_pr_assoc_status: { assoc_id: 1 } }, TypeError], // read only
      ];
      for (const [o, E] of bad) {
        await assert.rejects(
          s.setopts(o as never),
          E,
          JSON.stringify(o).slice(0, 80),
        );
      }
      // getopts of sctp_event needs its type
      await assert.rejects(s.getopts(["sctp_event"]), TypeError);
      // a reset on an association that does not exist: the kernel refuses,
      // and the message names the sysctl of stream reconfiguration
      const e = await s.resetStreams(12345, "outgoing").then(
        () => null,
        (x) => x,
      );
      assert.ok(e instanceof SctpError, String(e));
      assert.equal(typeof e.reason, "string");
      assert.match(e.message, /net\.sctp\.reconf_enable/);
      await assert.rejects(
        s.resetStreams(1, "sideways" as never),
        TypeError,
      );
    } finally {
      await s.close();
    }
  });
});

describe("rcvinfo / nxtinfo", () => {
  it("ancData carries sctp_rcvinfo and, when another message waits, sctp_nxtinfo", async () => {
    const { srv, cli, assoc } = await pair({
      sctp_recvrcvinfo: true,
      sctp_recvnxtinfo: true,
    });
    try {
      await cli.send({ assoc_id: assoc.assoc_id, stream: 3, ppid: 7 }, "first");
      await cli.send(
        { assoc_id: assoc.assoc_id, stream: 4, ppid: 8, flags: ["unordered"] },
        "second!",
      );
      // both are queued before the first read
      await new Promise((r) => setTimeout(r, 200));
      const m1 = await recvData(srv);
      const m2 = await recvData(srv);
      assert.equal(text(m1.data), "first");
      const r1 = m1.ancData.find((a) => a.type === "sctp_rcvinfo") as
        | SctpRcvInfo
        | undefined;
      assert.ok(r1, JSON.stringify(m1.ancData));
      assert.equal(r1.rcv_sid, 3);
      assert.equal(r1.rcv_ppid, 7);
      assert.equal(
        r1.rcv_assoc_id,
        (m1.ancData[0] as SctpSndRcvInfo).assoc_id,
      );
      const n1 = m1.ancData.find((a) => a.type === "sctp_nxtinfo") as
        | SctpNxtInfo
        | undefined;
      assert.ok(n1, JSON.stringify(m1.ancData));
      assert.equal(n1.nxt_sid, 4);
      assert.equal(n1.nxt_ppid, 8);
      assert.equal(n1.nxt_length, 7);
      assert.ok(n1.nxt_flags.includes("unordered"));
      const r2 = m2.ancData.find((a) => a.type === "sctp_rcvinfo") as
        | SctpRcvInfo
        | undefined;
      assert.equal(r2?.rcv_sid, 4);
      assert.deepEqual(r2?.rcv_flags, ["unordered"]);
      // off again: neither record
      await srv.setopts({ sctp_recvrcvinfo: false, sctp_recvnxtinfo: false });
      await cli.send(assoc, 0, "third");
      const m3 = await recvData(srv);
      assert.equal(
        m3.ancData.filter((a) =>
          a.type === "sctp_rcvinfo" || a.type === "sctp_nxtinfo"
        ).length,
        0,
      );
    } finally {
      await closeAll(cli, srv);
    }
  });
});

describe("sendv", () => {
  it("sends with sctp_sndinfo (stream, ppid, flags) and checks its records", async () => {
    const { srv, cli, assoc } = await pair();
    try {
      await cli.sendv("via sendv", {
        sndinfo: {
          snd_sid: 5,
          snd_ppid: 0xdeadbeef,
          snd_flags: ["unordered"],
          snd_assoc_id: assoc.assoc_id,
        },
        prinfo: { pr_policy: "none" },
      });
      const m = await recvData(srv);
      assert.equal(text(m.data), "via sendv");
      const sri = m.ancData[0] as {
        stream: number;
        ppid: number;
        flags: string[];
      };
      assert.equal(sri.stream, 5);
      assert.equal(sri.ppid, 0xdeadbeef);
      assert.deepEqual(sri.flags, ["unordered"]);
      // send's options take prinfo too
      await cli.send(assoc, 1, "with prinfo", {
        prinfo: { pr_policy: "ttl", pr_value: 10000 },
      });
      assert.equal(text((await recvData(srv)).data), "with prinfo");
      await assert.rejects(
        cli.sendv("x", { sndinfo: { stream: 1 } } as never),
        TypeError,
      );
      await assert.rejects(
        cli.sendv("x", { nothing: 1 } as never),
        TypeError,
      );
      await assert.rejects(
        cli.send(assoc, 0, "x", { prinfo: { pr_policy: "all" } } as never),
        TypeError,
      );
      await assert.rejects(
        cli.send(assoc, 0, "x", { authinfo: { auth_keynumber: 70000 } }),
        RangeError,
      );
      await assert.rejects(
        cli.send(assoc, 0, "x", { colour: "red" } as never),
        TypeError,
      );
    } finally {
      await closeAll(cli, srv);
    }
  });
});

describe("sctp_event", () => {
  it("subscribes one event type: sender_dry arrives only when on", async () => {
    const { srv, cli, assoc } = await pair();
    const dry = (m: SctpMessage) => isEvent(m, "sctp_sender_dry_event");
    try {
      await cli.setopts({
        sctp_event: {
          assoc_id: assoc.assoc_id,
          se_type: "sctp_sender_dry_event",
          se_on: true,
        },
      });
      // Linux reports a dry sender at once when subscribed with nothing
      // queued, and again once a message is acknowledged
      const first = await recvUntil(cli, dry, 10000);
      assert.equal(
        (first.data as { assoc_id: number }).assoc_id,
        assoc.assoc_id,
      );
      await cli.send(assoc, 0, "dry me");
      await recvData(srv);
      await recvUntil(cli, dry, 10000);
      await cli.setopts({
        sctp_event: {
          assoc_id: assoc.assoc_id,
          se_type: "sctp_sender_dry_event",
          se_on: false,
        },
      });
      await cli.send(assoc, 0, "no dry");
      await recvData(srv);
      const none: SctpMessage | null = await cli.recv(500).catch(() => null);
      assert.ok(
        none === null || !dry(none),
        "no sender_dry event once off",
      );
    } finally {
      await closeAll(cli, srv);
    }
  });
});
