/**
 * The soak's server process: listens on 127.0.0.1 (one-to-many), prints
 * `{"type":"port","port":N}`, takes the first association and runs the soak
 * (peer.ts) on it, sending its own stream back (direction 1). Settings from
 * SOAK_* (see configFromEnv); exit status 1 on any error.
 *
 *   deno run -A soak/server.ts     (or: bun soak/server.ts)
 *
 * @module
 */
import process from "node:process";
import { open, type SctpAssocChange } from "../mod.ts";
import { configFromEnv, runPeer, SOCK_OPTS } from "./peer.ts";

const out = (l: Record<string, unknown>) => console.log(JSON.stringify(l));
const cfg = configFromEnv(process.env, 1);
const s = await open({ ip: "127.0.0.1", ...SOCK_OPTS });
await s.listen(true);
out({ type: "port", port: await s.port(), pid: process.pid });
let assoc: SctpAssocChange | null = null;
while (!assoc) {
  const m = await s.recv(cfg.stallMs);
  const ev = m.data as SctpAssocChange;
  if (ev?.type === "sctp_assoc_change" && ev.state === "comm_up") assoc = ev;
}
const ok = await runPeer(s, assoc.assoc_id, cfg, out);
await s.close();
process.exitCode = ok ? 0 : 1;
