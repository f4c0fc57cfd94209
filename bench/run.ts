/**
 * The benchmark orchestrator: builds the C and Erlang baselines and runs
 * every cell with client and server in separate processes (issue 24): this
 * library under Deno and Bun (bench/peer.ts, two `deno run` / two `bun`
 * processes), C (bench/sctp_bench.c started twice, role=server and
 * role=client) and Erlang (sctp_bench.erl, two `erl` nodes). The server
 * prints its port, the client is started with it. Prints markdown tables of
 * medians and of ratios to C with their 95% intervals; with
 * SCTP_BENCH_RESULTS=FILE also writes them into FILE between the
 * `<!-- bench:results -->` markers (bench/RESULTS.md). Must run on a kernel
 * with SCTP: `scripts/bench` runs it inside the VM (`deno task bench`).
 *
 * Cells (ids for SCTP_BENCH_ONLY, `*` matches anything):
 *
 *   m{16k,64k,1m}-{def,1m,4m,b1m}-s{1,64}   bulk transfer, one association:
 *       message size × buffers × streams. Buffers: def = nothing set
 *       (kernel and library defaults); 1m / 4m = sndbuf at the sender and
 *       recbuf at the receiver; b1m = sndbuf and recbuf 1 MiB at both ends
 *       (the in-process bench's setting; one stream only, with
 *       SCTP_BENCH_BOTH=1). Variants: C,
 *       Erlang, and per runtime plain `recv()` and `recv({ into })`. Each
 *       repetition sends `count` messages or stops after `secs` seconds
 *       (the kernel-default cells at 64 KiB crawl): msg/s over what was sent.
 *   rtt, rtt-bp0, rtt-bp2000   ping-pong 64 B: median, p99, p99.9 RTT with
 *       the library's defaults, busy_poll 0 and busy_poll 2000 µs on both
 *       sides (C and Erlang run the same in each, for in-cycle ratios)
 *   fanin10k   10,000 associations on one one-to-many server socket, from
 *       10,000 one-to-many client sockets in one client process
 *   conn1k     1,000 one-to-one client sockets in one process, each
 *       connected to a one-to-many server
 *   inproc-*   the former in-process cells (client and server in one
 *       process, see INPROC): only when SCTP_BENCH_ONLY names them
 *
 * Environment:
 *   SCTP_BENCH_IMPLS="deno bun c erlang"   implementations to run
 *   SCTP_BENCH_ONLY=m64k-*,rtt              cells to run (ids above)
 *   SCTP_BENCH_QUICK=1                      the quick subset (QUICK below)
 *   SCTP_BENCH_REPS=6                       measured cycles (median reported)
 *   SCTP_BENCH_WARMUP=1                     leading cycles dropped
 *   SCTP_BENCH_SCALE_REPS=2                 cycles of the scale cells
 *   SCTP_BENCH_BOTH=1                       also the b1m cells
 *   SCTP_BENCH_SCALE=1                      multiplies message counts
 *   SCTP_BENCH_SECS=2                       time bound of a bulk repetition
 *   SCTP_BENCH_OUT=FILE                     also write the raw results (JSON)
 *   SCTP_BENCH_RESULTS=FILE                 write the tables into FILE
 *   SCTP_BENCH_RESULTS_MARK=bench:results   between which markers (two
 *                                           runs' tables in one file)
 *
 * @module
 */
import { createHash } from "node:crypto";
import { CC_FLAGS, erlArgs } from "./cflags.ts";
import { fmt } from "./format.ts";
import {
  cycleRatios as ratiosWithin,
  figureRatio,
  median,
  medianInterval,
} from "./stats.ts";

const root = new URL("..", import.meta.url).pathname.replace(/\/$/, "");
const env = (k: string) => Deno.env.get(k);
const reps = Number(env("SCTP_BENCH_REPS") ?? 6);
const warmup = Number(env("SCTP_BENCH_WARMUP") ?? 1);
const scaleReps = Number(env("SCTP_BENCH_SCALE_REPS") ?? 2);
const scale = Number(env("SCTP_BENCH_SCALE") ?? 1);
// whole seconds: the C and Erlang peers parse integers
const secs = Math.max(1, Math.round(Number(env("SCTP_BENCH_SECS") ?? 2)));
const impls = (env("SCTP_BENCH_IMPLS") ?? "deno bun c erlang").split(/[\s,]+/)
  .filter(Boolean);
/** The b1m cells (both buffers at both ends) only on request: they cost a
 * fifth of the run and measure what 1m does in C (see RESULTS.md). */
const bothCells = env("SCTP_BENCH_BOTH") === "1";
const QUICK = ["m64k-def-s1", "m64k-4m-s1", "m16k-1m-s64", "rtt", "conn1k"];
const only = env("SCTP_BENCH_QUICK") === "1"
  ? QUICK
  : env("SCTP_BENCH_ONLY")?.split(/[\s,]+/).filter(Boolean);
const DEFAULT_INPROC: string[] = [];
const selected = (id: string) =>
  only
    ? only.some((p) =>
      new RegExp(
        `^${p.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*")}$`,
      )
        .test(id)
    )
    : !id.startsWith("inproc-") || DEFAULT_INPROC.includes(id);

interface Cell {
  id: string;
  label: string;
  workload: string;
  params: Record<string, number>;
  /** metric(s) shown; the first one is used for the ratios */
  metrics: string[];
  unit: string;
  lowerIsBetter?: boolean;
}

