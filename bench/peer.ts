/**
 * One endpoint of a separate-process benchmark cell: this library under
 * Deno or Bun, as a server or a client process (bench/run.ts starts two).
 *
 *   deno run -A bench/peer.ts tput role=server recbuf=1048576
 *   bun bench/peer.ts tput role=client port=PORT size=65536 count=600
 *
 * The same protocol as the separate-process mode of bench/sctp_bench.c and
 * bench/sctp_bench.erl (see the comment there): the server prints
 * `{"ready":1,"port":P}`, the client `{"ready":1}`; each `go` line on the
 * client's stdin runs one repetition, each side reports it as
 * `{"rep":{..}}` (tput and fanin: the client's `t0` and the server's `t1`,
 * wall-clock milliseconds, the orchestrator computes the rate), and
 * `close` (or the end of stdin) closes the client's sockets and exits; a
 * fanin server closes on `close` too. Failures print
 * `{"ok":false,"error":..}` and exit 1.
 *
 * Options as a user sets them: `sndbuf=`/`recbuf=` only when non-zero (0:
 * not set, so the kernel's and this library's defaults), `busy_poll=` (µs)
 * only when given, `into=1` receives with `recv({ into })` (one reused
 * buffer), else plain `recv()`.
 *
 * @module
 */
import process from "node:process";
import { createInterface } from "node:readline";
import type {
  RecvOptions,
  SctpAssocChange,
  SctpMessage,
  SctpSocket,
} from "../mod.ts";
import type { SctpSndRcvInfo } from "../src/records.ts";
import { BenchFailure, check, fill, MAXSZ, now, open } from "./common.ts";
import { keepAlive } from "./step.ts";

/** The end-of-repetition marker's tag (an 8-byte message; seq = count). */
const MARK = 0xffffffff;

type Params = Record<string, number>;

function parse(args: string[]): { w: string; p: Params; role: string } {
  const [w, ...kv] = args;
  const p: Params = {};
  let role = "";
  for (const a of kv) {
    const [k, v] = a.split("=");
    if (k === "role") role = v;
    else p[k] = Number(v);
  }
  return { w, p, role };
}

/** Socket options of a role: buffers only when set, 64 streams, nodelay. */
function sockOpts(p: Params): Record<string, unknown> {
  const o: Record<string, unknown> = {
    sctp_nodelay: true,
    sctp_initmsg: { num_ostreams: 64, max_instreams: 64 },
  };
  if (p.sndbuf > 0) o.sndbuf = p.sndbuf;
  if (p.recbuf > 0) o.recbuf = p.recbuf;
  if (p.busy_poll !== undefined) o.busy_poll = p.busy_poll;
  return o;
}

/** Set while a fanin server closes (its pending recv then rejects). */
let closing = false;

const say = (o: unknown) => process.stdout.write(JSON.stringify(o) + "\n");

/** stdin lines (the orchestrator's `go` / `close`); null at its end. */
function stdinLines(): () => Promise<string | null> {
  const it = createInterface({ input: process.stdin })[Symbol.asyncIterator]();
  return async () => {
    const r = await it.next();
    return r.done ? null : String(r.value).trim();
  };
}

function rss(): number {
  return process.memoryUsage().rss;
}

/**
 * Live memory after a full collection: the JS heap in use plus external
 * memory (Deno's `gc` needs `--v8-flags=--expose-gc`, which bench/run.ts
 * passes; it changes nothing else). Compared with Erlang's
 * `erlang:memory(total)` after collecting every process: each runtime's own
 * count of what it holds, without the heap sizing that RSS also shows.
 */
function live(): number {
  const g = globalThis as { gc?: () => void; Bun?: { gc(f: boolean): void } };
  if (g.Bun) g.Bun.gc(true);
  else if (g.gc) {
    g.gc();
    g.gc();
  } else return NaN;
  const m = process.memoryUsage();
  return m.heapUsed + m.external;
}

const isData = (m: SctpMessage) => m.data instanceof Uint8Array;

