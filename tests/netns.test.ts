import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import process from "node:process";
import { after, before, describe, it } from "node:test";
import { SctpError } from "../mod.ts";
import { isEvent, open, recvData, recvUntil, text } from "./helpers.ts";

// Network namespaces need root and iproute2 (both true in the test VM).
const ns = `sctptest${process.pid}`;
const path = `/var/run/netns/${ns}`;
const ip = (...args: string[]) => execFileSync("ip", args, { stdio: "pipe" });

describe("netns and bind_to_device", () => {
  before(() => {
    ip("netns", "add", ns);
    ip("-n", ns, "link", "set", "lo", "up");
  });
  after(() => {
    ip("netns", "del", ns);
  });

  it("open({ netns }) creates the socket inside that namespace", async () => {
    const srv = await open({ netns: path, ip: "127.0.0.1" });
    await srv.listen(true);
    const port = await srv.port();
    const inside = await open({ netns: path });
    const outside = await open({
      sctp_initmsg: { max_attempts: 1, max_init_timeo: 200 },
    });
    try {
      // same namespace: an association and a message
      const up = await inside.connect("127.0.0.1", port);
      assert.equal(up.state, "comm_up");
      await inside.send(up, 0, "in the namespace");
      assert.equal(text((await recvData(srv)).data), "in the namespace");
      // the root namespace's loopback has nobody on that port
      await assert.rejects(
        outside.connect("127.0.0.1", port, {}, 20000),
        (e: unknown) => e instanceof SctpError,
      );
    } finally {
      await inside.close();
      await outside.close();
      await srv.close();
    }
  });

  it("a missing namespace file is an SctpError (enoent)", async () => {
    await assert.rejects(
      open({ netns: `/var/run/netns/${ns}-missing` }),
      (e: unknown) => e instanceof SctpError && e.reason === "enoent",
    );
    // deno-lint-ignore no-explicit-any
    await assert.rejects(open({ netns: 42 as any }), TypeError);
  });

  it("bind_to_device binds to an interface; an unknown one is enodev", async () => {
    const srv = await open({ bind_to_device: "lo", ip: "127.0.0.1" });
    await srv.listen(true);
    const cli = await open({ bind_to_device: "lo" });
    try {
      await cli.connect("127.0.0.1", await srv.port());
      await recvUntil(srv, (m) => isEvent(m, "sctp_assoc_change", "comm_up"));
    } finally {
      await cli.close();
      await srv.close();
    }
    await assert.rejects(
      open({ bind_to_device: "nosuchdev0" }),
      (e: unknown) => e instanceof SctpError && e.reason === "enodev",
    );
  });
});
