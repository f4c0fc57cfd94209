/**
 * The TypeScript side of the benchmark suite: our gen_sctp over Deno or Bun.
 *
 *   deno run -A bench/bench.ts tput size=64 count=1000 reps=3
 *   bun run bench/bench.ts rtt count=500 reps=3
 *
 * Same workloads, message format and output as bench/sctp_bench.c and
 * bench/sctp_bench.erl: one JSON line
 * `{"impl":"deno"|"bun","workload":..,"ok":..,"runs":[..]}`. Both endpoints
 * live in this process (one event loop). The workload functions are exported
 * for tests/bench_smoke.test.ts.
 *
 * Message format: u32 LE seq, u32 LE tag (stream or client index), then
 * size-8 bytes of the pattern P[i] = (i*131+17) & 255 from offset
 * (seq+tag) & 255. Every message is checked: length, tag, per-tag sequence,
 * and the stream it arrived on (streams workload), and every payload byte.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import process from "node:process";
import { open, type SctpMessage, type SctpSocket } from "../mod.ts";
import type { SctpAssocChange, SctpSndRcvInfo } from "../src/records.ts";

const MAXSZ = 65536;
const BUFSZ = 1 << 20;
const P = new Uint8Array(MAXSZ + 256);
for (let i = 0; i < P.length; i++) P[i] = (i * 131 + 17) & 255;
const PB = Buffer.from(P.buffer, P.byteOffset, P.byteLength);

/** A wrong, lost or reordered message. */
export class BenchFailure extends Error {}

/** Socket options used by every implementation of the suite. */
const SOCK_OPTS = {
  sctp_nodelay: true,
  recbuf: BUFSZ,
  sndbuf: BUFSZ,
  sctp_initmsg: { num_ostreams: 64, max_instreams: 64 },
};

function fill(m: Uint8Array, dv: DataView, seq: number, tag: number): void {
  dv.setUint32(0, seq, true);
  dv.setUint32(4, tag, true);
  const off = (seq + tag) & 255;
  m.set(P.subarray(off, off + m.length - 8), 8);
}

function check(
  d: Uint8Array,
  size: number,
  seq: number,
  tag: number,
): void {
  if (d.length !== size) {
    throw new BenchFailure(`length ${d.length}, expected ${size}`);
  }
  const dv = new DataView(d.buffer, d.byteOffset, d.byteLength);
  const s = dv.getUint32(0, true), t = dv.getUint32(4, true);
  if (t !== tag) throw new BenchFailure(`tag ${t}, expected ${tag}`);
  if (s !== seq) {
    throw new BenchFailure(`tag ${tag}: seq ${s}, expected ${seq}`);
  }
  const off = (seq + tag) & 255;
  const body = Buffer.from(d.buffer, d.byteOffset + 8, size - 8);
  if (!body.equals(PB.subarray(off, off + size - 8))) {
    throw new BenchFailure(`tag ${tag} seq ${seq}: corrupt payload`);
  }
}

async function server(): Promise<{ s: SctpSocket; port: number }> {
  const s = await open({ ip: "127.0.0.1", ...SOCK_OPTS });
  await s.listen(true);
  return { s, port: await s.port() };
}

interface Client {
  s: SctpSocket;
  assoc: SctpAssocChange;
}

async function client(port: number): Promise<Client> {
  const s = await open(SOCK_OPTS);
  const assoc = await s.connect("127.0.0.1", port);
  return { s, assoc };
}

/** Receives the next data message (skipping events). */
async function recvData(s: SctpSocket): Promise<SctpMessage> {
  for (;;) {
    const m = await s.recv(60000);
    if (m.data instanceof Uint8Array) return m;
  }
}

