// A seeded property test of the receive path: random message sizes (1 B to
// 256 KiB) on several streams and associations, random `buffer` values (odd,
// tiny, not multiples of 8, equal to / next to message sizes, large), bursts
// queued in the kernel before the receiver reads or sent one by one, event
// churn from a second client, recv() and recv({ into }) in binary and list
// mode; every message is checked byte for byte and in order per stream.
//
//   SCTP_PROP_SEED=123   the run's seed (default 2; "random": a fresh one,
//                        printed)
//   SCTP_PROP_CASES=10   the number of cases
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import process from "node:process";
import { describe, it } from "node:test";
import {
  SctpError,
  type SctpMessage,
  type SctpSndRcvInfo,
  type SctpSocket,
} from "../mod.ts";
import { open, prng, server } from "./helpers.ts";

// ------------------------------------------------------------ randomness

/** A 32-bit hash of a few integers (for per-message content offsets). */
function hash(...xs: number[]): number {
  let h = 0x811c9dc5;
  for (const x of xs) {
    h = Math.imul(h ^ (x >>> 0), 0x01000193);
    h ^= h >>> 13;
    h = Math.imul(h, 0x5bd1e995);
    h ^= h >>> 15;
  }
  return h >>> 0;
}

type Rng = () => number;
const int = (r: Rng, lo: number, hi: number) =>
  lo + Math.floor(r() * (hi - lo + 1));
const pick = <T>(r: Rng, xs: readonly T[]): T =>
  xs[Math.floor(r() * xs.length)];

const envInt = (name: string, dflt: number): number => {
  const v = process.env[name];
  if (v === undefined || v === "") return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) {
    throw new RangeError(`${name}: expected a non-negative integer, got ${v}`);
  }
  return n;
};

// a fixed default (the suite must be repeatable; seed 2's cases 7 and 8
// found the queued-send emsgsize bug); SCTP_PROP_SEED=random explores
const SEED = process.env.SCTP_PROP_SEED === "random"
  ? (Date.now() ^ Math.floor(Math.random() * 4294967296)) >>> 0
  : envInt("SCTP_PROP_SEED", 2);
const CASES = envInt("SCTP_PROP_CASES", 10);
const MAX_MSG = 256 * 1024;
/** Per-case byte budget of the main sender (keeps a case in seconds). */
const CASE_BYTES = 3 << 19;
const CASE_MS = 90000;

// ------------------------------------------------------------ content

/** Random bytes every message's content is a window of. */
const POOL = (() => {
  const r = prng(hash(SEED, 0x9e3779b9));
  const b = new Uint8Array(MAX_MSG + 65536);
  for (let i = 0; i < b.length; i += 4) {
    const x = Math.floor(r() * 4294967296);
    b[i] = x;
    b[i + 1] = x >>> 8;
    b[i + 2] = x >>> 16;
    b[i + 3] = x >>> 24;
  }
  return b;
})();

/**
 * Message `seq` of sender `ppid` on `stream`, `n` bytes: a window of POOL
 * chosen by the three numbers, its first bytes naming them (seq as u16,
 * stream, ppid), so a wrong message is recognisable.
 */
function content(ppid: number, stream: number, seq: number, n: number) {
  const off = hash(SEED, ppid, stream, seq) % 65536;
  const b = POOL.slice(off, off + n);
  const head = [seq & 255, (seq >> 8) & 255, stream, ppid];
  for (let i = 0; i < head.length && i < n; i++) b[i] = head[i];
  return b;
}

// ------------------------------------------------------------ the plan

interface Msg {
  stream: number;
  size: number;
}
interface Burst {
  /** true: all sent, then a pause, then read; false: send one, read one. */
  queue: boolean;
  pauseMs: number;
  msgs: Msg[];
}
interface Churn {
  delayMs: number;
  msgs: Msg[];
  end: "eof" | "close" | "abort";
}
interface Plan {
  index: number;
  seed: number;
  buffer: number;
  /** A second `buffer`, set with setopts before burst `switchAt`. */
  buffer2: number;
  switchAt: number;
  via: "open" | "setopts";
  /** The senders' sndbuf (0: the default, grown by the library). */
  sndbuf: number;
  mode: "binary" | "list";
  streams: number;
  /** Sizes of the `into` buffers (none: plain recv). */
  into: number[];
  /** Probability that a recv passes `into`. */
  intoP: number;
  events: Record<string, boolean>;
  bursts: Burst[];
  churn: Churn[];
}

