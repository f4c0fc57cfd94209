/**
 * Smoke test of the benchmark workloads (bench/bench.ts): tiny message
 * counts, in-process, correctness only (every workload checks every message's
 * length, sequence, stream and payload and throws on a mismatch).
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { fanin, rtt, streams, tput } from "../bench/bench.ts";

describe("bench smoke", () => {
  it("tput: 64 B and 64 KiB messages arrive intact and in order", async () => {
    for (const size of [64, 65536]) {
      const r = await tput({ size, count: 20, reps: 1 });
      assert.equal(r.runs.length, 1);
      assert.ok(r.runs[0].msgs_per_s > 0);
    }
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