/** Receives `total` messages, checking each; resolves at the last one. */
async function receiver(
  s: SctpSocket,
  size: number,
  total: number,
  ntags: number,
  tagIsStream: boolean,
): Promise<number> {
  const next = new Uint32Array(ntags);
  for (let got = 0; got < total; got++) {
    const m = await recvData(s);
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
  return performance.now();
}

/** Sends `count` messages over the clients (one tag each) or, with one
 * client, round-robin over `nstreams` streams; returns messages/s. */
async function oneway(
  srv: SctpSocket,
  clients: Client[],
  nstreams: number,
  count: number,
  size: number,
): Promise<number> {
  const nc = clients.length;
  const ntags = nc > 1 ? nc : nstreams;
  const rx = receiver(srv, size, count, ntags, nc === 1);
  let rxErr: unknown = null;
  rx.catch((e) => rxErr = e);
  const buf = new Uint8Array(size);
  const dv = new DataView(buf.buffer);
  const seq = new Uint32Array(ntags);
  const t0 = performance.now();
  for (let i = 0; i < count && rxErr === null; i++) {
    const tag = i % ntags;
    const c = nc > 1 ? clients[tag] : clients[0];
    fill(buf, dv, seq[tag]++, tag);
    await c.s.send(c.assoc, nc > 1 ? 0 : tag, buf);
  }
  const t1 = await rx;
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

/** (1) one association, one stream, client to server. */
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
  const { s, port } = await server();
  const c = await client(port);
  try {
    const runs: Run[] = [];
    for (let r = 0; r < (p.reps ?? 3); r++) {
      const mps = await oneway(s, [c], nstreams, count, size);
      runs.push({ msgs_per_s: mps, mb_per_s: mps * size / 1e6 });
    }
    return { runs };
  } finally {
    await c.s.close();
    await s.close();
  }
}

/** (2) ping-pong round trips. */
export async function rtt(p: Params): Promise<Result> {
  const size = p.size ?? 64, count = p.count ?? 1000, reps = p.reps ?? 3;
  const warm = Math.floor(count / 10) + 1;
  const { s, port } = await server();
  const c = await client(port);
  try {
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
    const buf = new Uint8Array(size);
    const dv = new DataView(buf.buffer);
    const lat = new Float64Array(count);
    const runs: Run[] = [];
    let seq = 0;
    for (let r = 0; r < reps; r++) {
      for (let i = 0; i < count + warm; i++) {
        if (echoErr) throw echoErr;
        fill(buf, dv, seq, 0);
        const t0 = performance.now();
        await c.s.send(c.assoc, 0, buf);
        const m = await recvData(c.s);
        const t1 = performance.now();
        check(m.data as Uint8Array, size, seq, 0);
        seq++;
        if (i >= warm) lat[i - warm] = (t1 - t0) * 1000;
      }
      lat.sort();
      runs.push({
        median_us: lat[count >> 1],
        p99_us: lat[Math.floor(count * 0.99)],
      });
    }
    await echo;
    return { runs };
  } finally {
    await c.s.close();
    await s.close();
  }
}

/** (3) many associations into one seqpacket server socket. */
export async function fanin(p: Params): Promise<Result> {
  const size = p.size ?? 64, n = p.assocs ?? 100, msgs = p.msgs ?? 10;
  const { s, port } = await server();
  const clients: Client[] = [];
  try {
    const rss0 = process.memoryUsage().rss;
    // connect in parallel batches (all at once would overrun the backlog)
    for (let i = 0; i < n; i += 50) {
      const batch = [];
      for (let j = i; j < Math.min(n, i + 50); j++) batch.push(client(port));
      clients.push(...await Promise.all(batch));
    }
    const rss1 = process.memoryUsage().rss;
    const runs: Run[] = [];
    for (let r = 0; r < (p.reps ?? 3); r++) {
      runs.push({ msgs_per_s: await oneway(s, clients, 1, n * msgs, size) });
    }
    return { runs, extra: { rss_per_assoc: (rss1 - rss0) / n } };
  } finally {
    for (const c of clients) await c.s.close();
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
