/**
 * The benchmark orchestrator: builds the C and Erlang baselines, runs every
 * workload under Deno, Bun, C and Erlang, and prints one markdown table of
 * medians and ratios. Per cell, one process per implementation, driven with
 * the stepped protocol of bench/step.ts: their repetitions are interleaved
 * one at a time (see runCell), and a ratio is the median over the cycles of
 * the ratio within each cycle. Must run on a kernel with SCTP: `scripts/bench` runs it
 * inside the VM (`deno task bench`).
 *
 * Environment:
 *   SCTP_BENCH_IMPLS="deno bun c erlang"   implementations to run
 *   SCTP_BENCH_ONLY=tput64,rtt              cells to run (ids below)
 *   SCTP_BENCH_REPS=5                       repetitions (median reported)
 *   SCTP_BENCH_WARMUP=2                     leading cycles dropped (JIT
 *                                           warm-up)
 *   SCTP_BENCH_SCALE=1                      multiplies message counts
 *   SCTP_BENCH_OUT=FILE                     also write the raw results (JSON)
 *
 * @module
 */
import { createHash } from "node:crypto";
import { CC_FLAGS } from "./cflags.ts";
import { median, medianInterval } from "./stats.ts";

const root = new URL("..", import.meta.url).pathname.replace(/\/$/, "");
const env = (k: string) => Deno.env.get(k);
const reps = Number(env("SCTP_BENCH_REPS") ?? 5);
const warmup = Number(env("SCTP_BENCH_WARMUP") ?? 2);
const scale = Number(env("SCTP_BENCH_SCALE") ?? 1);
const impls = (env("SCTP_BENCH_IMPLS") ?? "deno bun c erlang").split(/[\s,]+/)
  .filter(Boolean);