const BUFFERS = [
  1,
  7,
  9,
  13,
  33,
  255,
  1001,
  4095,
  4097,
  8193,
  16377,
] as const;
/** `buffer` values that read large messages straight into `into`. */
const BIG_BUFFERS = [16384, 16385, 65536, 100001, 262144] as const;
const INTO = [1, 7, 100, 1000, 4096, 16384, 65536, 65537, 262144, 300000];

/** Skewed: many small, some around 1-20 KiB, a few large. */
function size(r: Rng): number {
  const u = r();
  if (u < 0.6) return 1 + Math.floor(r() * r() * 1024);
  if (u < 0.9) return 1024 + Math.floor(r() * 19 * 1024);
  if (u < 0.95) return MAX_MSG;
  return 20 * 1024 + Math.floor(r() * (MAX_MSG - 20 * 1024));
}

/** Largest message for a buffer: a tiny one reads a message byte by byte. */
const capFor = (buffer: number) =>
  Math.min(MAX_MSG, Math.max(256, buffer * 256));

function makePlan(index: number): Plan {
  const seed = hash(SEED, index);
  const r = prng(seed);
  let near = 0;
  const anyBuffer = (): number =>
    r() < 0.45 ? pick(r, BIG_BUFFERS) : pick(r, BUFFERS);
  let buffer = anyBuffer();
  if (r() < 0.2) {
    // equal to, just below or just above a message size
    near = r() < 0.3 ? size(r) : int(r, 1024, MAX_MSG);
    buffer = Math.max(1, near + int(r, -1, 1));
  }
  const buffer2 = r() < 0.3 ? anyBuffer() : buffer;
  const mode = r() < 0.3 ? "list" : "binary";
  const cap = capFor(Math.min(buffer, buffer2));
  // list mode: number[] data, costly per byte
  const budget = mode === "list" ? CASE_BYTES / 2 : CASE_BYTES;
  const streams = int(r, 1, 10);
  const msg = (): Msg => {
    let n = size(r);
    if (near && r() < 0.15) n = near + int(r, -1, 1);
    if (n > cap) n = 1 + (n - 1) % cap;
    return { stream: int(r, 0, streams - 1), size: Math.max(1, n) };
  };
  const bursts: Burst[] = [];
  let bytes = 0;
  const nb = int(r, 1, 6);
  for (let b = 0; b < nb && bytes < budget; b++) {
    const queue = r() < 0.6;
    // queued bursts of 16 and more fill whole recvmmsg batches; a bulk
    // burst (16-96 KiB messages on one stream) keeps large reads direct
    const bulk = r() < 0.25;
    const n = queue
      ? int(r, r() < 0.5 ? 16 : 1, bulk ? 24 : 48)
      : int(r, 1, 12);
    const bulkStream = int(r, 0, streams - 1);
    const msgs: Msg[] = [];
    for (let i = 0; i < n && bytes < budget; i++) {
      const m = bulk
        ? { stream: bulkStream, size: Math.min(cap, int(r, 16384, 98304)) }
        : msg();
      bytes += m.size;
      msgs.push(m);
    }
    bursts.push({ queue, pauseMs: int(r, 20, 200), msgs });
  }
  const churn: Churn[] = [];
  const nc = pick(r, [0, 1, 2, 3]);
  for (let c = 0; c < nc; c++) {
    const msgs = Array.from({ length: pick(r, [0, 0, 1, 2, 3]) }, () => ({
      stream: int(r, 0, 9),
      size: Math.min(cap, int(r, 1, 2000)),
    }));
    const end = msgs.length > 0
      ? pick(r, ["eof", "close"] as const)
      : pick(r, ["eof", "close", "abort"] as const);
    churn.push({ delayMs: int(r, 0, 300), msgs, end });
  }
  const nInto = pick(r, [0, 1, 1, 2]);
  const into = Array.from({ length: nInto }, () => {
    const u = r();
    if (u < 0.2) return Math.max(1, size(r) + int(r, -1, 1));
    if (u < 0.7) return pick(r, [98304, 131072, 262144, 300000]);
    return pick(r, INTO);
  });
  return {
    index,
    seed,
    buffer,
    buffer2,
    switchAt: int(r, 0, bursts.length - 1),
    via: r() < 0.5 ? "open" : "setopts",
    sndbuf: r() < 0.5 ? 0 : 1 << 20,
    mode,
    streams,
    into,
    intoP: nInto === 0 ? 0 : pick(r, [0.5, 1]),
    events: {
      data_io_event: true, // the stream and ppid of each message
      association_event: r() < 0.8,
      address_event: r() < 0.5,
      send_failure_event: r() < 0.5,
      peer_error_event: r() < 0.5,
      shutdown_event: r() < 0.5,
      partial_delivery_event: r() < 0.5,
      sender_dry_event: r() < 0.3,
    },
    bursts,
    churn,
  };
}

