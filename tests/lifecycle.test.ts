import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { describe, it } from "node:test";
import { scriptArgs } from "./helpers.ts";

const fixture = fileURLToPath(
  new URL("./fixtures/exit_after_close.ts", import.meta.url),
);

function run(mode: string) {
  const args = scriptArgs(fixture, mode);
  const t0 = Date.now();
  const r = spawnSync(process.execPath, args, {
    encoding: "utf8",
    timeout: 120000,
  });
  return { ...r, ms: Date.now() - t0 };
}

describe("process lifetime (the poll worker never keeps it alive)", () => {
  for (const mode of ["closed", "idle", "unref", "busy"]) {
    it(`exits by itself when sockets are ${mode}`, () => {
      const r = run(mode);
      assert.equal(r.error, undefined, `did not exit: ${r.error}`);
      assert.equal(r.status, 0, r.stderr);
      assert.equal(r.stdout.trim(), mode);
    });
  }
});

describe("poll worker restarts", () => {
  it("a wait begun while the worker starts is served then; a quick restart doubles the idle grace", () => {
    const f = fileURLToPath(
      new URL("./fixtures/poller_restart.ts", import.meta.url),
    );
    const args = scriptArgs(f);
    const r = spawnSync(process.execPath, args, {
      encoding: "utf8",
      timeout: 120000,
    });
    assert.equal(r.status, 0, r.stderr);
    const o = JSON.parse(r.stdout.trim().split("\n").at(-1)!);
    assert.equal(o.startedFirst, true, "a waiting recv starts the worker");
    assert.equal(o.stopped, true, "the worker stops after the idle grace");
    assert.equal(o.startedBooting, true, "the recv started a worker");
    assert.equal(o.data, "during boot");
    // delivered by the main thread's polling, not after the worker's start
    assert.equal(o.deliveredBooting, true);
    assert.equal(o.stoppedAgain, true);
    assert.equal(o.grace0, 1000);
    assert.equal(o.grace1, 2000);
    assert.ok(o.busyMsgs > 10, `only ${o.busyMsgs} messages in the busy phase`);
    assert.equal(o.busyRunning, true, "use without waits keeps the worker up");
    assert.ok(o.sendMsgs > 10, `only ${o.sendMsgs} sends in the send phase`);
    assert.equal(o.sendRunning, true, "sending without waits keeps it up");
    assert.equal(o.busyStarts, 0, "no worker start while in use");
    assert.equal(o.stoppedAfterUse, true, "and it stops once the use ends");
  });
});
