/**
 * Demo: a one-to-many SCTP echo server and a client exchanging messages on
 * several streams over the kernel's SCTP stack, printing what flows.
 *
 *   deno run -A examples/echo_demo.ts     (or: bun examples/echo_demo.ts)
 */
import { open, type SctpMessage, type SctpSndRcvInfo } from "../mod.ts";

const STREAMS = 4;
const ROUNDS = 3;
const runtime = "Bun" in globalThis ? "bun" : "deno";
const text = (b: unknown) => new TextDecoder().decode(b as Uint8Array);
const describe = (m: SctpMessage) => {
  if (m.data instanceof Uint8Array) {
    const i = m.ancData[0] as SctpSndRcvInfo;
    return `data stream=${i.stream} ppid=${i.ppid} "${text(m.data)}"`;
  }
  const d = m.data as { type: string; state?: string };
  return `event ${d.type}${d.state ? ` ${d.state}` : ""}`;
};

// Server: active mode, echoes every data message back on its stream.
const server = await open({
  ip: "127.0.0.1",
  active: true,
  sctp_initmsg: { num_ostreams: STREAMS, max_instreams: STREAMS },
});
await server.listen(true);
const port = await server.port();
console.log(`[${runtime}] server listening on 127.0.0.1:${port}`);
server.addEventListener("sctp", (e) => {
  const m = (e as CustomEvent<SctpMessage>).detail;
  console.log(`  server <- ${m.fromIp}:${m.fromPort} ${describe(m)}`);
  if (m.data instanceof Uint8Array) {
    const i = m.ancData[0] as SctpSndRcvInfo;
    server.send(
      { stream: i.stream, ppid: i.ppid, assoc_id: i.assoc_id },
      m.data,
    )
      .catch((err) => console.error("echo failed:", err));
  }
});

// Client: passive, connects, sends on every stream, reads the echoes.
const client = await open({ sctp_initmsg: { num_ostreams: STREAMS } });
const up = await client.connect("127.0.0.1", port);
console.log(
  `  client: association ${up.assoc_id} ${up.state}, ` +
    `${up.outbound_streams} out / ${up.inbound_streams} in streams`,
);
let expected = 0;
for (let r = 0; r < ROUNDS; r++) {
  for (let s = 0; s < STREAMS; s++) {
    const msg = `round ${r} on stream ${s}`;
    await client.send({ stream: s, ppid: 40 + s, assoc_id: up.assoc_id }, msg);
    console.log(`  client -> stream=${s} "${msg}"`);
    expected++;
  }
}
let got = 0;
while (got < expected) {
  const m = await client.recv(30000);
  console.log(`  client <- ${describe(m)}`);
  if (m.data instanceof Uint8Array) got++;
}
await client.eof(up);
await client.close();
await server.close();
console.log(
  `[${runtime}] ${got}/${expected} messages echoed on ${STREAMS} streams`,
);