async function server(w: string, p: Params): Promise<void> {
  const rss0 = rss();
  const live0 = w === "fanin" ? live() : 0;
  const s = await open({ ip: "127.0.0.1", ...sockOpts(p) });
  await s.listen(true);
  say({ ready: 1, port: await s.port() });
  const opts: RecvOptions | undefined = p.into === 1
    ? { into: new Uint8Array(Math.max(p.size ?? 64, 65536)) }
    : undefined;
  const recv = () => opts ? s.recv(opts) : s.recv();
  if (w === "rtt") {
    for (;;) {
      const m = await recv();
      if (!isData(m)) continue;
      const info = m.ancData[0] as SctpSndRcvInfo;
      await s.send(
        { stream: info.stream, assoc_id: info.assoc_id },
        m.data as Uint8Array,
      );
    }
  }
  const fanin = w === "fanin";
  const assocs = p.assocs ?? 0, size = p.size ?? 64;
  if (fanin) {
    const line = stdinLines();
    (async () => {
      for (let l; (l = await line()) !== null && l !== "close";);
      const t = now();
      closing = true;
      await s.close();
      say({ closed_ms: now() - t });
      process.exit(0);
    })();
  }
  const ntags = fanin ? assocs : 64;
  const next = new Uint32Array(ntags);
  // liveHalf: at half the comm_ups (the second half's growth per
  // association, without one-off costs); the sample's own pause is not
  // counted in the setup rate
  let up = 0, up0 = 0, liveHalf = 0;
  for (;;) {
    let got = 0, t1 = 0;
    let want = fanin ? assocs * (p.msgs ?? 1) : -1;
    // next[] runs on across rounds, as the client's sequence numbers do
    while (want < 0 || got < want) {
      const m = await recv();
      if (!isData(m)) {
        const d = m.data as { type?: string; state?: string };
        if (d.type === "sctp_assoc_change" && d.state === "comm_up") {
          if (up++ === 0) up0 = now();
          if (up === assocs >> 1 && up < assocs) {
            const t = now();
            liveHalf = live();
            up0 += now() - t;
          }
          if (up === assocs) {
            const up_s = (now() - up0) / 1000, rss1 = rss(), live1 = live();
            say({
              up,
              up_s,
              rss_per_assoc: Math.round((rss1 - rss0) / assocs),
              live_per_assoc: Math.round((live1 - live0) / assocs),
              live_2nd_per_assoc: Math.round(
                (live1 - liveHalf) / (assocs - (assocs >> 1)),
              ),
            });
          }
        }
        continue;
      }
      const d = m.data as Uint8Array;
      const dv = new DataView(d.buffer, d.byteOffset, d.byteLength);
      const tag = d.length >= 8 ? dv.getUint32(4, true) : 0;
      if (d.length === 8 && tag === MARK) {
        want = dv.getUint32(0, true);
        continue;
      }
      if (tag >= ntags) throw new BenchFailure(`bad tag ${tag}`);
      if (!fanin) {
        const st = (m.ancData[0] as SctpSndRcvInfo | undefined)?.stream;
        if (st !== tag) {
          throw new BenchFailure(`message of stream ${tag} arrived on ${st}`);
        }
      }
      check(d, size, next[tag], tag);
      next[tag]++;
      got++;
      t1 = now();
    }
    say({ rep: { t1, n: got } });
  }
}

interface Peer {
  s: SctpSocket;
  assoc: SctpAssocChange;
}