/** The plan in one line, for failure messages. */
function describePlan(p: Plan): string {
  const ms = (m: Msg[]) => m.map((x) => `${x.stream}:${x.size}`).join(",");
  const ev = Object.entries(p.events).filter(([, v]) => v).map(([k]) => k);
  return `SCTP_PROP_SEED=${SEED} case ${p.index} (seed ${p.seed}): ` +
    `buffer ${p.buffer} via ${p.via}` +
    `, sndbuf ${p.sndbuf || "default"}` +
    (p.buffer2 !== p.buffer
      ? `, then ${p.buffer2} at burst ${p.switchAt}`
      : "") +
    `, mode ${p.mode}, ${p.streams} streams, into [${p.into}] p=${p.intoP}, ` +
    `events ${ev.join("+")}, bursts ` +
    p.bursts.map((b) => `${b.queue ? `Q${b.pauseMs}ms` : "I"}[${ms(b.msgs)}]`)
      .join(" ") +
    `, churn ` +
    p.churn.map((c) => `${c.delayMs}ms/${c.end}[${ms(c.msgs)}]`).join(" ");
}

// ------------------------------------------------------------ the receiver

const sleep = (ms: number) => new Promise((res) => setTimeout(res, ms));

/** Views into buffers at an offset, the guard bytes around them known. */
class IntoBufs {
  readonly views: Uint8Array[];
  constructor(sizes: number[]) {
    this.views = sizes.map((n) => {
      const ab = new ArrayBuffer(n + 24);
      new Uint8Array(ab).fill(0x5a);
      return new Uint8Array(ab, 8, n);
    });
  }
  aliases(d: Uint8Array): boolean {
    return this.views.some((v) => v.buffer === d.buffer);
  }
  /** Whether a byte outside any view was written. */
  guardsIntact(): boolean {
    return this.views.every((v) => {
      const all = new Uint8Array(v.buffer);
      const before = all.subarray(0, 8), after = all.subarray(8 + v.length);
      return before.every((x) => x === 0x5a) && after.every((x) => x === 0x5a);
    });
  }
}

/** Receives, checks and counts, for one case. */
class Checker {
  /** Next expected sequence number, by "ppid:stream". */
  readonly next = new Map<string, number>();
  /** Data messages received, by ppid. */
  readonly got = new Map<number, number>();
  readonly events = new Map<string, number>();
  /** Messages of the current burst that own their bytes (rechecked). */
  owned: {
    data: Uint8Array | number[];
    ppid: number;
    stream: number;
    seq: number;
  }[] = [];
  /** A failed send: the message never comes, so the recv is aborted. */
  sendError: string | null = null;
  readonly ac = new AbortController();
  recvs = 0;
  intoRecvs = 0;
  aliased = 0;

  constructor(
    readonly srv: SctpSocket,
    readonly plan: Plan,
    readonly r: Rng,
    readonly into: IntoBufs,
    readonly deadline: number,
  ) {}

  count(ppid: number): number {
    return this.got.get(ppid) ?? 0;
  }

  fail(what: string): never {
    assert.fail(`${what}\n  ${describePlan(this.plan)}\n  ${this.stats()}`);
  }

  stats(): string {
    return `received ${[...this.got].map(([p, n]) => `ppid ${p}: ${n}`)}; ` +
      `next ${[...this.next].map(([k, n]) => `${k}=${n}`)}; ` +
      `events ${[...this.events].map(([k, n]) => `${k}=${n}`)}; ` +
      `${this.recvs} recvs, ${this.intoRecvs} with into, ${this.aliased} in into`;
  }

  /** Records a failed send and ends the pending recv. */
  sendFailed(what: string): void {
    this.sendError ??= what;
    this.ac.abort();
  }

