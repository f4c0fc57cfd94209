/**
 * Smoke test of the benchmark workloads (bench/bench.ts): tiny message
 * counts, in-process, correctness only (every workload checks every message's
 * length, sequence, stream and payload and throws on a mismatch).
 */
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { describe, it } from "node:test";
import { fanin, rtt, streams, tput } from "../bench/bench.ts";
import { CC_FLAGS } from "../bench/cflags.ts";
import { isBun, scriptArgs } from "./helpers.ts";

describe("bench smoke", () => {
  it("tput: 64 B and 64 KiB messages arrive intact and in order", async () => {
    for (const size of [64, 65536]) {
      const r = await tput({ size, count: 20, reps: 1 });
      assert.equal(r.runs.length, 1);
      assert.ok(r.runs[0].msgs_per_s > 0);
    }
  });

  it("tput into=1: 64 KiB messages received into one reused buffer, each checked before the next", async () => {
    const r = await tput({ size: 65536, count: 40, reps: 2, into: 1 });
    assert.equal(r.runs.length, 2);
    assert.ok(r.runs.every((x) => x.msgs_per_s > 0));
  });

  it("rtt: echoes come back intact", async () => {
    const r = await rtt({ size: 64, count: 10, reps: 1 });
    assert.ok(r.runs[0].median_us > 0);
    assert.ok(r.runs[0].p99_us >= r.runs[0].median_us);
  });

  it("fanin: 10 associations into one socket, per-association order", async () => {
    const r = await fanin({ assocs: 10, msgs: 3, reps: 1 });
    assert.ok(r.runs[0].msgs_per_s > 0);
    assert.equal(typeof r.extra?.rss_per_assoc, "number");
  });

  it("streams: 64 streams interleaved, per-stream order and stream ids", async () => {
    const r = await streams({ streams: 64, size: 256, count: 128, reps: 1 });
    assert.ok(r.runs[0].msgs_per_s > 0);
  });
});

/**
 * The stepped protocol bench/run.ts drives every implementation with
 * (bench/step.ts): `{"ready":1}`, then one `{"rep":..}` per `go` line, then
 * the usual result line. Each speaker runs a tiny tput with two repetitions.
 */
describe("bench stepped protocol", () => {
  const bench = fileURLToPath(new URL("../bench/bench.ts", import.meta.url));
  const args = ["tput", "size=64", "count=20", "reps=2", "step=1"];

  function steps(cmd: string, argv: string[], impl: string): void {
    // stdin holds both lines at once: each repetition takes one
    const r = spawnSync(cmd, argv, {
      input: "go\ngo\n",
      encoding: "utf8",
      timeout: 120000,
    });
    assert.equal(r.status, 0, r.stderr);
    const lines = r.stdout.trim().split("\n").filter((l) => l.startsWith("{"))
      .map((l) => JSON.parse(l));
    assert.deepEqual(lines[0], { ready: 1 });
    assert.equal(lines.length, 4, r.stdout);
    for (const l of lines.slice(1, 3)) assert.ok(l.rep.msgs_per_s > 0);
    assert.equal(lines[3].impl, impl);
    assert.equal(lines[3].ok, true);
    assert.deepEqual(lines[3].runs, [lines[1].rep, lines[2].rep]);
  }

  it("this library (bench.ts)", () => {
    steps(
      process.execPath,
      scriptArgs(bench, ...args),
      isBun ? "bun" : "deno",
    );
  });

  it("a stepped run stops when its orchestrator goes away", () => {
    const r = spawnSync(
      process.execPath,
      scriptArgs(bench, ...args),
      { input: "go\n", encoding: "utf8", timeout: 120000 },
    );
    assert.equal(r.error, undefined, `did not exit: ${r.error}`);
    assert.equal(r.status, 3);
    assert.match(r.stdout, /"rep":/);
  });

  it("the C and Erlang baselines", () => {
    const dir = mkdtempSync(join(tmpdir(), "sctp-bench-"));
    try {
      const src = (f: string) =>
        fileURLToPath(new URL(`../bench/${f}`, import.meta.url));
      execFileSync("cc", [
        ...CC_FLAGS,
        "-o",
        join(dir, "sctp_bench"),
        src("sctp_bench.c"),
      ]);
      steps(join(dir, "sctp_bench"), args, "c");
      execFileSync("erlc", ["-o", dir, src("sctp_bench.erl")]);
      steps(
        "erl",
        ["-noshell", "-pa", dir, "-run", "sctp_bench", "main", ...args],
        "erlang",
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
