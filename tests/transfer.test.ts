import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { isEvent, open, recvData, recvUntil, server, text } from "./helpers.ts";

describe("transfer", () => {
  it("one-to-many: hello on stream 0 with stream number and assoc id", async () => {
    const { s: srv, port } = await server();
    const cli = await open();
    try {
      const up = await cli.connect("127.0.0.1", port);
      assert.equal(up.type, "sctp_assoc_change");
      assert.equal(up.state, "comm_up");
      assert.ok(up.assoc_id > 0);
      const srvUp = await recvUntil(srv, (m) => isEvent(m, "sctp_assoc_change", "comm_up"));
      const srvAssoc = (srvUp.data as { assoc_id: number }).assoc_id;
      await cli.send(up, 0, "hello");
      const m = await recvData(srv);
      assert.equal(text(m.data), "hello");
      assert.equal(m.fromIp, "127.0.0.1");
      assert.equal(m.fromPort, await cli.port());
      const info = m.ancData[0] as { type: string; stream: number; assoc_id: number };
      assert.equal(info.type, "sctp_sndrcvinfo");
      assert.equal(info.stream, 0);
      assert.equal(info.assoc_id, srvAssoc);
    } finally {
      await cli.close();
      await srv.close();
    }
  });
});
