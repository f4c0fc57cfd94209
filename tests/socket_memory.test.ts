import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { describe, it } from "node:test";
import { isBun } from "./helpers.ts";

const fixture = fileURLToPath(
  new URL("./fixtures/socket_heap.ts", import.meta.url),
);

/** Heap bytes one socket may keep (bench fanin10k / conn1k: RSS per
 * association is mostly this plus the runtime's heap growth). */
const OPEN_BUDGET = 1500, CONNECTED_BUDGET = 1800;

describe("memory per socket", () => {
  it(`an idle socket keeps <= ${OPEN_BUDGET} B of heap, one with an association <= ${CONNECTED_BUDGET} B`, () => {
    const args = isBun
      ? [fixture]
      : ["run", "-A", "--v8-flags=--expose-gc", fixture];
    const r = spawnSync(process.execPath, args, {
      encoding: "utf8",
      timeout: 120000,
    });
    assert.equal(r.error, undefined, `did not exit: ${r.error}`);
    assert.equal(r.status, 0, r.stderr);
    const m = JSON.parse(r.stdout.trim()) as Record<string, number>;
    console.log("heap per socket (B):", m);
    assert.ok(m.open <= OPEN_BUDGET, `idle socket: ${m.open} B`);
    assert.ok(m.connected <= CONNECTED_BUDGET, `connected: ${m.connected} B`);
  });
});
