// AUTH (RFC 4895): shared keys, key rotation, authkey events, and a peer
// with the wrong key, inside a network namespace of the test's own with
// net.sctp.auth_enable=1 (the root namespace's sysctls are left alone).
// Needs root and iproute2: runs in the test VM.
import assert from "node:assert/strict";
import process from "node:process";
import { after, before, describe, it } from "node:test";
import { type SctpAssocChange, SctpError, type SctpOptions } from "../mod.ts";
import { Collector, isData } from "./fixtures/faults_collect.ts";
import { createNs, type Ns } from "./fixtures/sctp_ns.ts";
import { open, recvUntil, text } from "./helpers.ts";

const KEY1 = new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
const KEY2 = "the second shared secret";
/**
 * Short RTOs: a peer that drops everything is given up on quickly. No
 * heartbeats: their acknowledgements (not authenticated) would reset the
 * error count that the lost DATA raises, and could keep the association up.
 */
const FAST: SctpOptions = {
  sctp_rtoinfo: { initial: 100, min: 50, max: 200 },
  sctp_associnfo: { asocmaxrxt: 3 },
  sctp_peer_addr_params: { flags: ["hb_disable"] },
};

/** Options of an endpoint that requires DATA authenticated with `key` (number 1). */
function authOpts(key: Uint8Array | string): SctpOptions {
  return {
    sctp_auth_chunk: { chunk: 0 },
    sctp_hmac_ident: { idents: ["sha256", "sha1"] },
    sctp_auth_key: { keynumber: 1, key },
    sctp_auth_active_key: { keynumber: 1 },
    sctp_events: { authentication_event: true },
  };
}

const isAuthkey = (indication: string, keynumber?: number) =>
(
  d: { type: string; indication?: string; keynumber?: number },
) =>
  d.type === "sctp_authkey_event" && d.indication === indication &&
  (keynumber === undefined || d.keynumber === keynumber);

/** A deliberately ill-typed value (for the TypeError cases). */
const bad = (v: unknown): never => v as never;