const only = env("SCTP_BENCH_ONLY")?.split(/[\s,]+/).filter(Boolean);

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
const CELLS: Cell[] = [
  ...[[64, 20000], [1024, 16000], [16384, 4000], [65536, 1000]].map((
    [size, count],
  ) => ({
    id: `tput${size >= 1024 ? size / 1024 + "k" : size}`,
    label: `1:N one assoc, ${
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
    id: `tput64k${id}`,
    label: `1:N one assoc, 64 KiB, ${what} (msg/s · MB/s)`,
    workload: "tput",
    params: { size: 65536, count: n(1000), ...extra },
    metrics: ["msgs_per_s", "mb_per_s"],
    unit: "",
  })),
  {
    id: "rtt",
    label: "ping-pong 64 B, median RTT (µs)",
    workload: "rtt",
    params: { size: 64, count: n(6000) },
    metrics: ["median_us"],
    unit: "",
    lowerIsBetter: true,
  },
  {
    id: "rtt",
    label: "ping-pong 64 B, p99 RTT (µs)",
    workload: "rtt",
    params: { size: 64, count: n(6000) },
    metrics: ["p99_us"],
    unit: "",
    lowerIsBetter: true,
  },
  ...["median", "p99"].map((stat) => ({
    id: "rttbusy",
    label: `ping-pong 64 B, ${stat} RTT, busy_poll 2 ms (µs)`,
    workload: "rtt",
    params: { size: 64, count: n(6000), busy_poll: 2000 },
    metrics: [`${stat}_us`],
    unit: "",
    lowerIsBetter: true,
  })),
  ...[[100, 100], [1000, 10]].map(([assocs, msgs]) => ({
    id: `fanin${assocs}`,
    label: `fan-in ${assocs} assocs, 64 B (msg/s)`,
    workload: "fanin",
    params: { assocs, msgs: n(msgs), size: 64 },
    metrics: ["msgs_per_s"],
    unit: "",
  })),
  ...[100, 1000].map((assocs) => ({
    id: `fanin${assocs}`,
    label: `fan-in ${assocs} assocs, memory per assoc (bytes)`,
    workload: "fanin",
    params: { assocs, msgs: n(assocs === 100 ? 100 : 10), size: 64 },
    metrics: ["rss_per_assoc"],
    unit: "",
    lowerIsBetter: true,
  })),
  {
    id: "streams",
    label: "64 streams interleaved, 1 KiB (msg/s)",
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

function command(impl: string, dir: string, args: string[]): string[] {
  switch (impl) {
    case "deno":
      return [
        `${root}/node_modules/.bin/deno`,
        "run",
        "-A",
        `${root}/bench/bench.ts`,
        ...args,
      ];
    case "bun":
      return [
        `${root}/node_modules/.bin/bun`,
        "run",
        `${root}/bench/bench.ts`,
        ...args,
      ];
    case "c":
      return [`${dir}/sctp_bench`, ...args];
    case "erlang":
      return [
        "erl",
        "-noshell",
        "-pa",
        dir,
        "-run",
        "sctp_bench",
        "main",
        ...args,
      ];
  }
  throw new Error(`unknown impl ${impl}`);
}

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
  const rs: number[] = [];
  if (!a?.ok || !b?.ok) return rs;
  for (let i = 0; i < Math.min(a.runs.length, b.runs.length); i++) {
    const x = a.runs[i][metric], y = b.runs[i][metric];
    if (typeof x === "number" && typeof y === "number" && y !== 0) {
      rs.push(x / y);
    }
  }
  return rs;
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
    return b[metric] === 0
      ? undefined
      : (a[metric] as number) / (b[metric] as number);
  }
  return rs.length ? median(rs) : undefined;
}

function value(o: Outcome | undefined, metric: string): number | undefined {
  if (!o || !o.ok) return undefined;
  if (typeof o[metric] === "number") return o[metric] as number;
  const xs = o.runs.map((r) => r[metric]).filter((x) => typeof x === "number");
  return xs.length ? median(xs) : undefined;
}

function fmt(x: number): string {
  if (x >= 100) return Math.round(x).toLocaleString("en-US");
  if (x >= 1) return x.toFixed(1);
  return x.toFixed(3);
}

const dir = cacheDir();
build(dir);
const results: Record<string, Record<string, Outcome>> = {};
const t0 = Date.now();
const runIds = [...new Set(CELLS.map((c) => c.id))].filter((id) =>
  !only || only.includes(id)
);
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
async function runCell(
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
    const p = new Stepped(command(impl, dir, args));
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

for (const id of runIds) {
  results[id] = await runCell(id, CELLS.find((c) => c.id === id)!);
}

// ---- the table ----
const ratioPairs = [["deno", "c"], ["bun", "c"], ["deno", "erlang"], [
  "bun",
  "erlang",
]].filter(([a, b]) => impls.includes(a) && impls.includes(b));
const label = (i: string) =>
  ({ deno: "Deno", bun: "Bun", c: "C", erlang: "Erlang" })[i] ?? i;
const pairLabels = ratioPairs.map(([a, b]) => `${label(a)}/${label(b)}`);
const head = ["workload", ...impls.map(label), ...pairLabels];
const lines = [
  `| ${head.join(" | ")} |`,
  `|${head.map((_, i) => i === 0 ? "---" : "---:").join("|")}|`,
];
// How far each ratio can be trusted: the 95% interval of the median of the
// within-cycle ratios (bench/stats.ts). On a machine whose speed moves by
// half within seconds, a ratio from 15 cycles is good to about +-0.1, which
// the table alone does not show.
const intervals = [
  `| workload | ${pairLabels.join(" | ")} |`,
  `|---|${pairLabels.map(() => "---:").join("|")}|`,
];
for (const cell of CELLS) {
  if (!results[cell.id]) continue;
  const r = results[cell.id];
  const cells = impls.map((i) => {
    const o = r[i];
    if (!o || !o.ok) {
      const why = (o?.error ?? "did not run").replace(/\|/g, "/").slice(0, 40);
      return `FAIL (${why})`;
    }
    return cell.metrics.map((m) => {
      const v = value(o, m);
      return v === undefined ? "?" : fmt(v);
    }).join(" · ");
  });
  const ratios: string[] = [], ivs: string[] = [];
  for (const [a, b] of ratioPairs) {
    const rs = cycleRatios(r[a], r[b], cell.metrics[0]);
    const q = ratio(r[a], r[b], cell.metrics[0], rs);
    ratios.push(q === undefined ? "–" : q.toFixed(2));
    const iv = medianInterval(rs);
    ivs.push(iv ? `${iv[0].toFixed(2)}–${iv[1].toFixed(2)}` : "–");
  }
  lines.push(`| ${[cell.label, ...cells, ...ratios].join(" | ")} |`);
  if (ivs.some((c) => c !== "–")) {
    intervals.push(`| ${[cell.label, ...ivs].join(" | ")} |`);
  }
}
console.log(lines.join("\n"));
if (intervals.length > 2) {
  console.log(
    `\nRatios' 95% confidence intervals (distribution-free, for the median of the within-cycle ratios):\n`,
  );
  console.log(intervals.join("\n"));
}
console.log(
  `\n${reps} runs each, interleaved: cycle i runs every implementation's run i back to back (rotating order), after ${warmup} warm-up cycle(s); medians shown. ` +
    `Ratios: the median over the cycles of the ratio within a cycle, first metric; for RTT ` +
    `and memory lower is better (a ratio above 1 means slower/larger). ` +
    `Total ${
      ((Date.now() - t0) / 1000).toFixed(0)
    } s on ${Deno.build.target}, kernel ${Deno.osRelease()}${
      env("SCTP_VM_GUEST") === "1" ? " (qemu TCG VM)" : ""
    }.`,
);
const out = env("SCTP_BENCH_OUT");
if (out) {
  Deno.writeTextFileSync(
    out,
    JSON.stringify({
      date: new Date().toISOString(),
      results,
      table: lines,
      intervals,
    }),
  );
}
