/**
 * The gen_sctp manual's example server: receives SCTP messages and prints
 * them on standard output.
 *
 *   deno run -A examples/server.ts [host port]      (default: any 2006)
 *   bun examples/server.ts [host port]
 *
 * @module
 */
import { lookup } from "node:dns/promises";
import process from "node:process";
import { open, SctpError } from "../mod.ts";

async function server(ip = "any", port = 2006): Promise<never> {
  const s = await open(port, { recbuf: 65536, ip });
  console.log(`Listening on ${ip}:${port}. fd ${s.fd}`);
  await s.listen(true);
  for (;;) {
    try {
      console.log("Received:", await s.recv());
    } catch (e) {
      if (!(e instanceof SctpError)) throw e;
      console.log("SCTP RECV ERROR:", e.reason);
      if (e.reason === "closed") process.exit(1);
    }
  }
}

const [host, port] = process.argv.slice(2);
if (host !== undefined && port !== undefined) {
  const { address } = await lookup(host, { family: 4 });
  console.log(`${host} -> ${address}`);
  await server(address, Number(port));
} else {
  await server();
}
