import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { SctpError } from "../mod.ts";
import { open, server } from "./helpers.ts";

describe("controllingProcess", () => {
  it("hands the socket to a Worker that adopts it; the old object answers not_owner", async () => {
    const { s: srv, port } = await server();
    const cli = await open();
    const w = new Worker(
      new URL("./fixtures/adopt_worker.ts", import.meta.url),
      { type: "module" },
    );
    try {
      const got = new Promise<{ text?: string; type?: string; error?: string }>(
        (resolve) => {
          w.onmessage = (e) => resolve(e.data);
        },
      );
      await srv.controllingProcess(w);
      await assert.rejects(
        srv.recv(10),
        (e: unknown) => e instanceof SctpError && e.reason === "not_owner",
      );
      await assert.rejects(
        srv.getopts(["active"]),
        (e: unknown) => e instanceof SctpError && e.reason === "not_owner",
      );
      const up = await cli.connect("127.0.0.1", port);
      await cli.send(up, 0, "to the new owner");
      const r = await got;
      assert.equal(r.error, undefined);
      assert.equal(r.text, "to the new owner");
      assert.equal(r.type, "seqpacket");
    } finally {
      w.terminate();
      await cli.close();
      await srv.close(); // not the owner any more: a no-op
    }
  });

  it("a bad target is TypeError", async () => {
    const s = await open();
    try {
      // deno-lint-ignore no-explicit-any
      await assert.rejects(s.controllingProcess({} as any), TypeError);
    } finally {
      await s.close();
    }
  });
});