const n = (x: number) => Math.max(1, Math.round(x * scale));
// Counts are sized for the emulated (TCG) VM: each run about a second for C
// (short runs measure the JIT warming up rather than the steady state).
const INPROC: Cell[] = [
  ...[[64, 20000], [1024, 16000], [16384, 4000], [65536, 1000]].map((
    [size, count],
  ) => ({
    id: `inproc-tput${size >= 1024 ? size / 1024 + "k" : size}`,
    label: `in-process: 1:N one assoc, ${
      size >= 1024 ? size / 1024 + " KiB" : size + " B"
    } (msg/s · MB/s)`,
    workload: "tput",
    params: { size, count: n(count) },
    metrics: ["msgs_per_s", "mb_per_s"],
    unit: "",
  })),
  // 64 KiB variants of the library's receiver; C and Erlang ignore both
  // parameters (their receivers block in the kernel, into one buffer):
  // `into` reuses one buffer (RecvOptions.into), as C always does;
  // `busy_poll` spins instead of sleeping between messages
  ...([
    ["into", "recv into one buffer", { into: 1 }],
    ["busy", "busy_poll 2 ms", { busy_poll: 2000 }],
  ] as const).map(([id, what, extra]) => ({
    id: `inproc-tput64k${id}`,
    label: `in-process: 1:N one assoc, 64 KiB, ${what} (msg/s · MB/s)`,
    workload: "tput",
    params: { size: 65536, count: n(1000), ...extra },
    metrics: ["msgs_per_s", "mb_per_s"],
    unit: "",
  })),
  {
    id: "inproc-rtt",
    label: "in-process: ping-pong 64 B, median RTT (µs)",
    workload: "rtt",
    params: { size: 64, count: n(6000) },
    metrics: ["median_us"],
    unit: "",
    lowerIsBetter: true,
  },
  {
    id: "inproc-rtt",
    label: "in-process: ping-pong 64 B, p99 RTT (µs)",
    workload: "rtt",
    params: { size: 64, count: n(6000) },
    metrics: ["p99_us"],
    unit: "",
    lowerIsBetter: true,
  },
  ...["median", "p99"].map((stat) => ({
    id: "inproc-rttbusy",
    label: `in-process: ping-pong 64 B, ${stat} RTT, busy_poll 2 ms (µs)`,
    workload: "rtt",
    params: { size: 64, count: n(6000), busy_poll: 2000 },
    metrics: [`${stat}_us`],
    unit: "",
    lowerIsBetter: true,
  })),
  ...[[100, 100], [1000, 10]].map(([assocs, msgs]) => ({
    id: `inproc-fanin${assocs}`,
    label: `in-process: fan-in ${assocs} assocs, 64 B (msg/s)`,
    workload: "fanin",
    params: { assocs, msgs: n(msgs), size: 64 },
    metrics: ["msgs_per_s"],
    unit: "",
  })),
  ...[100, 1000].map((assocs) => ({
    id: `inproc-fanin${assocs}`,
    label: `in-process: fan-in ${assocs} assocs, memory per assoc (bytes)`,
    workload: "fanin",
    params: { assocs, msgs: n(assocs === 100 ? 100 : 10), size: 64 },
    metrics: ["rss_per_assoc"],
    unit: "",
    lowerIsBetter: true,
  })),
  {
    id: "inproc-streams",
    label: "in-process: 64 streams interleaved, 1 KiB (msg/s)",
    workload: "streams",
    params: { streams: 64, size: 1024, count: n(12800) },
    metrics: ["msgs_per_s"],
    unit: "",
  },
];

function sh(cmd: string[], timeoutMs = 600_000) {
  const out = new Deno.Command(cmd[0], {
    args: cmd.slice(1),
    cwd: root,
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(timeoutMs),
  }).outputSync();
  return {
    code: out.code,
    stdout: new TextDecoder().decode(out.stdout),
    stderr: new TextDecoder().decode(out.stderr),
  };
}

function cacheDir(): string {
  const h = createHash("sha256");
  for (const f of ["sctp_bench.c", "sctp_bench.erl"]) {
    h.update(Deno.readFileSync(`${root}/bench/${f}`));
  }
  const base = env("XDG_CACHE_HOME") ?? `${env("HOME")}/.cache`;
  const dir = `${base}/sctp-bench/${h.digest("hex").slice(0, 16)}`;
  Deno.mkdirSync(dir, { recursive: true });
  return dir;
}

function build(dir: string): void {
  const cbin = `${dir}/sctp_bench`;
  if (impls.includes("c")) {
    try {
      Deno.statSync(cbin);
    } catch {
      const r = sh([
        "cc",
        ...CC_FLAGS,
        "-o",
        cbin,
        `${root}/bench/sctp_bench.c`,
      ]);
      if (r.code !== 0) throw new Error(`cc failed:\n${r.stderr}`);
    }
  }
  if (impls.includes("erlang")) {
    try {
      Deno.statSync(`${dir}/sctp_bench.beam`);
    } catch {
      const r = sh(["erlc", "-o", dir, `${root}/bench/sctp_bench.erl`]);
      if (r.code !== 0) throw new Error(`erlc failed:\n${r.stdout}${r.stderr}`);
    }
  }
}

/**
 * The command line of one implementation's process: the library's `script`
 * (bench/bench.ts in process, bench/peer.ts for a peer) under Deno or Bun,
 * or the C and Erlang programs (which take both forms' arguments).
 */
