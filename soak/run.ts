/**
 * The soak orchestrator: for each runtime, starts soak/server.ts and
 * soak/client.ts as two processes of that runtime, prints their samples (RSS,
 * memoryUsage fields, fds, message counts) as they come, checks both verdicts
 * and that each side received exactly what the other sent, and prints a
 * summary. Exit status 1 on any loss, corruption or failure. Needs a kernel
 * with SCTP (scripts/soak runs it in the VM when the host has none).
 *
 *   deno run -A soak/run.ts [--minutes M | --seconds S] [--runtimes deno,bun]
 *     [--seed N] [--interval S] [--into]      (or: bun soak/run.ts ...)
 *
 * Environment: SOAK_MINUTES, SOAK_RUNTIMES, SOAK_SEED, SOAK_INTERVAL,
 * SOAK_SIZES=uniform (1 B..64 KiB uniform; default log-uniform), SOAK_INTO=1,
 * SOAK_HOLD=N (keep the last N received messages referenced),
 * SOAK_MALLOC_TRIM=1, SOAK_MALLOC_STATS=1, SOAK_OUT (JSON file),
 * SOAK_DENO_FLAGS / SOAK_BUN_FLAGS (extra runtime flags of the processes);
 * the children inherit the environment (e.g. MALLOC_ARENA_MAX).
 *
 * @module
 */
import { type ChildProcess, spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import process from "node:process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import {
  formatSample,
  mb,
  type SampleLine,
  summarize,
  type Summary,
} from "./summary.ts";

const root = fileURLToPath(new URL("..", import.meta.url));
const here = (f: string) => fileURLToPath(new URL(f, import.meta.url));

/** Run settings from arguments, then SOAK_* variables. */
function settings() {
  const a = process.argv.slice(2);
  const arg = (k: string) => {
    const i = a.indexOf(`--${k}`);
    return i >= 0 ? a[i + 1] : undefined;
  };
  const env = process.env;
  const minutes = Number(arg("minutes") ?? env.SOAK_MINUTES ?? 1);
  const seconds = Number(arg("seconds") ?? minutes * 60);
  const runtimes = (arg("runtimes") ?? env.SOAK_RUNTIMES ?? "deno,bun")
    .split(/[ ,]+/).filter(Boolean);
  for (const r of runtimes) {
    if (r !== "deno" && r !== "bun") throw new Error(`unknown runtime ${r}`);
  }
  if (!(seconds > 0)) throw new Error("--minutes/--seconds: want > 0");
  return {
    seconds,
    runtimes,
    seed: Number(arg("seed") ?? env.SOAK_SEED ?? Date.now() % 1e9) >>> 0,
    interval: Number(arg("interval") ?? env.SOAK_INTERVAL ?? 30),
    into: a.includes("--into") || env.SOAK_INTO === "1",
  };
}

type Line = Record<string, unknown>;
interface Proc {
  who: string;
  child: ChildProcess;
  samples: SampleLine[];
  final: Line | null;
  exit: Promise<number | null>;
  port: Promise<number>;
}

/** Starts one soak process and follows its output. */
function start(
  rt: string,
  file: string,
  args: string[],
  who: string,
  env: NodeJS.ProcessEnv,
): Proc {
  const bin = `${root}node_modules/.bin/${rt}`;
  // extra runtime flags, e.g. SOAK_DENO_FLAGS="--v8-flags=--max-semi-space-size=1"
  const flags = (process.env[`SOAK_${rt.toUpperCase()}_FLAGS`] ?? "").split(" ")
    .filter(Boolean);
  const argv = rt === "deno"
    ? ["run", "-A", ...flags, here(file), ...args]
    : [...flags, here(file), ...args];
  const child = spawn(bin, argv, { env, stdio: ["ignore", "pipe", "pipe"] });
  let gotPort: (p: number) => void = () => {};
  const p: Proc = {
    who,
    child,
    samples: [],
    final: null,
    exit: new Promise((res) => child.on("exit", (c) => res(c))),
    port: new Promise((res) => (gotPort = res)),
  };
  createInterface({ input: child.stdout! }).on("line", (l) => {
    let m: Line;
    try {
      m = JSON.parse(l);
    } catch {
      return console.log(`${who}| ${l}`);
    }
    if (m.type === "port") gotPort(m.port as number);
    else if (m.type === "sample") {
      p.samples.push(m as unknown as SampleLine);
      console.log(formatSample(who, m as unknown as SampleLine));
    } else if (m.type === "final") p.final = m;
  });
  createInterface({ input: child.stderr! }).on(
    "line",
    (l) => console.log(`${who}! ${l}`),
  );
  return p;
}

