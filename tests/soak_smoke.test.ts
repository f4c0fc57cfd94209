/**
 * Smoke test of the soak (soak/run.ts, `deno task soak`): a few seconds of
 * this runtime's server and client processes exchanging checked messages
 * both ways; the verdict must be PASS with traffic in both directions.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { describe, it } from "node:test";
import { isBun, scriptArgs } from "./helpers.ts";

describe("soak smoke", () => {
  it("a 4 s soak passes, both processes sending and receiving", () => {
    const run = fileURLToPath(new URL("../soak/run.ts", import.meta.url));
    const dir = mkdtempSync(join(tmpdir(), "sctp-soak-"));
    const out = join(dir, "soak.json");
    try {
      const rt = isBun ? "bun" : "deno";
      const r = spawnSync(
        process.execPath,
        scriptArgs(run, "--seconds", "4", "--interval", "2", "--runtimes", rt),
        {
          encoding: "utf8",
          timeout: 240000,
          env: { ...process.env, SOAK_OUT: out, SOAK_STALL_MS: "60000" },
        },
      );
      assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
      assert.match(r.stdout, /^verdict: PASS$/m);
      const res = JSON.parse(readFileSync(out, "utf8"));
      assert.equal(res.results.length, 1);
      assert.equal(res.results[0].ok, true);
      const sums = Object.values(res.results[0].sums) as Array<
        Record<string, number>
      >;
      assert.equal(sums.length, 2, "server and client summaries");
      for (const s of sums) {
        assert.equal(s.errors, 0);
        assert.ok(s.sentMsgs > 0 && s.recvMsgs > 0, JSON.stringify(s));
        assert.ok(s.rssEnd > 0 && s.fdsEnd > 0);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