  /** One recv: a data message is checked and counted, an event counted. */
  async step(): Promise<void> {
    if (this.sendError) this.fail(`send failed: ${this.sendError}`);
    const left = this.deadline - Date.now();
    if (left <= 0) this.fail("case deadline passed while receiving");
    const into = this.into.views.length > 0 && this.r() < this.plan.intoP
      ? pick(this.r, this.into.views)
      : undefined;
    let m: SctpMessage;
    try {
      this.recvs++;
      if (into) this.intoRecvs++;
      const signal = this.ac.signal;
      m = await this.srv.recv(
        into ? { timeout: left, signal, into } : { timeout: left, signal },
      );
    } catch (e) {
      if (this.sendError) this.fail(`send failed: ${this.sendError}`);
      if (e instanceof SctpError && typeof e.reason === "object") {
        // an error event (send failed, remote error, pdapi): counted
        const t = (e.reason as { type?: string }).type ?? "error";
        this.events.set(t, (this.events.get(t) ?? 0) + 1);
        return;
      }
      this.fail(`recv failed: ${e}`);
    }
    const d = m.data;
    if (!(d instanceof Uint8Array) && !Array.isArray(d)) {
      const ev = d as { type?: string; state?: string };
      const k = ev.state ? `${ev.type}/${ev.state}` : String(ev.type);
      this.events.set(k, (this.events.get(k) ?? 0) + 1);
      return;
    }
    if (this.plan.mode === "list") {
      if (!Array.isArray(d)) this.fail("list mode gave a non-array");
    } else if (!(d instanceof Uint8Array)) {
      this.fail("binary mode gave a non-Uint8Array");
    }
    const sri = m.ancData.find((a) =>
      (a as { type?: string }).type === "sctp_sndrcvinfo"
    ) as SctpSndRcvInfo | undefined;
    if (!sri) this.fail("a data message without sctp_sndrcvinfo");
    const ppid = sri.ppid ?? -1, stream = sri.stream ?? -1;
    const key = `${ppid}:${stream}`;
    const seq = this.next.get(key) ?? 0;
    const where = `message ppid ${ppid} stream ${stream} seq ${seq}`;
    this.check(d, ppid, stream, seq, where);
    this.next.set(key, seq + 1);
    this.got.set(ppid, this.count(ppid) + 1);
    if (d instanceof Uint8Array && this.into.aliases(d)) this.aliased++;
    else this.owned.push({ data: d, ppid, stream, seq });
  }

  /** Byte-for-byte comparison with the expected message. */
  check(
    d: Uint8Array | number[],
    ppid: number,
    stream: number,
    seq: number,
    where: string,
  ): void {
    const want = this.expected(ppid, stream, seq);
    if (want === undefined) {
      this.fail(
        `${where}: not sent (an extra or misnumbered message, ${d.length} bytes)`,
      );
    }
    const ok = d instanceof Uint8Array
      ? Buffer.from(d.buffer, d.byteOffset, d.length).equals(Buffer.from(want))
      : d.length === want.length && d.every((x, i) => x === want[i]);
    if (ok) return;
    let at = 0;
    while (at < d.length && at < want.length && d[at] === want[at]) at++;
    const head = d.length >= 4
      ? ` (its head names seq ${d[0] | d[1] << 8} stream ${d[2]} ppid ${d[3]})`
      : "";
    const show = (b: ArrayLike<number>) =>
      Array.from({ length: Math.min(8, b.length - at) }, (_, i) => b[at + i])
        .join(",");
    this.fail(
      `${where}: ${d.length} bytes, expected ${want.length}${head}; ` +
        `first difference at byte ${at}: got [${show(d)}] want [${show(want)}]`,
    );
  }

  /** Expected message (sizes from the plan), or undefined. */
  expected(ppid: number, stream: number, seq: number): Uint8Array | undefined {
    const msgs = ppid === 1
      ? this.plan.bursts.flatMap((b) => b.msgs)
      : this.plan.churn[ppid - 2]?.msgs;
    const mine = (msgs ?? []).filter((m) => m.stream === stream);
    const m = mine[seq];
    return m ? content(ppid, stream, seq, m.size) : undefined;
  }

  /** Receives until sender `ppid` has `n` messages counted. */
  async until(ppid: number, n: number): Promise<void> {
    while (this.count(ppid) < n) await this.step();
  }

  /** The owned messages are still intact (nothing reused their bytes). */
  recheck(): void {
    for (const o of this.owned) {
      this.check(
        o.data,
        o.ppid,
        o.stream,
        o.seq,
        `owned message ppid ${o.ppid} stream ${o.stream} seq ${o.seq}, rechecked later`,
      );
    }
    this.owned = [];
  }
}

