/**
 * One side of the soak (server and client run the same): 8 sender loops (one
 * per stream, each message ordered or unordered at random) and one receive
 * loop that checks every message of the other side byte for byte, for
 * `seconds`; then the closing handshake:
 *
 *   END  (stream 0, ordered, ppid PPID_END): JSON of this side's sent counts
 *   DONE (stream 0, ordered, ppid PPID_DONE): everything of the other side's
 *        END arrived intact
 *
 * A side finishes when it has sent DONE and received the other's. Reports are
 * JSON lines through `out`: a "sample" at start, every `intervalS` and at the
 * end, then one "final" with the verdict.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import type { SctpMessage, SctpSndRcvInfo, SctpSocket } from "../mod.ts";
import { openLibc } from "./libc.ts";
import {
  fillMsg,
  mix,
  type MsgKey,
  newMsgBuffer,
  PPID_DONE,
  PPID_END,
  ppidOf,
  type SizeDist,
  UNORDERED_BIT,
} from "./payload.ts";
import { sample } from "./sample.ts";
import { type Counts, Tracker } from "./tracker.ts";

/** Number of streams the soak uses. */
export const STREAMS = 8;

/** Socket options of both sides. */
export const SOCK_OPTS = {
  sctp_nodelay: true,
  sctp_initmsg: { num_ostreams: STREAMS, max_instreams: STREAMS },
  sctp_events: { data_io_event: true, association_event: true },
};

/** What a side runs with. */
export interface PeerConfig {
  seed: number;
  /** Direction this side sends: 0 client -> server, 1 server -> client. */
  dir: number;
  /** How long to send. */
  seconds: number;
  /** Seconds between samples. */
  intervalS: number;
  /** Receive with recv({ into }) into one reused buffer. */
  into: boolean;
  /** Also report RSS after malloc_trim(0) at each sample. */
  trim: boolean;
  /** Print glibc's malloc_stats() (stderr) with the last sample. */
  mallocStats: boolean;
  /** A receive waiting longer than this (ms) is a stall: an error. */
  stallMs: number;
  /** Message size distribution (both sides must agree). */
  sizes: SizeDist;
  /**
   * Keep the last `hold` received messages referenced (an application that
   * holds messages a while): their buffers outlive young-generation GCs.
   */
  hold: number;
}

/** Reads SOAK_* settings of a side from the environment. */
export function configFromEnv(
  env: Record<string, string | undefined>,
  dir: number,
): PeerConfig {
  const num = (k: string, d: number) => {
    const v = Number(env[k] ?? d);
    return Number.isFinite(v) ? v : d;
  };
  return {
    seed: num("SOAK_SEED", 1) >>> 0,
    dir,
    seconds: num("SOAK_SECONDS", 10),
    intervalS: num("SOAK_INTERVAL", 30),
    into: env.SOAK_INTO === "1",
    trim: env.SOAK_MALLOC_TRIM === "1",
    mallocStats: env.SOAK_MALLOC_STATS === "1",
    stallMs: num("SOAK_STALL_MS", 120000),
    sizes: env.SOAK_SIZES === "uniform" ? "uniform" : "log",
    hold: Math.max(0, Math.floor(num("SOAK_HOLD", 0))),
  };
}

const MAX_ERRORS = 20;

