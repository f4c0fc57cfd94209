/**
 * The client side of the TS benchmark, run in a Worker (as C runs it in a
 * thread and Erlang in a process): connects, then sends or pings on command.
 *
 * Protocol (postMessage): in {type:"init", port, nclients, keepAlive?} -> out
 * {type:"ready"}; in {type:"send", nstreams, count, size} -> out
 * {type:"started", t0} ... {type:"sent"}; in {type:"ping", count, warm,
 * size} -> out {type:"pinged", median_us, p99_us}; errors -> {type:"error"}.
 *
 * @module
 */
import type { SctpAssocChange, SctpSocket } from "../mod.ts";
import {
  busyOpt,
  check,
  fill,
  now,
  open,
  recvData,
  SOCK_OPTS,
} from "./common.ts";
import { keepAlive } from "./step.ts";

interface Client {
  s: SctpSocket;
  assoc: SctpAssocChange;
}
const post = (m: unknown) =>
  (self as unknown as { postMessage(m: unknown): void }).postMessage(m);
let clients: Client[] = [];
/** This thread's keep-alive socket (stepped runs, see step.ts). */
let alive: (() => Promise<void>) | null = null;

async function connect(port: number, busyPoll?: number): Promise<Client> {
  const s = await open({ ...SOCK_OPTS, ...busyOpt(busyPoll) });
  return { s, assoc: await s.connect("127.0.0.1", port) };
}

async function send(nstreams: number, count: number, size: number) {
  const nc = clients.length;
  const ntags = nc > 1 ? nc : nstreams;
  const buf = new Uint8Array(size);
  const dv = new DataView(buf.buffer);
  const seq = new Uint32Array(ntags);
  post({ type: "started", t0: now() });
  for (let i = 0; i < count; i++) {
    const tag = i % ntags;
    const c = nc > 1 ? clients[tag] : clients[0];
    fill(buf, dv, seq[tag]++, tag);
    await c.s.send(c.assoc, nc > 1 ? 0 : tag, buf);
  }
  post({ type: "sent" });
}

let pingSeq = 0;
async function ping(count: number, warm: number, size: number) {
  const c = clients[0];
  const buf = new Uint8Array(size);
  const dv = new DataView(buf.buffer);
  const lat = new Float64Array(count);
  for (let i = 0; i < count + warm; i++) {
    fill(buf, dv, pingSeq, 0);
    const t0 = performance.now();
    await c.s.send(c.assoc, 0, buf);
    const m = await recvData(c.s);
    const t1 = performance.now();
    check(m.data as Uint8Array, size, pingSeq, 0);
    pingSeq++;
    if (i >= warm) lat[i - warm] = (t1 - t0) * 1000;
  }
  lat.sort();
  post({
    type: "pinged",
    median_us: lat[count >> 1],
    p99_us: lat[Math.floor(count * 0.99)],
  });
}

self.onmessage = async (ev: MessageEvent) => {
  const m = ev.data;
  try {
    if (m.type === "init") {
      if (m.keepAlive && !alive) alive = await keepAlive();
      clients = [];
      for (let i = 0; i < m.nclients; i += 50) {
        const batch = [];
        for (let j = i; j < Math.min(m.nclients, i + 50); j++) {
          batch.push(connect(m.port, m.busyPoll));
        }
        clients.push(...await Promise.all(batch));
      }
      post({ type: "ready" });
    } else if (m.type === "send") await send(m.nstreams, m.count, m.size);
    else if (m.type === "ping") await ping(m.count, m.warm, m.size);
    else if (m.type === "close") {
      for (const c of clients) await c.s.close();
      clients = [];
      await alive?.();
      alive = null;
      post({ type: "closed" });
    }
  } catch (e) {
    post({ type: "error", error: e instanceof Error ? e.message : String(e) });
  }
};
