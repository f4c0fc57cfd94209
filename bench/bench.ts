/**
 * The TypeScript side of the benchmark suite: our gen_sctp over Deno or Bun.
 *
 *   deno run -A bench/bench.ts tput size=64 count=1000 reps=3
 *   bun run bench/bench.ts rtt count=500 reps=3
 *
 * Same workloads, message format and output as bench/sctp_bench.c and
 * bench/sctp_bench.erl: one JSON line
 * `{"impl":"deno"|"bun","workload":..,"ok":..,"runs":[..]}` (with `step=1`,
 * after the stepped protocol's lines, see bench/step.ts). Both endpoints
 * live in this process: the server (receiver and checker) on the main thread,
 * the clients in a Worker (bench/client.ts), as the C baseline uses two
 * threads and Erlang two processes. The workload functions are exported for
 * tests/bench_smoke.test.ts.
 *
 * Message format: u32 LE seq, u32 LE tag (stream or client index), then
 * size-8 bytes of the pattern P[i] = (i*131+17) & 255 from offset
 * (seq+tag) & 255. Every message is checked: length, tag, per-tag sequence,
 * and the stream it arrived on (streams workload), and every payload byte.
 *
 * @module
 */
import process from "node:process";
import type { SctpSocket } from "../mod.ts";
import type { SctpSndRcvInfo } from "../src/records.ts";
import {
  BenchFailure,
  busyOpt,
  check,
  MAXSZ,
  now,
  open,
  recvData,
  recvOpts,
  SOCK_OPTS,
} from "./common.ts";
import { enableSteps, gate, keepAlive, report, stepping } from "./step.ts";

export { BenchFailure };

async function server(
  busyPoll?: number,
): Promise<{ s: SctpSocket; port: number }> {
  const s = await open({ ip: "127.0.0.1", ...SOCK_OPTS, ...busyOpt(busyPoll) });
  await s.listen(true);
  return { s, port: await s.port() };
}

/** The client side: a Worker running bench/client.ts. */
class ClientWorker {
  #w = new Worker(new URL("./client.ts", import.meta.url), { type: "module" });
  #queue: Record<string, unknown>[] = [];
  #wait: ((m: Record<string, unknown>) => void) | null = null;
  constructor() {
    this.#w.onmessage = (ev) => {
      if (this.#wait) {
        const w = this.#wait;
        this.#wait = null;
        w(ev.data);
      } else this.#queue.push(ev.data);
    };
  }
  post(m: unknown): void {
    this.#w.postMessage(m);
  }
  /** The next message from the worker (rejects on an error report). */
  async next(type: string): Promise<Record<string, unknown>> {
    const m = this.#queue.shift() ??
      await new Promise<Record<string, unknown>>((r) => this.#wait = r);
    if (m.type === "error") throw new BenchFailure(`client: ${m.error}`);
    if (m.type !== type) throw new Error(`client sent ${m.type}, not ${type}`);
    return m;
  }
  async close(): Promise<void> {
    try {
      this.post({ type: "close" });
      await this.next("closed");
    } finally {
      this.#w.terminate();
    }
  }
}

/** Receives `total` messages, checking each; resolves at the last one. */
async function receiver(
  s: SctpSocket,
  size: number,
  total: number,
  ntags: number,
  tagIsStream: boolean,
  into?: Uint8Array,
): Promise<number> {
  const next = new Uint32Array(ntags);
  const opts = recvOpts(into);
  for (let got = 0; got < total; got++) {
    const m = await recvData(s, opts);
    const d = m.data as Uint8Array;
    const tag = d.length >= 8
      ? new DataView(d.buffer, d.byteOffset, 8).getUint32(4, true)
      : 0;
    if (tag >= ntags) throw new BenchFailure(`bad tag ${tag}`);
    if (tagIsStream) {
      const st = (m.ancData[0] as SctpSndRcvInfo | undefined)?.stream;
      if (st !== tag) {
        throw new BenchFailure(`message of stream ${tag} arrived on ${st}`);
      }
    }
    check(d, size, next[tag], tag);
    next[tag]++;
  }
  return now();
}

/** The worker sends `count` messages over its clients (one tag each) or,
 * with one client, round-robin over `nstreams` streams; returns messages/s
 * at the receiver. */
async function oneway(
  srv: SctpSocket,
  cw: ClientWorker,
  nclients: number,
  nstreams: number,
  count: number,
  size: number,
  into?: Uint8Array,
): Promise<number> {
  const ntags = nclients > 1 ? nclients : nstreams;
  const rx = receiver(srv, size, count, ntags, nclients === 1, into);
  cw.post({ type: "send", nstreams, count, size });
  const t0 = (await cw.next("started")).t0 as number;
  const t1 = await rx;
  await cw.next("sent");
  return count / ((t1 - t0) / 1000);
}

/** One measurement of a workload. */
export type Run = Record<string, number>;
/** A workload's result: one entry per repetition, plus extras. */
export interface Result {
  runs: Run[];
  extra?: Record<string, number>;
}