/** Runs one side on association `assocId` of `s`; resolves to its verdict. */
export async function runPeer(
  s: SctpSocket,
  assocId: number,
  cfg: PeerConfig,
  out: (line: Record<string, unknown>) => void,
): Promise<boolean> {
  const t0 = performance.now();
  const libc = await openLibc();
  const sent: Counts = Array.from({ length: STREAMS }, () => [0, 0]);
  const tracker = new Tracker(STREAMS);
  const errors: string[] = [];
  const events: Record<string, number> = {};
  let nErrors = 0;
  const st = { sentMsgs: 0, sentBytes: 0, recvMsgs: 0, recvBytes: 0 };
  const fail = (e: string) => {
    if (nErrors++ < MAX_ERRORS) errors.push(e);
  };

  const report = (type: string, last = false) => {
    const line: Record<string, unknown> = {
      type,
      t: Math.round((performance.now() - t0) / 100) / 10,
      ...sample(),
      ...st,
      errors: nErrors,
    };
    if (cfg.trim) {
      line.trimmed = libc.trim();
      line.rssAfterTrim = sample().rss;
    }
    if (last && cfg.mallocStats) libc.stats();
    out(line);
  };
  report("sample");
  const timer = setInterval(() => report("sample"), cfg.intervalS * 1000);

  // ---- sending
  const endAt = performance.now() + cfg.seconds * 1000;
  const sendStream = async (stream: number) => {
    const buf = newMsgBuffer();
    for (let n = 0; performance.now() < endAt && nErrors === 0; n++) {
      const cls = mix(cfg.seed, cfg.dir, stream, n) & 1;
      const k: MsgKey = {
        seed: cfg.seed,
        dir: cfg.dir,
        stream,
        cls,
        seq: sent[stream][cls],
      };
      const data = fillMsg(k, buf, cfg.sizes);
      await s.send({
        stream,
        ppid: ppidOf(k),
        flags: cls ? ["unordered"] : [],
        assoc_id: assocId,
      }, data);
      sent[stream][cls]++;
      st.sentMsgs++;
      st.sentBytes += data.length;
    }
  };
  const ctl = (ppid: number, body: string) =>
    s.send({ stream: 0, ppid, assoc_id: assocId }, body);
  const sending = (async () => {
    await Promise.all(Array.from({ length: STREAMS }, (_, i) => sendStream(i)));
    await ctl(PPID_END, JSON.stringify(sent));
  })().catch((e) => fail(`send: ${e?.message ?? e}`));

  // ---- receiving
  let peerSent: Counts | null = null;
  let doneSent: Promise<void> | null = null;
  let peerDone = false;
  const scratch = newMsgBuffer();
  const into = cfg.into ? newMsgBuffer() : undefined;
  const held: Uint8Array[] = [];
  const maybeDone = () => {
    if (!doneSent && peerSent && tracker.complete(peerSent)) {
      doneSent = ctl(PPID_DONE, "done").catch((e) =>
        fail(`send DONE: ${e?.message ?? e}`)
      );
    }
  };
  const onData = (m: SctpMessage, d: Uint8Array) => {
    const sri = m.ancData.find((a) =>
      (a as SctpSndRcvInfo).type === "sctp_sndrcvinfo"
    ) as SctpSndRcvInfo | undefined;
    if (!sri) return fail("data without sctp_sndrcvinfo");
    const ppid = sri.ppid ?? 0, stream = sri.stream ?? 0;
    if (ppid === PPID_END) {
      peerSent = JSON.parse(new TextDecoder().decode(d)) as Counts;
      return maybeDone();
    }
    if (ppid === PPID_DONE) {
      peerDone = true;
      return;
    }
    const cls = ppid & UNORDERED_BIT ? 1 : 0;
    const k: MsgKey = {
      seed: cfg.seed,
      dir: 1 - cfg.dir,
      stream,
      cls,
      seq: (ppid & ~UNORDERED_BIT) >>> 0,
    };
    const where = `stream ${k.stream} ${
      cls ? "unordered" : "ordered"
    } seq ${k.seq}`;
    if ((sri.flags ?? []).includes("unordered") !== (cls === 1)) {
      fail(`${where}: flags ${JSON.stringify(sri.flags)}`);
    }
    const want = fillMsg(k, scratch, cfg.sizes);
    const got = Buffer.from(d.buffer, d.byteOffset, d.byteLength);
    if (!got.equals(want)) {
      let i = 0;
      while (i < Math.min(d.length, want.length) && d[i] === want[i]) i++;
      fail(`${where}: ${d.length} B (want ${want.length}), differs at ${i}`);
    }
    const e = tracker.record(k.stream, cls, k.seq);
    if (e) fail(e);
    st.recvMsgs++;
    st.recvBytes += d.length;
    if (cfg.hold > 0 && !into) held[st.recvMsgs % cfg.hold] = d;
    if (peerSent) maybeDone();
  };
  const opts = { timeout: cfg.stallMs, into };
  try {
    while (!(peerDone && doneSent) && nErrors === 0) {
      const m = await s.recv(opts);
      if (m.data instanceof Uint8Array) {
        onData(m, m.data);
        continue;
      }
      const ev = m.data as { type: string; state?: string };
      const name = ev.state ? `${ev.type}:${ev.state}` : ev.type;
      events[name] = (events[name] ?? 0) + 1;
      if (ev.type === "sctp_assoc_change" && ev.state !== "comm_up") {
        fail(`association ${name} before the end`);
      }
    }
  } catch (e) {
    fail(`recv: ${(e as Error)?.message ?? e}`);
  }
  await sending;
  await doneSent;
  clearInterval(timer);
  report("sample", true);
  const missing = peerSent ? tracker.missing(peerSent) : ["no END received"];
  if (nErrors === 0) { for (const e of missing) fail(`lost: ${e}`); }
  const ok = nErrors === 0;
  out({
    type: "final",
    ok,
    ...st,
    sent,
    received: tracker.counts(),
    events,
    errors: nErrors,
    errorList: errors,
  });
  return ok;
}