function implCommand(
  impl: string,
  dir: string,
  script: "bench.ts" | "peer.ts",
  args: string[],
): string[] {
  switch (impl) {
    case "deno":
      return [
        `${root}/node_modules/.bin/deno`,
        "run",
        "-A",
        ...(script === "peer.ts" ? ["--v8-flags=--expose-gc"] : []),
        `${root}/bench/${script}`,
        ...args,
      ];
    case "bun":
      return [
        `${root}/node_modules/.bin/bun`,
        `${root}/bench/${script}`,
        ...args,
      ];
    case "c":
      return [`${dir}/sctp_bench`, ...args];
    case "erlang":
      return ["erl", ...erlArgs(dir, args)];
  }
  throw new Error(`unknown impl ${impl}`);
}

const inprocCommand = (impl: string, dir: string, args: string[]) =>
  implCommand(impl, dir, "bench.ts", args);

interface Outcome {
  ok: boolean;
  error?: string;
  runs: Record<string, number>[];
  [k: string]: unknown;
}

/** The ratios of `a` to `b` in `metric` within each cycle (run i of each
 * ran in cycle i). */
function cycleRatios(
  a: Outcome | undefined,
  b: Outcome | undefined,
  metric: string,
): number[] {
  if (!a?.ok || !b?.ok) return [];
  const fig = (o: Outcome) =>
    o.runs.map((r) => typeof r[metric] === "number" ? r[metric] : undefined);
  return ratiosWithin(fig(a), fig(b));
}

/**
 * Ratio of `a` to `b` in `metric`: the per-process figures' ratio (memory
 * per association) or else the median of `rs`, the ratios within each cycle
 * (cycleRatios).
 */
function ratio(
  a: Outcome | undefined,
  b: Outcome | undefined,
  metric: string,
  rs: number[],
): number | undefined {
  if (!a?.ok || !b?.ok) return undefined;
  if (typeof a[metric] === "number" && typeof b[metric] === "number") {
    return figureRatio(a[metric] as number, b[metric] as number);
  }
  return rs.length ? median(rs) : undefined;
}

function value(o: Outcome | undefined, metric: string): number | undefined {
  if (!o || !o.ok) return undefined;
  if (typeof o[metric] === "number") return o[metric] as number;
  const xs = o.runs.map((r) => r[metric]).filter((x) => typeof x === "number");
  return xs.length ? median(xs) : undefined;
}

/** One line of a stepped process's stdout (bench/step.ts protocol). */
type Line = Record<string, unknown>;

const GO = new TextEncoder().encode("go\n");