/** Workload parameters (key=value on the command line). */
export type Params = Record<string, number>;

/** (1) one association, one stream, client to server; with `into=1` the
 * receiver reuses one buffer (RecvOptions.into), as the C program does. */
export function tput(p: Params): Promise<Result> {
  return oneStream(p, 1);
}

/** (4) many streams interleaved on one association. */
export function streams(p: Params): Promise<Result> {
  return oneStream(p, p.streams ?? 64);
}

async function oneStream(p: Params, nstreams: number): Promise<Result> {
  const size = p.size ?? 64, count = p.count ?? 1000;
  if (size < 8 || size > MAXSZ) throw new RangeError("bad size");
  const into = p.into === 1 ? new Uint8Array(size) : undefined;
  const { s, port } = await server(p.busy_poll);
  const cw = new ClientWorker();
  try {
    cw.post({ type: "init", port, nclients: 1, keepAlive: stepping() });
    await cw.next("ready");
    const runs: Run[] = [];
    for (let r = 0; r < (p.reps ?? 3); r++) {
      await gate();
      const mps = await oneway(s, cw, 1, nstreams, count, size, into);
      runs.push({ msgs_per_s: mps, mb_per_s: mps * size / 1e6 });
      report(runs[r]);
    }
    return { runs };
  } finally {
    await cw.close();
    await s.close();
  }
}

/** (2) ping-pong round trips. */
export async function rtt(p: Params): Promise<Result> {
  const size = p.size ?? 64, count = p.count ?? 1000, reps = p.reps ?? 3;
  const warm = Math.floor(count / 10) + 1;
  const busyPoll = p.busy_poll;
  const { s, port } = await server(busyPoll);
  const cw = new ClientWorker();
  try {
    cw.post({
      type: "init",
      port,
      nclients: 1,
      busyPoll,
      keepAlive: stepping(),
    });
    await cw.next("ready");
    const echo = (async () => {
      for (let i = 0; i < (count + warm) * reps; i++) {
        const m = await recvData(s);
        const info = m.ancData[0] as SctpSndRcvInfo;
        await s.send(
          { stream: info.stream, assoc_id: info.assoc_id },
          m.data as Uint8Array,
        );
      }
    })();
    let echoErr: unknown = null;
    echo.catch((e) => echoErr = e);
    const runs: Run[] = [];
    for (let r = 0; r < reps; r++) {
      await gate();
      cw.post({ type: "ping", count, warm, size });
      const m = await cw.next("pinged");
      if (echoErr) throw echoErr;
      runs.push({
        median_us: m.median_us as number,
        p99_us: m.p99_us as number,
      });
      report(runs[r]);
    }
    await echo;
    return { runs };
  } finally {
    await cw.close();
    await s.close();
  }
}

/** (3) many associations into one seqpacket server socket. */
export async function fanin(p: Params): Promise<Result> {
  const size = p.size ?? 64, n = p.assocs ?? 100, msgs = p.msgs ?? 10;
  const { s, port } = await server(p.busy_poll);
  const cw = new ClientWorker();
  try {
    // the worker (and its isolate) starts before the first RSS sample
    cw.post({ type: "init", port, nclients: 0, keepAlive: stepping() });
    await cw.next("ready");
    const rss0 = process.memoryUsage().rss;
    cw.post({ type: "init", port, nclients: n });
    await cw.next("ready");
    const rss1 = process.memoryUsage().rss;
    const runs: Run[] = [];
    for (let r = 0; r < (p.reps ?? 3); r++) {
      await gate();
      runs.push({ msgs_per_s: await oneway(s, cw, n, 1, n * msgs, size) });
      report(runs[r]);
    }
    return { runs, extra: { rss_per_assoc: (rss1 - rss0) / n } };
  } finally {
    await cw.close();
    await s.close();
  }
}

/** The workloads by name. */
export const workloads: Record<string, (p: Params) => Promise<Result>> = {
  tput,
  rtt,
  fanin,
  streams,
};

async function main(args: string[]): Promise<number> {
  const impl = typeof (globalThis as { Bun?: unknown }).Bun !== "undefined"
    ? "bun"
    : "deno";
  const [w, ...kv] = args;
  const f = workloads[w];
  if (!f) {
    console.error("usage: bench.ts tput|rtt|fanin|streams key=value...");
    return 2;
  }
  const params: Params = {};
  for (const a of kv) {
    const [k, v] = a.split("=");
    params[k] = Number(v);
  }
  const out: Record<string, unknown> = { impl, workload: w };
  try {
    if (params.step === 1) {
      enableSteps();
      await keepAlive();
    }
    const r = await f(params);
    Object.assign(out, { runs: r.runs, ok: true }, r.extra ?? {});
  } catch (e) {
    Object.assign(out, {
      runs: [],
      ok: false,
      error: e instanceof Error ? e.message : String(e),
    });
  }
  console.log(JSON.stringify(out));
  return out.ok ? 0 : 1;
}

if (import.meta.main) {
  process.exit(await main(process.argv.slice(2)));
}