/** The second client: connects, sends a little, leaves (events). */
async function churn(port: number, plan: Plan, t0: number): Promise<void> {
  for (const [i, c] of plan.churn.entries()) {
    const wait = t0 + c.delayMs - Date.now();
    if (wait > 0) await sleep(wait);
    const cli = await open(plan.sndbuf ? { sndbuf: plan.sndbuf } : {});
    try {
      const up = await cli.connect("127.0.0.1", port, {
        sctp_initmsg: { num_ostreams: 10 },
      }, 20000);
      const seqs = new Map<number, number>();
      for (const m of c.msgs) {
        const seq = seqs.get(m.stream) ?? 0;
        seqs.set(m.stream, seq + 1);
        await cli.send(
          { stream: m.stream, ppid: i + 2, assoc_id: up.assoc_id },
          content(i + 2, m.stream, seq, m.size),
        );
      }
      if (c.end === "abort") await cli.abort(up);
      else if (c.end === "eof") await cli.eof(up);
    } finally {
      await cli.close();
    }
  }
}

async function runCase(plan: Plan): Promise<void> {
  const t0 = Date.now();
  const first = plan.switchAt === 0 ? plan.buffer2 : plan.buffer;
  const opts: Record<string, unknown> = {
    mode: plan.mode,
    sctp_events: plan.events,
  };
  if (plan.via === "open") opts.buffer = first;
  const { s: srv, port } = await server(opts);
  const cli = await open(plan.sndbuf ? { sndbuf: plan.sndbuf } : {});
  const r = prng(hash(plan.seed, 7));
  const into = new IntoBufs(plan.into);
  const ck = new Checker(srv, plan, r, into, t0 + CASE_MS);
  let churning: Promise<void> | undefined;
  try {
    if (plan.via === "setopts") await srv.setopts({ buffer: first });
    const got = await srv.getopts(["buffer"]);
    assert.equal(got.buffer, first, "buffer reads back");
    const up = await cli.connect("127.0.0.1", port, {
      sctp_initmsg: { num_ostreams: 10 },
    }, 20000);
    churning = churn(port, plan, t0);
    churning.catch(() => {}); // awaited below
    const seqs = new Map<number, number>();
    const send = (m: Msg) => {
      const seq = seqs.get(m.stream) ?? 0;
      seqs.set(m.stream, seq + 1);
      return cli.send(
        { stream: m.stream, ppid: 1, assoc_id: up.assoc_id },
        content(1, m.stream, seq, m.size),
      ).catch((e) => {
        ck.sendFailed(`stream ${m.stream} seq ${seq}, ${m.size} bytes: ${e}`);
        throw e;
      });
    };
    let sent = 0;
    for (const [b, burst] of plan.bursts.entries()) {
      if (b === plan.switchAt && b > 0) {
        await srv.setopts({ buffer: plan.buffer2 });
      }
      if (burst.queue) {
        // all sent (sends past the window wait), read only after a pause:
        // the kernel queues them and the receiver reads long batches
        const sending = Promise.all(burst.msgs.map(send));
        sending.catch(() => {}); // awaited below
        await sleep(burst.pauseMs);
        sent += burst.msgs.length;
        await ck.until(1, sent);
        await sending;
      } else {
        for (const m of burst.msgs) {
          const sending = send(m);
          sending.catch(() => {});
          await ck.until(1, ++sent);
          await sending;
        }
      }
      ck.recheck();
    }
    await churning.catch((e) => ck.fail(`the second client failed: ${e}`));
    for (const [i, c] of plan.churn.entries()) {
      await ck.until(i + 2, c.msgs.length);
    }
    ck.recheck();
    // nothing beyond the plan arrives: what is left is events only
    for (let k = 0; k < 50; k++) {
      try {
        const m = await srv.recv(0);
        if (m.data instanceof Uint8Array || Array.isArray(m.data)) {
          ck.fail(`an extra data message of ${m.data.length} bytes`);
        }
      } catch (e) {
        if (e instanceof SctpError && e.reason === "timeout") break;
        if (!(e instanceof SctpError && typeof e.reason === "object")) throw e;
      }
    }
    if (!into.guardsIntact()) {
      ck.fail("bytes around an `into` view were written");
    }
    const total = plan.bursts.reduce((a, b) => a + b.msgs.length, 0);
    assert.equal(ck.count(1), total, "every message of the main sender");
  } finally {
    await cli.close();
    await churning?.catch(() => {});
    await srv.close();
  }
  console.log(
    `case ${plan.index}: ${Date.now() - t0} ms; ${
      describePlan(plan)
    }; ${ck.stats()}`,
  );
}

describe(`recv property (SCTP_PROP_SEED=${SEED}, ${CASES} cases)`, () => {
  for (let i = 0; i < CASES; i++) {
    const plan = makePlan(i);
    it(`case ${i}: buffer ${plan.buffer}${plan.buffer2 !== plan.buffer ? `/${plan.buffer2}` : ""}, ${plan.mode}, into [${plan.into}]`, async () => {
      await runCase(plan);
    });
  }
});
