/**
 * The benchmark orchestrator: builds the C and Erlang baselines, runs every
 * workload under Deno, Bun, C and Erlang, and prints one markdown table of
 * medians and ratios. Must run on a kernel with SCTP: `scripts/bench` runs it
 * inside the VM (`deno task bench`).
 *
 * Environment:
 *   SCTP_BENCH_IMPLS="deno bun c erlang"   implementations to run
 *   SCTP_BENCH_ONLY=tput64,rtt              cells to run (ids below)
 *   SCTP_BENCH_REPS=5                       repetitions (median reported)
 *   SCTP_BENCH_WARMUP=2                     leading runs dropped (JIT warm-up)
 *   SCTP_BENCH_ROUNDS=5                     the repetitions are split into
 *                                           this many rounds, each running
 *                                           every implementation (rotating
 *                                           order); warm-up in each process
 *   SCTP_BENCH_SCALE=1                      multiplies message counts
 *   SCTP_BENCH_OUT=FILE                     also write the raw results (JSON)
 *
 * @module
 */
import { createHash } from "node:crypto";

const root = new URL("..", import.meta.url).pathname.replace(/\/$/, "");
const env = (k: string) => Deno.env.get(k);
const reps = Number(env("SCTP_BENCH_REPS") ?? 5);
const warmup = Number(env("SCTP_BENCH_WARMUP") ?? 2);
const rounds = Math.max(
  1,
  Math.min(Number(env("SCTP_BENCH_ROUNDS") ?? 5), reps),
);
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
  {
    // a receiver that spins instead of sleeping between messages (C and
    // Erlang ignore busy_poll: their receivers block in the kernel)
    id: "tput64kbusy",
    label: "1:N one assoc, 64 KiB, busy_poll 2 ms (msg/s · MB/s)",
    workload: "tput",
    params: { size: 65536, count: n(1000), busy_poll: 2000 },
    metrics: ["msgs_per_s", "mb_per_s"],
    unit: "",
  },
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
        "-O2",
        "-Wall",
        "-Wextra",
        "-Werror",
        "-pthread",
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

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
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
/** One process of `impl` running `cell` for `n` measured repetitions. */
function runOnce(impl: string, cell: Cell, n: number): Outcome {
  const args = [
    cell.workload,
    ...Object.entries({ ...cell.params, reps: n + warmup }).map((
      [k, v],
    ) => `${k}=${v}`),
  ];
  let o: Outcome;
  try {
    const r = sh(command(impl, dir, args), 300_000);
    const line = r.stdout.trim().split("\n").filter((l) => l.startsWith("{"))
      .pop();
    o = line ? JSON.parse(line) : {
      ok: false,
      runs: [],
      error: `exit ${r.code}: ${r.stderr.trim().split("\n").pop() ?? ""}`,
    };
  } catch (e) {
    o = { ok: false, runs: [], error: String(e) };
  }
  // the first runs warm up JITs and caches; every impl drops as many
  if (o.ok) o.runs = o.runs.slice(warmup);
  return o;
}

/**
 * The rounds of one implementation as one outcome: all repetitions, failed
 * if any round failed, and per-process figures (memory per association) as
 * the median over the rounds.
 */
function merge(os: Outcome[]): Outcome {
  const bad = os.find((o) => !o.ok);
  if (bad) return bad;
  const out: Outcome = { ...os[0], runs: os.flatMap((o) => o.runs) };
  for (const [k, v] of Object.entries(os[0])) {
    if (typeof v === "number") out[k] = median(os.map((o) => o[k] as number));
  }
  return out;
}

for (const id of runIds) {
  const cell = CELLS.find((c) => c.id === id)!;
  const got: Record<string, Outcome[]> = {};
  // The repetitions are split into rounds, and every round runs each
  // implementation once, the order rotating: the host's slow phases (a
  // shared machine, an emulated kernel) then fall on every implementation
  // alike instead of on whichever ran during them.
  for (let round = 0; round < rounds; round++) {
    const n = Math.floor(reps / rounds) + (round < reps % rounds ? 1 : 0);
    for (let k = 0; k < impls.length; k++) {
      const impl = impls[(k + round) % impls.length];
      if (got[impl]?.some((o) => !o.ok)) continue; // failed: not again
      const t = Date.now();
      const o = runOnce(impl, cell, n);
      (got[impl] ??= []).push(o);
      console.error(
        `bench: ${id} ${impl} round ${round + 1}/${rounds} ${
          ((Date.now() - t) / 1000).toFixed(1)
        }s ${o.ok ? JSON.stringify(o.runs) : "FAILED: " + o.error}`,
      );
    }
  }
  results[id] = {};
  for (const impl of impls) results[id][impl] = merge(got[impl]);
}

// ---- the table ----
const ratioPairs = [["deno", "c"], ["bun", "c"], ["deno", "erlang"], [
  "bun",
  "erlang",
]].filter(([a, b]) => impls.includes(a) && impls.includes(b));
const label = (i: string) =>
  ({ deno: "Deno", bun: "Bun", c: "C", erlang: "Erlang" })[i] ?? i;
const head = [
  "workload",
  ...impls.map(label),
  ...ratioPairs.map(([a, b]) => `${label(a)}/${label(b)}`),
];
const lines = [
  `| ${head.join(" | ")} |`,
  `|${head.map((_, i) => i === 0 ? "---" : "---:").join("|")}|`,
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
  const ratios = ratioPairs.map(([a, b]) => {
    const x = value(r[a], cell.metrics[0]), y = value(r[b], cell.metrics[0]);
    if (x === undefined || y === undefined || y === 0) return "–";
    return (x / y).toFixed(2);
  });
  lines.push(`| ${[cell.label, ...cells, ...ratios].join(" | ")} |`);
}
console.log(lines.join("\n"));
console.log(
  `\n${reps} runs each (in ${rounds} rounds, each process after ${warmup} warm-up run(s)), median shown. Ratios use the first metric; for RTT ` +
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
    JSON.stringify({ date: new Date().toISOString(), results, table: lines }),
  );
}