describe("AUTH (RFC 4895)", () => {
  let ns: Ns;
  before(async () => {
    ns = await createNs(`sctpauth${process.pid}`, { auth_enable: 1 });
  });
  after(async () => {
    await ns?.destroy();
  });

  /** A server and a client in the namespace, associated. */
  async function pair(srvOpts: SctpOptions, cliOpts: SctpOptions) {
    const srv = await open({ netns: ns.path, ip: "127.0.0.1", ...srvOpts });
    const cli = await open({ netns: ns.path, ...cliOpts });
    await srv.listen(true);
    const up = await cli.connect("127.0.0.1", await srv.port(), {}, 20000);
    const sUp = (await recvUntil(
      srv,
      (m) =>
        (m.data as { type?: string; state?: string }).type ===
          "sctp_assoc_change" &&
        (m.data as { state?: string }).state === "comm_up",
      20000,
    )).data as SctpAssocChange;
    return { srv, cli, up, sUp };
  }

  it("a shared key: DATA is authenticated both ways (auth chunk lists, active key, sha256), nothing is discarded", async () => {
    const before = await ns.sctpSnmp();
    const { srv, cli, up, sUp } = await pair(authOpts(KEY1), authOpts(KEY1));
    try {
      const o = await cli.getopts([
        { sctp_peer_auth_chunks: { assoc_id: up.assoc_id } },
        { sctp_local_auth_chunks: { assoc_id: up.assoc_id } },
        { sctp_auth_active_key: { assoc_id: up.assoc_id } },
        "sctp_hmac_ident",
        { sctp_auth_supported: { assoc_id: up.assoc_id } },
      ]);
      assert.ok(
        o.sctp_peer_auth_chunks.chunks.includes(0),
        "peer requires DATA authenticated",
      );
      assert.ok(
        o.sctp_local_auth_chunks.chunks.includes(0),
        "we require DATA authenticated",
      );
      assert.equal(o.sctp_auth_active_key.keynumber, 1);
      assert.deepEqual(o.sctp_hmac_ident.idents, ["sha256", "sha1"]);
      assert.equal(o.sctp_auth_supported.assoc_value, true);
      for (let i = 0; i < 20; i++) {
        await cli.send(up, 0, `c${i}`);
        const m = await recvUntil(srv, isData, 10000);
        assert.equal(text(m.data), `c${i}`);
        await srv.send(sUp, 0, `s${i}`);
        assert.equal(text((await recvUntil(cli, isData, 10000)).data), `s${i}`);
      }
      const after = await ns.sctpSnmp();
      assert.equal(
        after.SctpInPktDiscards - before.SctpInPktDiscards,
        0,
        "no packet discarded",
      );
    } finally {
      await cli.close();
      await srv.close();
    }
  });

  it("key rotation on a live association: add key 2, make it active (the peer sees new_key), deactivate key 1 (free_key), delete it; data keeps flowing", async () => {
    const { srv, cli, up, sUp } = await pair(authOpts(KEY1), authOpts(KEY1));
    const got: string[] = [];
    const sc = new Collector(srv, (m) => got.push(text(m.data)));
    const cc = new Collector(cli, (m) => got.push(text(m.data)));
    try {
      await cli.send(up, 0, "with key 1");
      await sc.until(
        () => got.includes("with key 1") || undefined,
        10000,
        "first message",
      );
      // key 2 on both sides of this association
      await cli.setopts({
        sctp_auth_key: { assoc_id: up.assoc_id, keynumber: 2, key: KEY2 },
      });
      await srv.setopts({
        sctp_auth_key: { assoc_id: sUp.assoc_id, keynumber: 2, key: KEY2 },
      });
      // one message signed with key 2 (sctp_authinfo): the server, still on
      // key 1, is told
      await cli.send(up, 0, "signed with key 2 once", {
        authinfo: { auth_keynumber: 2 },
      });
      await sc.until(
        () => got.includes("signed with key 2 once") || undefined,
        10000,
        "message signed with key 2 (authinfo)",
      );
      const nk = await sc.event(
        isAuthkey("new_key", 2),
        10000,
        "server: new_key 2",
      );
      assert.equal(nk.d.assoc_id, sUp.assoc_id);
      // then every message: key 2 made active on the client
      await cli.setopts({
        sctp_auth_active_key: { assoc_id: up.assoc_id, keynumber: 2 },
      });
      const a = await cli.getopts([{
        sctp_auth_active_key: { assoc_id: up.assoc_id },
      }]);
      assert.equal(a.sctp_auth_active_key.keynumber, 2);
      await cli.send(up, 0, "with key 2");
      await sc.until(
        () => got.includes("with key 2") || undefined,
        10000,
        "message signed with key 2",
      );
      await srv.setopts({
        sctp_auth_active_key: { assoc_id: sUp.assoc_id, keynumber: 2 },
      });
      // the active key can be neither deactivated nor deleted
      await assert.rejects(
        cli.setopts({
          sctp_auth_delete_key: { assoc_id: up.assoc_id, keynumber: 2 },
        }),
        (e: unknown) =>
          e instanceof SctpError && e.reason === "einval" &&
          /net\.sctp\.auth_enable/.test(e.message),
      );
      // key 1 retired on both sides: free_key once nothing holds it
      for (
        const [s, id, c] of [[cli, up.assoc_id, cc], [
          srv,
          sUp.assoc_id,
          sc,
        ]] as const
      ) {
        await s.setopts({
          sctp_auth_deactivate_key: { assoc_id: id, keynumber: 1 },
        });
        const fk = await c.event(isAuthkey("free_key", 1), 10000, "free_key 1");
        assert.equal(fk.d.assoc_id, id);
        await s.setopts({
          sctp_auth_delete_key: { assoc_id: id, keynumber: 1 },
        });
      }
      // key 1 is gone: making it active fails
      await assert.rejects(
        cli.setopts({
          sctp_auth_active_key: { assoc_id: up.assoc_id, keynumber: 1 },
        }),
        SctpError,
      );
      for (let i = 0; i < 10; i++) {
        await cli.send(up, 0, `late c${i}`);
        await srv.send(sUp, 0, `late s${i}`);
      }
      await sc.until(
        () => got.includes("late c9") || undefined,
        10000,
        "client's late messages",
      );
      await cc.until(
        () => got.includes("late s9") || undefined,
        10000,
        "server's late messages",
      );
      assert.equal(got.filter((g) => g.startsWith("late")).length, 20);
    } finally {
      await sc.stop().catch(() => {});
      await cc.stop().catch(() => {});
      await cli.close();
      await srv.close();
    }
  });

  it("a peer with a different key: the association comes up, but its DATA is discarded (SctpInPktDiscards rises), never delivered; the sender gives the association up (comm_lost)", async () => {
    const before = await ns.sctpSnmp();
    const { srv, cli, up } = await pair(
      authOpts(KEY1),
      { ...authOpts("not the server's key"), ...FAST },
    );
    const got: string[] = [];
    const sc = new Collector(srv, (m) => got.push(text(m.data)));
    try {
      await cli.send(up, 0, "forged");
      // the client's events: comm_lost, and the message back as unsent
      // (gen_sctp delivers sctp_send_failed as an SctpError of recv)
      const seen: string[] = [];
      const end = Date.now() + 20000;
      while (!seen.includes("comm_lost") && Date.now() < end) {
        try {
          const m = await cli.recv(Math.max(1, end - Date.now()));
          const d = m.data as { type?: string; state?: string };
          if (d.type === "sctp_assoc_change") seen.push(d.state ?? "");
        } catch (e) {
          if (!(e instanceof SctpError)) throw e;
          if (e.reason === "timeout") break;
          seen.push(typeof e.reason === "string" ? e.reason : e.reason.type);
        }
      }
      const st = await cli.getopts([{ sctp_status: { assoc_id: up.assoc_id } }])
        .catch(() => ({}));
      console.log(
        `auth: wrong key: client saw ${JSON.stringify(seen)}, got ${
          JSON.stringify(got)
        }, status ${JSON.stringify(st)}`,
      );
      assert.ok(seen.includes("comm_lost"), `client events ${seen}`);
      const after = await ns.sctpSnmp();
      const discards = after.SctpInPktDiscards - before.SctpInPktDiscards;
      console.log(`auth: wrong key: ${discards} packets discarded`);
      assert.ok(discards >= 1, `SctpInPktDiscards rose by ${discards}`);
      assert.deepEqual(got, [], "nothing delivered");
    } finally {
      await sc.stop().catch(() => {});
      await cli.close();
      await srv.close();
    }
  });

  it("without AUTH on the peer: an AUTH endpoint is told no_auth, and has no peer chunk list", async () => {
    const srv = await open({
      netns: ns.path,
      ip: "127.0.0.1",
      sctp_auth_supported: { assoc_value: false },
    });
    // subscribed through sctp_event this time (sctp_events leaves it off)
    const cli = await open({
      netns: ns.path,
      ...authOpts(KEY1),
      sctp_events: {},
      sctp_event: { se_type: "sctp_authentication_event", se_on: true },
    });
    const sub = await cli.getopts([
      "sctp_events",
      { sctp_event: { se_type: "sctp_authentication_event" } },
    ]);
    assert.equal(sub.sctp_events.authentication_event, true);
    assert.equal(sub.sctp_event.se_on, true);
    const cc = new Collector(cli);
    try {
      await srv.listen(true);
      const up = await cli.connect("127.0.0.1", await srv.port(), {}, 20000);
      const ev = await cc.event(isAuthkey("no_auth"), 10000, "client: no_auth");
      assert.equal(ev.d.assoc_id, up.assoc_id);
      const o = await cli.getopts([{
        sctp_peer_auth_chunks: { assoc_id: up.assoc_id },
      }]);
      assert.equal(
        o.sctp_peer_auth_chunks,
        undefined,
        "eacces: the peer is not AUTH capable",
      );
    } finally {
      await cc.stop().catch(() => {});
      await cli.close();
      await srv.close();
    }
  });

  it("bad values: TypeError / RangeError before the kernel; kernel refusals are SctpErrors naming net.sctp.auth_enable", async () => {
    await using s = await open({ netns: ns.path });
    await assert.rejects(
      s.setopts({ sctp_auth_chunk: { chunk: 256 } }),
      RangeError,
    );
    await assert.rejects(
      s.setopts({ sctp_auth_chunk: { chunk: bad("data") } }),
      TypeError,
    );
    await assert.rejects(
      s.setopts({ sctp_hmac_ident: { idents: [bad("md5")] } }),
      TypeError,
    );
    await assert.rejects(
      s.setopts({ sctp_hmac_ident: { idents: [70000] } }),
      RangeError,
    );
    await assert.rejects(
      s.setopts({ sctp_auth_key: { keynumber: 1, key: bad(42) } }),
      TypeError,
    );
    await assert.rejects(
      s.setopts({ sctp_auth_key: { keynumber: 1, key: new Uint8Array(4097) } }),
      RangeError,
    );
    await assert.rejects(
      s.setopts({ sctp_auth_key: { keynumber: 65536, key: "k" } }),
      RangeError,
    );
    await assert.rejects(
      s.setopts(bad({ sctp_peer_auth_chunks: { chunks: [0] } })),
      TypeError,
    );
    await assert.rejects(s.getopts(["sctp_peer_auth_chunks"]), TypeError);
    // the kernel requires SHA-1 in the list
    await assert.rejects(
      s.setopts({ sctp_hmac_ident: { idents: ["sha256"] } }),
      (e: unknown) =>
        e instanceof SctpError && e.reason === "einval" &&
        /net\.sctp\.auth_enable/.test(e.message),
    );
    // a key of 4096 bytes is fine
    await s.setopts({
      sctp_auth_key: { keynumber: 7, key: new Uint8Array(4096).fill(9) },
    });
    await s.setopts({ sctp_auth_active_key: { keynumber: 7 } });
    assert.equal(
      (await s.getopts(["sctp_auth_active_key"])).sctp_auth_active_key
        .keynumber,
      7,
    );
    // write-only options read as absent
    assert.deepEqual(await s.getopts(["sctp_auth_key", "sctp_auth_chunk"]), {});
    // the root namespace's sockets: AUTH off unless its sysctl says so
    const rootAuth = await import("node:fs").then((fs) =>
      Number(fs.readFileSync("/proc/sys/net/sctp/auth_enable", "utf8"))
    );
    if (rootAuth === 0) {
      await using r = await open();
      await assert.rejects(
        r.setopts({ sctp_auth_key: { keynumber: 1, key: "k" } }),
        (e: unknown) =>
          e instanceof SctpError && e.reason === "eacces" &&
          /net\.sctp\.auth_enable is 0 here; sysctl -w net\.sctp\.auth_enable=1/
            .test(e.message),
      );
    }
  });
});
