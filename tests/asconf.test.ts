// Dynamic addresses (RFC 5061): bindx at run time on a bound endpoint sends
// ASCONF, and the peer sees sctp_paddr_change addr_added / addr_removed.
// Inside a network namespace of the test's own with net.sctp.addip_enable=1
// and auth_enable=1 (ASCONF must be authenticated), and documentation
// addresses on its lo. Needs root and iproute2: runs in the test VM.
import assert from "node:assert/strict";
import process from "node:process";
import { after, before, describe, it } from "node:test";
import type { SctpAssocChange } from "../mod.ts";
import { Collector, paddr } from "./fixtures/faults_collect.ts";
import { createNs, type Ns } from "./fixtures/sctp_ns.ts";
import { isEvent, open, recvUntil } from "./helpers.ts";

const S1 = "192.0.2.1", C1 = "192.0.2.2", S2 = "198.51.100.1";

describe("ASCONF (RFC 5061)", () => {
  let ns: Ns;
  before(async () => {
    ns = await createNs(
      `sctpasconf${process.pid}`,
      { addip_enable: 1, auth_enable: 1 },
      [S1, C1, S2],
    );
  });
  after(async () => {
    await ns?.destroy();
  });

  it("bindx add on the server: the client sees addr_added and can use the address; bindx remove: addr_removed", async () => {
    const srv = await open({ netns: ns.path, ip: S1 });
    const cli = await open({ netns: ns.path, ip: C1 });
    let cc: Collector | undefined;
    try {
      await srv.listen(true);
      const port = await srv.port();
      const up = await cli.connect(S1, port, {}, 20000);
      const sUp = (await recvUntil(
        srv,
        (m) => isEvent(m, "sctp_assoc_change", "comm_up"),
        20000,
      )).data as SctpAssocChange;
      const o = await cli.getopts([
        { sctp_asconf_supported: { assoc_id: up.assoc_id } },
        { sctp_peer_auth_chunks: { assoc_id: up.assoc_id } },
      ]);
      assert.equal(o.sctp_asconf_supported.assoc_value, true);
      // ASCONF (0xc1) and ASCONF-ACK (0x80) go authenticated
      assert.ok(o.sctp_peer_auth_chunks.chunks.includes(0xc1));
      assert.ok(o.sctp_peer_auth_chunks.chunks.includes(0x80));
      const peers = async () =>
        (await cli.peernames(up)).map((a) => a.addr).sort();
      assert.deepEqual(await peers(), [S1]);
      cc = new Collector(cli);

      await srv.bindx([S2]);
      const added = await cc.event(
        paddr("addr_added", S2),
        20000,
        "client: addr_added",
      );
      assert.equal(added.d.assoc_id, up.assoc_id);
      assert.deepEqual(await peers(), [S1, S2].sort());
      assert.deepEqual(
        (await srv.socknames(sUp)).map((a) => a.addr).sort(),
        [S1, S2].sort(),
      );

      const from = cc.events.length;
      await srv.bindx([S2], false);
      const removed = await cc.event(
        paddr("addr_removed", S2),
        20000,
        "client: addr_removed",
        from,
      );
      assert.equal(removed.d.assoc_id, up.assoc_id);
      assert.deepEqual(await peers(), [S1]);
    } finally {
      await cc?.stop().catch(() => {});
      await cli.close();
      await srv.close();
    }
  });

  it("without addip_enable the peer learns nothing: bindx only changes the local endpoint", async () => {
    await ns.sysctl("addip_enable", 0);
    const srv = await open({ netns: ns.path, ip: S1 });
    const cli = await open({ netns: ns.path, ip: C1 });
    let cc: Collector | undefined;
    try {
      await srv.listen(true);
      const up = await cli.connect(S1, await srv.port(), {}, 20000);
      cc = new Collector(cli);
      await srv.bindx([S2]);
      await new Promise((r) => setTimeout(r, 2000));
      assert.deepEqual(
        cc.events.filter((e) => paddr("addr_added", S2)(e.d)),
        [],
      );
      assert.deepEqual((await cli.peernames(up)).map((a) => a.addr), [S1]);
    } finally {
      await ns.sysctl("addip_enable", 1);
      await cc?.stop().catch(() => {});
      await cli.close();
      await srv.close();
    }
  });
});
