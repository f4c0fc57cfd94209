/**
 * Smoke test of the benchmark workloads: tiny message counts, in-process
 * (bench/bench.ts) and in separate processes (bench/peer.ts and the C
 * baseline's role=server|client mode; Erlang's runs in every bench run),
 * correctness only (every workload checks every message's length, sequence,
 * stream and payload and throws on a mismatch).
 */
import assert from "node:assert/strict";
import type { Buffer } from "node:buffer";
import {
  type ChildProcess,
  execFileSync,
  spawn,
  spawnSync,
} from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { describe, it } from "node:test";
import { fanin, rtt, streams, tput } from "../bench/bench.ts";
import { CC_FLAGS, erlArgs } from "../bench/cflags.ts";
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
        erlArgs(dir, args),
        "erlang",
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/**
 * The separate-process cells of bench/run.ts (issue 24): bench/peer.ts as
 * a server process and a client process of this runtime, driven as the
 * orchestrator drives them (port from the server's ready line, `go` per
 * repetition, `close` at the end, timed exits).
 */
describe("bench separate processes (bench/peer.ts)", () => {
  const peerTs = fileURLToPath(new URL("../bench/peer.ts", import.meta.url));
  /** The command line of a peer process with `args`. */
  type Launcher = (args: string[]) => [string, string[]];
  // as bench/run.ts starts them (Deno's gc exposed for the live-memory
  // figure of the fanin cells)
  const lib: Launcher = (args) => [
    process.execPath,
    isBun
      ? scriptArgs(peerTs, ...args)
      : ["run", "-A", "--v8-flags=--expose-gc", peerTs, ...args],
  ];

  /** A peer process: its JSON lines, in order. */
  class Proc {
    child: ChildProcess;
    lines: Record<string, unknown>[] = [];
    waiters: (() => void)[] = [];
    stderr = "";
    exited: Promise<number | null>;
    constructor([cmd, argv]: [string, string[]]) {
      this.child = spawn(cmd, argv, {
        stdio: ["pipe", "pipe", "pipe"],
      });
      let buf = "";
      this.child.stdout!.on("data", (d: Buffer) => {
        buf += d.toString();
        for (let i; (i = buf.indexOf("\n")) >= 0;) {
          const l = buf.slice(0, i).trim();
          buf = buf.slice(i + 1);
          if (l.startsWith("{")) this.lines.push(JSON.parse(l));
        }
        this.waiters.splice(0).forEach((w) => w());
      });
      this.child.stderr!.on("data", (d: Buffer) => this.stderr += d);
      this.exited = new Promise((r) => this.child.on("exit", (c) => r(c)));
      this.exited.then(() => this.waiters.splice(0).forEach((w) => w()));
    }
    /** The next line (fails after `ms` or at the process's end). */
    async next(ms = 60000): Promise<Record<string, unknown>> {
      const end = Date.now() + ms;
      while (!this.lines.length) {
        if (this.child.exitCode !== null) {
          throw new Error(`peer exited ${this.child.exitCode}: ${this.stderr}`);
        }
        if (Date.now() > end) throw new Error(`no line: ${this.stderr}`);
        await new Promise<void>((r) => {
          this.waiters.push(r);
          setTimeout(r, 200);
        });
      }
      const l = this.lines.shift()!;
      if (l.ok === false) throw new Error(`peer failed: ${l.error}`);
      return l;
    }
    say(line: string): void {
      this.child.stdin!.write(line + "\n");
    }
    /** `close`, then the exit code within `ms`. */
    async close(ms = 20000): Promise<number | null> {
      this.say("close");
      this.child.stdin!.end();
      const timer = setTimeout(() => this.child.kill("SIGKILL"), ms);
      const c = await this.exited;
      clearTimeout(timer);
      return c;
    }
    kill(): void {
      if (this.child.exitCode === null) this.child.kill("SIGKILL");
    }
  }

  /** Server and client of `w`; runs `reps` repetitions; returns the reps
   * (client's, and server's for tput/fanin) and the ready lines. */
  async function pair(
    run: Launcher,
    w: string,
    common: string[],
    srv: string[],
    cli: string[],
    reps: number,
  ) {
    const s = new Proc(run([w, "role=server", ...common, ...srv]));
    let c: Proc | null = null;
    try {
      const r = await s.next();
      assert.equal(r.ready, 1);
      assert.ok((r.port as number) > 0);
      c = new Proc(
        run([w, "role=client", `port=${r.port}`, ...common, ...cli]),
      );
      const cready = await c.next();
      assert.equal(cready.ready, 1);
      const up = w === "fanin" ? await s.next() : null;
      const out: { c: Record<string, number>; s?: Record<string, number> }[] =
        [];
      for (let i = 0; i < reps; i++) {
        c.say("go");
        const cr = (await c.next()).rep as Record<string, number>;
        const sr = w === "rtt"
          ? undefined
          : (await s.next()).rep as Record<string, number>;
        out.push({ c: cr, s: sr });
      }
      assert.equal(await c.close(), 0, c.stderr);
      if (w === "fanin") assert.equal(await s.close(), 0, s.stderr);
      return { out, cready, up };
    } finally {
      c?.kill();
      s.kill();
    }
  }

  it("tput 64 KiB, 64 streams, recv({ into }), two rounds: every message checked, the server's count is the client's", async () => {
    const { out } = await pair(
      lib,
      "tput",
      ["size=65536"],
      ["into=1", "recbuf=1048576"],
      ["count=30", "streams=64", "sndbuf=1048576"],
      2,
    );
    for (const r of out) {
      assert.equal(r.c.n, 30);
      assert.equal(r.s!.n, 30);
      assert.ok(r.s!.t1 > r.c.t0);
    }
  });

  it("tput, plain recv(), kernel default buffers: bounded by time (secs=1)", async () => {
    const { out } = await pair(
      lib,
      "tput",
      ["size=65536"],
      [],
      ["count=100000", "secs=1"],
      1,
    );
    assert.ok(out[0].c.n >= 1 && out[0].c.n < 100000);
    assert.equal(out[0].s!.n, out[0].c.n);
  });

  it("rtt: median, p99 and p99.9 with busy_poll 0", async () => {
    const { out } = await pair(lib, "rtt", ["size=64"], ["busy_poll=0"], [
      "count=50",
      "busy_poll=0",
    ], 1);
    const r = out[0].c;
    assert.ok(r.median_us > 0 && r.p99_us >= r.median_us);
    assert.ok(r.p999_us >= r.p99_us);
  });

  it("fanin: 20 one-to-one client sockets, two rounds: setup rate, RSS, comm_up count, timed close", async () => {
    const { out, cready, up } = await pair(
      lib,
      "fanin",
      ["size=64", "assocs=20", "msgs=3"],
      [],
      ["ctype=1"],
      2,
    );
    assert.ok((cready.assocs_per_s as number) > 0);
    assert.ok((cready.assocs_per_s_2nd as number) > 0);
    assert.equal(typeof cready.rss_per_assoc, "number");
    assert.equal(up?.up, 20);
    for (const r of out) assert.equal(r.s!.n, 60);
    // live memory after a full collection, per association: present and a
    // plausible size (a socket's own objects are about 1-3 KB)
    for (
      const x of [
        cready.live_per_assoc,
        cready.live_2nd_per_assoc,
        up?.live_per_assoc,
        up?.live_2nd_per_assoc,
      ]
    ) {
      assert.ok(Number.isFinite(x), `live_per_assoc ${x}`);
      assert.ok(Math.abs(x as number) < 1e6, `live_per_assoc ${x}`);
    }
    assert.ok((cready.live_per_assoc as number) > 0);
  });

  it("the C baseline's separate-process mode (tput, fanin; two rounds each), and Erlang's fanin", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sctp-bench-"));
    try {
      const src = fileURLToPath(
        new URL("../bench/sctp_bench.c", import.meta.url),
      );
      const bin = join(dir, "sctp_bench");
      execFileSync("cc", [...CC_FLAGS, "-o", bin, src]);
      const c: Launcher = (args) => [bin, args];
      const t = await pair(c, "tput", ["size=16384"], [], [
        "count=20",
        "streams=64",
      ], 2);
      assert.deepEqual(t.out.map((r) => r.s!.n), [20, 20]);
      const f = await pair(c, "fanin", ["size=64", "assocs=5", "msgs=2"], [], [
        "ctype=1",
      ], 2);
      assert.equal(f.up?.up, 5);
      assert.ok((f.cready.assocs_per_s_2nd as number) > 0);
      assert.deepEqual(f.out.map((r) => r.s!.n), [10, 10]);
      // Erlang's fanin: its live-memory figure (erlang:memory(total) after
      // collecting every process) on both sides
      execFileSync("erlc", [
        "-o",
        dir,
        fileURLToPath(new URL("../bench/sctp_bench.erl", import.meta.url)),
      ]);
      const erl: Launcher = (args) => ["erl", erlArgs(dir, args)];
      const e = await pair(
        erl,
        "fanin",
        ["size=64", "assocs=5", "msgs=2"],
        [],
        [
          "ctype=1",
        ],
        1,
      );
      assert.equal(e.up?.up, 5);
      assert.ok((e.cready.assocs_per_s_2nd as number) > 0);
      assert.deepEqual(e.out.map((r) => r.s!.n), [10]);
      assert.ok(Number.isInteger(e.cready.live_per_assoc));
      assert.ok(Number.isInteger(e.up?.live_per_assoc));
      assert.ok(Number.isInteger(e.cready.live_2nd_per_assoc));
      assert.ok(Number.isInteger(e.up?.live_2nd_per_assoc));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