/** An implementation's process driven with the stepped protocol. */
class Stepped {
  #child: Deno.ChildProcess;
  #lines: AsyncGenerator<Line>;
  #stdin: WritableStreamDefaultWriter<Uint8Array>;
  #stderr: Promise<string>;
  constructor(cmd: string[]) {
    this.#child = new Deno.Command(cmd[0], {
      args: cmd.slice(1),
      cwd: root,
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    this.#lines = jsonLines(this.#child.stdout);
    this.#stdin = this.#child.stdin.getWriter();
    this.#stderr = new Response(this.#child.stderr).text();
  }
  /** The next JSON line, or null at the end of its output or after `ms`. */
  async next(ms: number): Promise<Line | null> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<null>((r) =>
      timer = setTimeout(() => r(null), ms)
    );
    try {
      const r = await Promise.race([this.#lines.next(), late]);
      return r && !r.done ? r.value : null;
    } finally {
      clearTimeout(timer);
    }
  }
  /** Starts its next repetition (a process that is gone then says nothing). */
  async go(): Promise<void> {
    try {
      await this.#stdin.write(GO);
    } catch {
      // exited: next() finds the end of its output
    }
  }
  /** A failed outcome from what it said last (`m`) or its exit. */
  async failed(m: Line | null): Promise<Outcome> {
    this.kill();
    if (typeof m?.error === "string") {
      return { ok: false, runs: [], error: m.error };
    }
    const st = await this.#child.status;
    const err = (await this.#stderr).trim().split("\n").pop() ?? "";
    return { ok: false, runs: [], error: `exit ${st.code}: ${err}` };
  }
  /** What went wrong, from its last line `m` or its exit (for a Pair). */
  async why(m: Line | null, side: string): Promise<string> {
    this.kill();
    if (typeof m?.error === "string") return `${side}: ${m.error}`;
    const st = await this.#child.status;
    const err = (await this.#stderr).trim().split("\n").pop() ?? "";
    return `${side}: ${
      m ? "said " + JSON.stringify(m) : "exit " + st.code
    }: ${err}`;
  }
  /** Sends `close`, ends its stdin, and waits for its exit: the ms taken
   * (killed and NaN after 120 s). */
  async closeTimed(): Promise<number> {
    const t = performance.now();
    try {
      await this.#stdin.write(new TextEncoder().encode("close\n"));
      await this.#stdin.close();
    } catch {
      // gone already
    }
    const timer = setTimeout(() => this.kill(), 120_000);
    const st = await this.#child.status;
    clearTimeout(timer);
    const ms = performance.now() - t;
    // drain its output (a last line such as closed_ms is not used)
    for (;;) if (!await this.next(1000)) break;
    await this.#stderr;
    return st.signal ? NaN : ms;
  }
  kill(): void {
    try {
      this.#child.kill("SIGKILL");
    } catch {
      // already gone
    }
  }
  async exited(): Promise<void> {
    await this.#child.status;
    await this.#stderr;
  }
}

async function* jsonLines(s: ReadableStream<Uint8Array>): AsyncGenerator<Line> {
  let buf = "";
  const dec = new TextDecoder();
  for await (const chunk of s) {
    buf += dec.decode(chunk, { stream: true });
    for (let i; (i = buf.indexOf("\n")) >= 0;) {
      const l = buf.slice(0, i).trim();
      buf = buf.slice(i + 1);
      if (!l.startsWith("{")) continue;
      try {
        yield JSON.parse(l);
      } catch {
        // not ours
      }
    }
  }
}

const REP_TIMEOUT_MS = 300_000;

/**
 * Runs one cell: every implementation's process at once, their repetitions
 * interleaved one at a time. Each cycle runs the next repetition of every
 * implementation back to back (the order rotating), so the repetitions a
 * ratio compares ran seconds apart: the host's slow phases (a shared
 * machine, an emulated kernel), which last seconds, fall on both. The first
 * `warmup` cycles are dropped.
 */
async function runInproc(
  id: string,
  cell: Cell,
): Promise<Record<string, Outcome>> {
  const total = warmup + reps;
  const args = [
    cell.workload,
    ...Object.entries({ ...cell.params, reps: total, step: 1 }).map((
      [k, v],
    ) => `${k}=${v}`),
  ];
  const live = new Map<string, Stepped>();
  const out: Record<string, Outcome> = {};
  const runs: Record<string, Record<string, number>[]> = {};
  // set up one at a time (a process's start-up is not measured)
  for (const impl of impls) {
    const p = new Stepped(inprocCommand(impl, dir, args));
    const m = await p.next(REP_TIMEOUT_MS);
    if (m?.ready) live.set(impl, p);
    else out[impl] = await p.failed(m);
  }
  for (let c = 0; c < total; c++) {
    for (let k = 0; k < impls.length; k++) {
      const impl = impls[(k + c) % impls.length];
      const p = live.get(impl);
      if (!p) continue;
      const t = Date.now();
      await p.go();
      const m = await p.next(REP_TIMEOUT_MS);
      const rep = m?.rep as Record<string, number> | undefined;
      if (!rep) {
        live.delete(impl);
        out[impl] = await p.failed(m);
      } else if (c >= warmup) (runs[impl] ??= []).push(rep);
      console.error(
        `bench: ${id} ${impl} ${c < warmup ? "warm-up" : "cycle"} ${
          c + 1
        }/${total} ${((Date.now() - t) / 1000).toFixed(1)}s ${
          rep ? JSON.stringify(rep) : "FAILED: " + out[impl].error
        }`,
      );
    }
  }
  for (const [impl, p] of live) {
    const m = await p.next(REP_TIMEOUT_MS);
    if (m?.ok === true) {
      out[impl] = { ...(m as unknown as Outcome), runs: runs[impl] ?? [] };
      await p.exited();
    } else out[impl] = await p.failed(m);
  }
  return out;
}

// ---- separate-process cells ----

/** One column of a separate-process cell: an implementation and the
 * parameters its server and client get on top of the cell's. */
interface Variant {
  name: string;
  impl: string;
  server?: Record<string, number>;
  client?: Record<string, number>;
}

interface PairCell {
  id: string;
  /** the matrix's row label, or the table a scale / rtt cell belongs to */
  label: string;
  workload: "tput" | "rtt" | "fanin";
  /** both sides */
  params: Record<string, number>;
  server: Record<string, number>;
  client: Record<string, number>;
  variants: Variant[];
}

const KiB = 1024, MiB = 1 << 20;
const has = (i: string) => impls.includes(i);
const baseVariants = (): Variant[] =>
  [
    { name: "c", impl: "c" },
    { name: "erlang", impl: "erlang" },
    { name: "deno", impl: "deno" },
    { name: "bun", impl: "bun" },
  ].filter((v) => has(v.impl));

/** Bulk matrix: sizes × buffers × streams; C-time ~1 s per repetition. */
const SIZES: [string, number, number][] = [
  ["16k", 16 * KiB, 2500],
  ["64k", 64 * KiB, 600],
  ["1m", MiB, 40],
];
const BUFS: [string, string, Record<string, number>, Record<string, number>][] =
  [
    ["def", "kernel default", {}, {}],
    ["1m", "sndbuf 1 MiB → recbuf 1 MiB", { recbuf: MiB }, { sndbuf: MiB }],
    ["4m", "sndbuf 4 MiB → recbuf 4 MiB", { recbuf: 4 * MiB }, {
      sndbuf: 4 * MiB,
    }],
    ["b1m", "both 1 MiB at both", { recbuf: MiB, sndbuf: MiB }, {
      recbuf: MiB,
      sndbuf: MiB,
    }],
  ];
const tputVariants = (): Variant[] =>
  [
    { name: "c", impl: "c" },
    { name: "erlang", impl: "erlang" },
    { name: "deno", impl: "deno" },
    { name: "deno-into", impl: "deno", server: { into: 1 } },
    { name: "bun", impl: "bun" },
    { name: "bun-into", impl: "bun", server: { into: 1 } },
  ].filter((v) => has(v.impl));

const PAIR: PairCell[] = [];
for (const [sid, size, count] of SIZES) {
  for (const [bid, blabel, srv, cli] of BUFS) {
    for (const streams of [1, 64]) {
      if (bid === "b1m" && (streams !== 1 || !bothCells)) continue;
      PAIR.push({
        id: `m${sid}-${bid}-s${streams}`,
        label: `${
          sid === "1m" ? "1 MiB" : sid.replace("k", " KiB")
        }, ${blabel}, ${streams === 1 ? "1 stream" : "64 streams"}`,
        workload: "tput",
        params: { size },
        server: srv,
        client: {
          ...cli,
          count: Math.max(1, Math.round(count * scale)),
          secs,
          streams,
        },
        variants: tputVariants(),
      });
    }
  }
}
for (
  const [id, what, bp] of [
    ["rtt", "library defaults", undefined],
    ["rtt-bp0", "busy_poll 0", 0],
    ["rtt-bp2000", "busy_poll 2000 µs", 2000],
  ] as const
) {
  const lib: Record<string, number> = bp === undefined ? {} : { busy_poll: bp };
  PAIR.push({
    id,
    label: `ping-pong 64 B, ${what}`,
    workload: "rtt",
    params: { size: 64 },
    server: {},
    client: { count: Math.max(100, Math.round(1000 * scale)) },
    variants: baseVariants().map((v) =>
      v.impl === "deno" || v.impl === "bun"
        ? { ...v, server: lib, client: lib }
        : v
    ),
  });
}
PAIR.push(
  {
    id: "fanin10k",
    label: "10,000 associations on one one-to-many socket (fan-in)",
    workload: "fanin",
    params: { size: 64, assocs: 10000, msgs: 2 },
    server: { recbuf: 4 * MiB },
    client: { ctype: 0 },
    variants: baseVariants(),
  },
  {
    id: "conn1k",
    label: "1,000 one-to-one sockets in one process",
    workload: "fanin",
    params: { size: 64, assocs: 1000, msgs: 10 },
    server: { recbuf: 4 * MiB },
    client: { ctype: 1 },
    variants: baseVariants(),
  },
);

function peerCommand(
  impl: string,
  dir: string,
  workload: string,
  kv: Record<string, number | string>,
): string[] {
  const args = [workload, ...Object.entries(kv).map(([k, v]) => `${k}=${v}`)];
  return implCommand(impl, dir, "peer.ts", args);
}

/** A variant's two processes. */
class Pair {
  server!: Stepped;
  client!: Stepped;
  /** what the server's and client's ready lines and the server's `up`
   * line said */
  info: Record<string, number> = {};
  constructor(readonly cell: PairCell, readonly v: Variant) {}

  /** Starts both; an error message, or null. */
  async start(timeoutMs: number): Promise<string | null> {
    const { cell, v } = this;
    this.server = new Stepped(peerCommand(v.impl, dir, cell.workload, {
      role: "server",
      ...cell.params,
      ...cell.server,
      ...v.server,
    }));
    const r = await this.server.next(timeoutMs);
    if (!r?.ready) return await this.server.why(r, "server");
    this.client = new Stepped(peerCommand(v.impl, dir, cell.workload, {
      role: "client",
      port: r.port as number,
      ...cell.params,
      ...cell.client,
      ...v.client,
    }));
    const c = await this.client.next(timeoutMs);
    if (!c?.ready) {
      this.server.kill();
      return await this.client.why(c, "client");
    }
    for (const [k, x] of Object.entries(c)) {
      if (k !== "ready" && typeof x === "number") this.info[`client_${k}`] = x;
    }
    if (cell.workload === "fanin") {
      const u = await this.server.next(timeoutMs);
      if (!u?.up) {
        this.client.kill();
        return await this.server.why(u, "server");
      }
      this.info.server_up_per_s = (u.up as number) / (u.up_s as number);
      for (const [k, x] of Object.entries(u)) {
        if (k.endsWith("per_assoc") && typeof x === "number") {
          this.info[`server_${k}`] = x;
        }
      }
    }
    return null;
  }

  /** One repetition: its figures, or an error message. */
  async rep(): Promise<Record<string, number> | string> {
    await this.client.go();
    const c = await this.client.next(REP_TIMEOUT_MS);
    if (!c?.rep) {
      this.server.kill();
      return await this.client.why(c, "client");
    }
    const cr = c.rep as Record<string, number>;
    if (this.cell.workload === "rtt") return cr;
    const s = await this.server.next(REP_TIMEOUT_MS);
    if (!s?.rep) {
      this.client.kill();
      return await this.server.why(s, "server");
    }
    const sr = s.rep as Record<string, number>;
    if (sr.n !== cr.n) return `server got ${sr.n} of ${cr.n} messages`;
    if (!(sr.t1 > cr.t0) || cr.n === 0) {
      return `bad times: t0 ${cr.t0} t1 ${sr.t1} n ${cr.n}`;
    }
    const mps = cr.n / ((sr.t1 - cr.t0) / 1000);
    return { msgs_per_s: mps, mb_per_s: mps * this.cell.params.size / 1e6 };
  }

  /** Closes the client (and a fanin server) and times their exits (ms,
   * from the `close` line to the process's end). */
  async stop(): Promise<Record<string, number>> {
    const out: Record<string, number> = {};
    out.client_exit_ms = await this.client.closeTimed();
    if (this.cell.workload === "fanin") {
      out.server_exit_ms = await this.server.closeTimed();
    } else {
      this.server.kill();
      await this.server.exited();
    }
    return out;
  }
  kill(): void {
    this.client?.kill();
    this.server?.kill();
  }
}

/**
 * A bulk or RTT cell: every variant's pair of processes at once, their
 * repetitions interleaved one at a time, the order rotating per cycle
 * (as runInproc), the first `warmup` cycles dropped.
 */
async function runPair(cell: PairCell): Promise<Record<string, Outcome>> {
  const live = new Map<string, Pair>();
  const out: Record<string, Outcome> = {};
  const runs: Record<string, Record<string, number>[]> = {};
  for (const v of cell.variants) {
    const p = new Pair(cell, v);
    const err = await p.start(120_000);
    if (err) out[v.name] = { ok: false, error: err, runs: [] };
    else live.set(v.name, p);
  }
  const total = warmup + reps, names = cell.variants.map((v) => v.name);
  for (let c = 0; c < total; c++) {
    for (let k = 0; k < names.length; k++) {
      const name = names[(k + c) % names.length];
      const p = live.get(name);
      if (!p) continue;
      const t = Date.now();
      const r = await p.rep();
      if (typeof r === "string") {
        live.delete(name);
        p.kill();
        out[name] = { ok: false, error: r, runs: [] };
      } else if (c >= warmup) (runs[name] ??= []).push(r);
      log(cell.id, name, c, total, t, r);
    }
  }
  for (const [name, p] of live) {
    const ex = await p.stop();
    out[name] = { ok: true, runs: runs[name] ?? [], ...ex };
  }
  return out;
}

/**
 * A scale cell: per cycle, each variant's server and client are started
 * afresh (the variants one after another, the order rotating): the client
 * sets up its associations (setup rate, RSS per association on both
 * sides), sends one round, closes everything and exits (timed).
 */
async function runScale(cell: PairCell): Promise<Record<string, Outcome>> {
  const out: Record<string, Outcome> = {};
  const runs: Record<string, Record<string, number>[]> = {};
  const names = cell.variants.map((v) => v.name);
  for (let c = 0; c < scaleReps; c++) {
    for (let k = 0; k < names.length; k++) {
      const name = names[(k + c) % names.length];
      if (out[name]) continue; // failed before
      const v = cell.variants.find((x) => x.name === name)!;
      const t = Date.now();
      const p = new Pair(cell, v);
      let r: Record<string, number> | string;
      const err = await p.start(REP_TIMEOUT_MS);
      if (err) r = err;
      else {
        r = await p.rep();
        if (typeof r !== "string") r = { ...r, ...p.info, ...await p.stop() };
      }
      if (typeof r === "string") {
        p.kill();
        out[name] = { ok: false, error: r, runs: [] };
      } else (runs[name] ??= []).push(r);
      log(cell.id, name, c + warmup, scaleReps + warmup, t, r);
    }
  }
  for (const name of names) {
    out[name] ??= { ok: true, runs: runs[name] ?? [] };
  }
  return out;
}

function log(
  id: string,
  name: string,
  c: number,
  total: number,
  t: number,
  r: Record<string, number> | string,
): void {
  console.error(
    `bench: ${id} ${name} ${c < warmup ? "warm-up" : "cycle"} ${
      c + 1
    }/${total} ${((Date.now() - t) / 1000).toFixed(1)}s ${
      typeof r === "string" ? "FAILED: " + r : JSON.stringify(r)
    }`,
  );
}

// ---- run, then the tables ----

const dir = cacheDir();
const t0 = Date.now();
const pairResults: Record<string, Record<string, Outcome>> = {};
const inprocResults: Record<string, Record<string, Outcome>> = {};
/** SCTP_BENCH_FROM_LOG=FILE,..: no run; the tables from the per-repetition
 * lines (`bench: CELL VARIANT cycle i/n Ts {..}`) that runs printed on
 * stderr, for a run cut short (a partial last cycle pairs by index). */
const fromLog = env("SCTP_BENCH_FROM_LOG")?.split(/[\s,]+/).filter(Boolean);
let repSeconds = 0;
/** Variants that failed in a later cycle (log mode). */
const laterFailures: string[] = [];
if (fromLog) {
  const re = /^bench: (\S+) (\S+) (warm-up|cycle) \d+\/\d+ ([\d.]+)s (.*)$/;
  // a cell in several logs: the log with the most repetitions of it
  const cycles = (r: Record<string, Outcome>) =>
    Object.values(r).reduce((n, o) => n + o.runs.length, 0);
  for (const f of fromLog) {
    const mine: Record<string, Record<string, Outcome>> = {};
    for (const line of Deno.readTextFileSync(f).split("\n")) {
      const m = re.exec(line.trim());
      if (!m || !PAIR.some((c) => c.id === m[1])) continue;
      const [, id, name, kind, sec, rest] = m;
      repSeconds += Number(sec);
      const o = (mine[id] ??= {})[name] ??= { ok: true, runs: [] };
      if (rest.startsWith("FAILED: ")) {
        // after measured cycles: those stand, the failure is noted
        if (o.runs.length) {
          laterFailures.push(`${id} ${name}: ${rest.slice(8)}`);
        }
        Object.assign(o, { ok: o.runs.length > 0, error: rest.slice(8) });
      } else if (kind === "cycle") o.runs.push(JSON.parse(rest));
    }
    for (const [id, r] of Object.entries(mine)) {
      if (!pairResults[id] || cycles(r) > cycles(pairResults[id])) {
        pairResults[id] = r;
      }
    }
  }
  // in the table's order
  const order = PAIR.map((c) => c.id).filter((id) => pairResults[id]);
  const sorted = Object.fromEntries(order.map((id) => [id, pairResults[id]]));
  for (const id of Object.keys(pairResults)) delete pairResults[id];
  Object.assign(pairResults, sorted);
} else {
  build(dir);
  for (const cell of PAIR) {
    if (!selected(cell.id)) continue;
    pairResults[cell.id] = cell.workload === "fanin"
      ? await runScale(cell)
      : await runPair(cell);
  }
  for (const id of new Set(INPROC.map((c) => c.id))) {
    if (!selected(id)) continue;
    inprocResults[id] = await runInproc(id, INPROC.find((c) => c.id === id)!);
  }
}
const elapsed = (Date.now() - t0) / 1000;

const NAMES: Record<string, string> = {
  c: "C",
  erlang: "Erlang",
  deno: "Deno",
  "deno-into": "Deno into",
  bun: "Bun",
  "bun-into": "Bun into",
};
const label = (i: string) => NAMES[i] ?? i;

/** "0.85 (0.80–0.90)": the median of the within-cycle ratios and its 95%
 * interval (bench/stats.ts), "–" when either side failed. */
function ratioCell(
  a: Outcome | undefined,
  b: Outcome | undefined,
  metric: string,
): { text: string; q?: number; iv?: [number, number] } {
  const rs = cycleRatios(a, b, metric);
  const q = ratio(a, b, metric, rs);
  if (q === undefined || !isFinite(q)) return { text: "–" };
  const iv = medianInterval(rs);
  return {
    text: iv
      ? `${q.toFixed(2)} (${iv[0].toFixed(2)}–${iv[1].toFixed(2)})`
      : q.toFixed(2),
    q,
    iv,
  };
}

function valueCell(o: Outcome | undefined, metric: string): string {
  if (!o) return "–";
  if (!o.ok) {
    return `FAIL (${(o.error ?? "").replace(/\|/g, "/").slice(0, 60)})`;
  }
  const v = value(o, metric);
  return v === undefined || !isFinite(v) ? "–" : fmt(v);
}

/** A markdown table: `head` and rows of cells. */
function table(head: string[], rows: string[][]): string[] {
  return [
    `| ${head.join(" | ")} |`,
    `|${head.map((_, i) => i === 0 ? "---" : "---:").join("|")}|`,
    ...rows.map((r) => `| ${r.join(" | ")} |`),
  ];
}

/** Whether a cell has a measured repetition or a failure (a log cut short
 * in its warm-up has neither). */
const measured = (id: string) =>
  Object.values(pairResults[id] ?? {}).some((o) => !o.ok || o.runs.length);

/** Cells where the library misses the targets. */
const misses: string[] = [];
const out: string[] = [];

// bulk matrix
{
  const cells = PAIR.filter((c) => c.workload === "tput" && measured(c.id));
  if (cells.length) {
    const vs = tputVariants().map((v) => v.name);
    const lib = vs.filter((v) => v !== "c" && v !== "erlang");
    const rows = cells.map((cell) => {
      const r = pairResults[cell.id];
      return [
        `${cell.label} (\`${cell.id}\`)`,
        ...vs.map((v) => valueCell(r[v], "msgs_per_s")),
        ...lib.map((v) => {
          const x = ratioCell(r[v], r.c, "msgs_per_s");
          if (x.q !== undefined && x.q < 0.9) {
            misses.push(`${cell.id} ${label(v)}: ${x.q.toFixed(2)}x C`);
          }
          return x.text;
        }),
      ];
    });
    out.push(
      "### Bulk transfer, one association, separate processes (msg/s)",
      "",
      ...table([
        "cell",
        ...vs.map(label),
        ...lib.map((v) => `${label(v)}/C`),
      ], rows),
      "",
    );
  }
}
// latency
{
  const cells = PAIR.filter((c) => c.workload === "rtt" && measured(c.id));
  if (cells.length) {
    const vs = baseVariants().map((v) => v.name);
    const lib = vs.filter((v) => v !== "c" && v !== "erlang");
    const rows: string[][] = [];
    for (const cell of cells) {
      const r = pairResults[cell.id];
      for (
        const [m, what] of [
          ["median_us", "median"],
          ["p99_us", "p99"],
          ["p999_us", "p99.9"],
        ]
      ) {
        rows.push([
          `${cell.label}, ${what} (\`${cell.id}\`)`,
          ...vs.map((v) => valueCell(r[v], m)),
          ...lib.map((v) => {
            const x = ratioCell(r[v], r.c, m);
            if (x.q !== undefined && x.q > 1.5) {
              misses.push(
                `${cell.id} ${what} ${label(v)}: ${x.q.toFixed(2)}x C`,
              );
            }
            return x.text;
          }),
        ]);
      }
    }
    out.push(
      "### Ping-pong 64 B across two processes, RTT (µs; ratio > 1 is slower)",
      "",
      ...table(
        ["cell", ...vs.map(label), ...lib.map((v) => `${label(v)}/C`)],
        rows,
      ),
      "",
    );
  }
}
// scale
{
  const cells = PAIR.filter((c) => c.workload === "fanin" && measured(c.id));
  if (cells.length) {
    const vs = baseVariants().map((v) => v.name);
    const lib = vs.filter((v) => v !== "c" && v !== "erlang");
    const rows: string[][] = [];
    const metrics: [string, string, boolean][] = [
      ["client_assocs_per_s", "setup, associations/s (client)", false],
      [
        "client_assocs_per_s_2nd",
        "setup, associations/s over the second half (client)",
        false,
      ],
      ["server_up_per_s", "setup, comm_up events/s (server)", false],
      ["msgs_per_s", "64 B messages/s", false],
      ["client_rss_per_assoc", "client RSS per association (bytes)", true],
      [
        "client_rss_2nd_per_assoc",
        "client RSS per association, second half (bytes)",
        true,
      ],
      ["server_rss_per_assoc", "server RSS per association (bytes)", true],
      [
        "client_live_per_assoc",
        "client live memory per association, after a full collection (bytes)",
        true,
      ],
      [
        "client_live_2nd_per_assoc",
        "client live memory per association, second half (bytes)",
        true,
      ],
      [
        "server_live_per_assoc",
        "server live memory per association, after a full collection (bytes)",
        true,
      ],
      [
        "server_live_2nd_per_assoc",
        "server live memory per association, second half (bytes)",
        true,
      ],
      [
        "client_erl_mem_per_assoc",
        "client erlang:memory(total) per association (bytes)",
        true,
      ],
      [
        "server_erl_mem_per_assoc",
        "server erlang:memory(total) per association (bytes)",
        true,
      ],
      ["client_exit_ms", "client close-all and exit (ms)", true],
      ["server_exit_ms", "server close and exit (ms)", true],
    ];
    for (const cell of cells) {
      const r = pairResults[cell.id];
      for (const [m, what] of metrics) {
        if (vs.every((v) => value(r[v], m) === undefined)) continue;
        rows.push([
          `${cell.id}: ${what}`,
          ...vs.map((v) => valueCell(r[v], m)),
          ...lib.map((v) => ratioCell(r[v], r.c, m).text),
          ...(has("erlang")
            ? lib.map((v) => ratioCell(r[v], r.erlang, m).text)
            : []),
        ]);
      }
    }
    out.push(
      "### Scale (" + cells.map((c) => `${c.id}: ${c.label}`).join("; ") +
        ")",
      "",
      ...table([
        "cell: metric",
        ...vs.map(label),
        ...lib.map((v) => `${label(v)}/C`),
        ...(has("erlang") ? lib.map((v) => `${label(v)}/Erlang`) : []),
      ], rows),
      "",
    );
  }
}
// in-process
{
  const inImpls = ["deno", "bun", "c", "erlang"].filter(has);
  const lib = inImpls.filter((v) => v === "deno" || v === "bun");
  const rows: string[][] = [];
  for (const cell of INPROC) {
    const r = inprocResults[cell.id];
    if (!r) continue;
    const m = cell.metrics[0];
    rows.push([
      cell.label,
      ...inImpls.map((i) => valueCell(r[i], m)),
      ...lib.map((v) => ratioCell(r[v], r.c, m).text),
    ]);
  }
  if (rows.length) {
    out.push(
      "### In-process (client and server threads of one process), for comparison",
      "",
      ...table(
        ["workload", ...inImpls.map(label), ...lib.map((v) => `${label(v)}/C`)],
        rows,
      ),
      "",
    );
  }
}
if (misses.length) {
  out.push(
    "Below target (a rate < 0.9x C, an RTT > 1.5x C, median ratio): " +
      misses.join("; ") + ".",
    "",
  );
}
const mem = Deno.systemMemoryInfo();
const sysctl = (k: string) => {
  try {
    return Deno.readTextFileSync(`/proc/sys/net/${k}`).trim().replace(
      /\s+/g,
      " ",
    );
  } catch {
    return "?";
  }
};
const host = env("SCTP_BENCH_HOST") ?? "";
if (laterFailures.length) {
  out.push(
    "Failed after measured cycles (those cycles are shown): " +
      laterFailures.join("; ") + ".",
    "",
  );
}
if (fromLog) {
  const cycles = Object.values(pairResults).flatMap((r) =>
    Object.values(r).map((o) => o.runs.length)
  );
  out.push(
    `Rebuilt from the runs' logs (${
      fromLog.map((f) => f.split("/").pop()).join(", ")
    }): up to ${
      Math.max(0, ...cycles)
    } measured cycles per cell (a cut-short cell has fewer; scale cells fresh processes per cycle); medians shown, ratios are the median over the cycles of the ratio within a cycle with its distribution-free 95% interval in brackets (none below 6 cycles). ` +
      `The repetitions took ${Math.round(repSeconds)} s in all. ${
        env("SCTP_BENCH_MACHINE") ?? ""
      }`,
  );
} else {
  out.push(
    `${reps} measured cycles after ${warmup} warm-up (scale cells: ${scaleReps} cycles, fresh processes each), interleaved: cycle i runs every variant's repetition i back to back, rotating order; medians shown, ratios are the median over the cycles of the ratio within a cycle with its distribution-free 95% interval in brackets (none below 6 cycles). ` +
      `Total ${
        Math.round(elapsed)
      } s on ${Deno.build.target}, kernel ${Deno.osRelease()}${
        env("SCTP_VM_GUEST") === "1" ? " (qemu TCG VM)" : ""
      }, ${navigator.hardwareConcurrency} vCPUs, ${
        (mem.total / 2 ** 30).toFixed(1)
      } GiB; net.sctp.sctp_wmem ${sysctl("sctp/sctp_wmem")}, sctp_rmem ${
        sysctl("sctp/sctp_rmem")
      }, net.core.wmem_default ${sysctl("core/wmem_default")}, rmem_default ${
        sysctl("core/rmem_default")
      }, [rw]mem_max ${sysctl("core/rmem_max")}; Deno ${Deno.version.deno}${
        host ? "; host: " + host : ""
      }; ${new Date().toISOString().slice(0, 16)} UTC.`,
  );
}
const text = out.join("\n");
console.log(text);
const resultsFile = env("SCTP_BENCH_RESULTS");
if (resultsFile) {
  const mark = `<!-- ${env("SCTP_BENCH_RESULTS_MARK") ?? "bench:results"} -->`;
  const cur = Deno.readTextFileSync(resultsFile);
  const parts = cur.split(mark);
  if (parts.length === 3) {
    Deno.writeTextFileSync(
      resultsFile,
      [parts[0], `\n${text}\n`, parts[2]].join(mark),
    );
  } else console.error(`bench: no ${mark} pair in ${resultsFile}`);
}
const outFile = env("SCTP_BENCH_OUT");
if (outFile) {
  Deno.writeTextFileSync(
    outFile,
    JSON.stringify({
      date: new Date().toISOString(),
      elapsed,
      pair: pairResults,
      inproc: inprocResults,
      text,
    }),
  );
}
