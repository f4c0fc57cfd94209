/**
 * The gen_sctp manual's example client for examples/server.ts: connects with
 * 5 outbound streams, so sending "Test 0" on stream 0 succeeds and "Test 5"
 * on stream 5 fails; then aborts the association, which the server sees as a
 * comm_lost event.
 *
 *   deno run -A examples/client.ts [host [port]]    (default: localhost 2006)
 *   bun examples/client.ts [host [port]]
 *
 * @module
 */
import process from "node:process";
import { open, SctpError } from "../mod.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** gen_sctp returns ok | {error, Reason}; print it the same way. */
async function result(p: Promise<void>): Promise<string> {
  try {
    await p;
    return "ok";
  } catch (e) {
    if (e instanceof SctpError) return `{error,${JSON.stringify(e.reason)}}`;
    throw e;
  }
}

async function client(host = "localhost", port = 2006): Promise<void> {
  const s = await open();
  try {
    const assoc = await s.connect(host, port, {
      sctp_initmsg: { num_ostreams: 5 },
    });
    console.log("Connection Successful, Assoc =", assoc);
    console.log(await result(s.send(assoc, 0, "Test 0")));
    await sleep(10000);
    console.log(await result(s.send(assoc, 5, "Test 5")));
    await sleep(10000);
    console.log(await result(s.abort(assoc)));
    await sleep(1000);
  } finally {
    await s.close();
  }
}

const [host, port] = process.argv.slice(2);
await client(host, port === undefined ? undefined : Number(port));
