/**
 * The soak's client process: connects to 127.0.0.1:PORT (argument) and runs
 * the soak (peer.ts) on the association (direction 0). Settings from SOAK_*
 * (see configFromEnv); exit status 1 on any error.
 *
 *   deno run -A soak/client.ts PORT     (or: bun soak/client.ts PORT)
 *
 * @module
 */
import process from "node:process";
import { open } from "../mod.ts";
import { configFromEnv, runPeer, SOCK_OPTS } from "./peer.ts";

const out = (l: Record<string, unknown>) => console.log(JSON.stringify(l));
const port = Number(process.argv[process.argv.length - 1]);
if (!Number.isInteger(port) || port <= 0) {
  console.error("usage: client.ts PORT");
  process.exit(2);
}
const cfg = configFromEnv(process.env, 0);
const s = await open(SOCK_OPTS);
const assoc = await s.connect("127.0.0.1", port);
out({ type: "connected", assoc_id: assoc.assoc_id, pid: process.pid });
const ok = await runPeer(s, assoc.assoc_id, cfg, out);
await s.eof(assoc).catch(() => {});
await s.close();
process.exitCode = ok ? 0 : 1;