async function client(w: string, p: Params): Promise<void> {
  const line = stdinLines();
  const fanin = w === "fanin";
  const n = fanin ? p.assocs ?? 1 : 1, size = p.size ?? 64;
  const type = p.ctype === 1 ? "stream" : "seqpacket";
  // the poll worker is up before the RSS sample (as the server's socket is
  // in a fanin server), and stays up between repetitions (step.ts)
  const alive = await keepAlive();
  const live0 = fanin ? live() : 0;
  const rss0 = rss();
  const t0 = now();
  const cl: Peer[] = [];
  let half = -1, rssHalf = rss0, tHalf = t0, liveHalf = 0, paused = 0;
  // batches of 50 connects, none across the half (a small n too has two)
  for (let i = 0, end = 0; i < n; i = end) {
    end = Math.min(n, i + 50, i < n >> 1 ? n >> 1 : n);
    const batch: Promise<Peer>[] = [];
    for (let j = i; j < end; j++) {
      batch.push((async () => {
        const s = await open({ type, ...sockOpts(p) });
        return { s, assoc: await s.connect("127.0.0.1", p.port) };
      })());
    }
    cl.push(...await Promise.all(batch));
    // the second half's RSS growth: per association, without the first
    // sockets' one-off costs (code, heap sizing)
    if (half < 0 && cl.length >= n >> 1) {
      const t = now();
      [half, rssHalf, liveHalf] = [cl.length, rss(), fanin ? live() : 0];
      tHalf = now();
      paused = tHalf - t; // the sample's own pause: not setup time
    }
  }
  const t2 = now(), setup = (t2 - t0 - paused) / 1000;
  if (fanin) {
    const r = rss(), live1 = live();
    say({
      ready: 1,
      assocs_per_s: n / setup,
      // the second half's rate, after the runtime's warm-up (JIT)
      assocs_per_s_2nd: (n - half) / Math.max(1e-6, (t2 - tHalf) / 1000),
      rss_per_assoc: Math.round((r - rss0) / n),
      rss_2nd_per_assoc: Math.round((r - rssHalf) / Math.max(1, n - half)),
      live_per_assoc: Math.round((live1 - live0) / n),
      live_2nd_per_assoc: Math.round((live1 - liveHalf) / (n - half)),
    });
  } else say({ ready: 1 });
  const buf = new Uint8Array(size);
  const dv = new DataView(buf.buffer);
  const c0 = cl[0];
  if (w === "rtt") {
    const count = p.count ?? 1000, warm = Math.floor(count / 10) + 1;
    const lat = new Float64Array(count);
    let seq = 0;
    while ((await line()) === "go") {
      for (let i = 0; i < count + warm; i++) {
        fill(buf, dv, seq, 0);
        const a = performance.now();
        await c0.s.send(c0.assoc, 0, buf);
        let m;
        do m = await c0.s.recv(); while (!isData(m));
        const b = performance.now();
        check(m.data as Uint8Array, size, seq, 0);
        seq++;
        if (i >= warm) lat[i - warm] = (b - a) * 1000;
      }
      lat.sort();
      say({
        rep: {
          median_us: lat[count >> 1],
          p99_us: lat[Math.floor(count * 0.99)],
          p999_us: lat[Math.floor(count * 0.999)],
        },
      });
    }
  } else {
    const count = p.count ?? 1000, msgs = p.msgs ?? 1;
    const secs = p.secs ?? 0, streams = p.streams ?? 1;
    const seq = new Uint32Array(fanin ? n : 64);
    while ((await line()) === "go") {
      const start = now();
      let sent = 0;
      if (fanin) {
        for (let m = 0; m < msgs; m++) {
          for (let i = 0; i < n; i++) {
            fill(buf, dv, seq[i]++, i);
            await cl[i].s.send(cl[i].assoc, 0, buf);
            sent++;
          }
        }
      } else {
        for (; sent < count; sent++) {
          if (secs > 0 && sent > 0 && now() - start > secs * 1000) break;
          const tag = sent % streams;
          fill(buf, dv, seq[tag]++, tag);
          await c0.s.send(c0.assoc, tag, buf);
        }
        const mk = new Uint8Array(8);
        const mv = new DataView(mk.buffer);
        mv.setUint32(0, sent, true);
        mv.setUint32(4, MARK, true);
        await c0.s.send(c0.assoc, 0, mk);
      }
      say({ rep: { t0: start, n: sent } });
    }
  }
  const t = now();
  await Promise.all(cl.map((c) => c.s.close()));
  await alive();
  say({ closed_ms: now() - t });
}

async function main(args: string[]): Promise<number> {
  const { w, p, role } = parse(args);
  if (
    !["tput", "rtt", "fanin"].includes(w) || !/^(server|client)$/.test(role)
  ) {
    console.error(
      "usage: peer.ts tput|rtt|fanin role=server|client key=value...",
    );
    return 2;
  }
  if ((p.size ?? 64) < 8 || (p.size ?? 64) > MAXSZ) {
    console.error("bad size");
    return 2;
  }
  try {
    if (role === "server") await server(w, p);
    else await client(w, p);
    return 0;
  } catch (e) {
    if (closing) await new Promise(() => {}); // the closer exits
    say({ ok: false, error: e instanceof Error ? e.message : String(e) });
    return 1;
  }
}

if (import.meta.main) {
  process.exit(await main(process.argv.slice(2)));
}