/** Waits for `p` to exit, killing it after `ms`. */
async function finish(p: Proc, ms: number): Promise<number | null> {
  let timer = 0 as unknown as ReturnType<typeof setTimeout>;
  const t = new Promise<"timeout">((
    res,
  ) => (timer = setTimeout(() => res("timeout"), ms)));
  const r = await Promise.race([p.exit, t]);
  clearTimeout(timer);
  if (r !== "timeout") return r;
  console.log(`${p.who}: still running after the grace time: killed`);
  p.child.kill("SIGKILL");
  await p.exit;
  return null;
}

/** One runtime's soak: its verdict, problems and per-process summaries. */
async function soakOne(rt: string, cfg: ReturnType<typeof settings>) {
  const env = {
    ...process.env,
    NO_COLOR: "1",
    SOAK_SEED: String(cfg.seed),
    SOAK_SECONDS: String(cfg.seconds),
    SOAK_INTERVAL: String(cfg.interval),
    SOAK_INTO: cfg.into ? "1" : "0",
  };
  console.log(
    `=== ${rt}: ${cfg.seconds}s, seed ${cfg.seed}, 8 streams, 1 B..64 KiB ${
      process.env.SOAK_SIZES === "uniform" ? "uniform" : "log-uniform"
    }${cfg.into ? ", recv into" : ""}`,
  );
  const server = start(rt, "server.ts", [], `[${rt} server]`, env);
  const port = await Promise.race([server.port, server.exit.then(() => 0)]);
  const problems: string[] = [];
  const procs = [server];
  if (port > 0) {
    procs.push(start(rt, "client.ts", [String(port)], `[${rt} client]`, env));
  } else problems.push("server exited before listening");
  const grace = (cfg.seconds + 300) * 1000;
  const codes = await Promise.all(procs.map((p) => finish(p, grace)));
  procs.forEach((p, i) => {
    if (codes[i] !== 0) problems.push(`${p.who} exit status ${codes[i]}`);
    if (!p.final) problems.push(`${p.who} no final report`);
    else if (!p.final.ok) {
      problems.push(`${p.who} errors: ${JSON.stringify(p.final.errorList)}`);
    }
  });
  const [sv, cl] = procs.map((p) => p.final);
  if (sv && cl) {
    if (JSON.stringify(cl.sent) !== JSON.stringify(sv.received)) {
      problems.push("server received != client sent");
    }
    if (JSON.stringify(sv.sent) !== JSON.stringify(cl.received)) {
      problems.push("client received != server sent");
    }
  }
  const sums: Record<string, Summary & Line> = {};
  for (const p of procs) {
    if (p.samples.length === 0) continue;
    sums[p.who] = { ...summarize(p.samples, cfg.seconds), ...(p.final ?? {}) };
    delete sums[p.who].type;
  }
  return { rt, ok: problems.length === 0, problems, sums };
}

const cfg = settings();
const results = [];
for (const rt of cfg.runtimes) results.push(await soakOne(rt, cfg));
console.log("\n=== summary (RSS in MB; slope over the second half in MB/min)");
console.log(
  "process            msgs sent/recv    MB sent/recv   errors  rss start/half/end  slope2  range2  fds start/end  verdict",
);
for (const r of results) {
  for (const [who, s] of Object.entries(r.sums)) {
    console.log(
      `${who.padEnd(16)} ${String(s.sentMsgs)}/${s.recvMsgs}`.padEnd(36) +
        `${mb(Number(s.sentBytes))}/${mb(Number(s.recvBytes))}`.padEnd(15) +
        `${s.errors ?? "?"}`.padEnd(8) +
        `${mb(s.rssStart)}/${mb(s.rssHalf)}/${mb(s.rssEnd)}`.padEnd(20) +
        `${s.slope2MBperMin.toFixed(2)}`.padEnd(8) +
        `${mb(s.range2)}`.padEnd(8) +
        `${s.fdsStart}/${s.fdsEnd}`.padEnd(15) + (r.ok ? "PASS" : "FAIL"),
    );
  }
  for (const p of r.problems) console.log(`  ${r.rt}: ${p}`);
}
if (process.env.SOAK_OUT) {
  writeFileSync(
    process.env.SOAK_OUT,
    JSON.stringify({ cfg, results }, null, 2),
  );
}
const ok = results.every((r) => r.ok);
console.log(`verdict: ${ok ? "PASS" : "FAIL"}`);
process.exitCode = ok ? 0 : 1;
