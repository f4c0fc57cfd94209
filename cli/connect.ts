/**
 * `sctpcat connect HOST[,HOST...] PORT`: one association (`connect`, or
 * `connectxInit` for several peer addresses), optionally from several local
 * addresses (`--local`); stdin's messages go to it, or `--bench` traffic.
 *
 * @module
 */
import type { ConnectCommand } from "./args.ts";
import { bench } from "./bench.ts";
import { describeError, Fatal } from "./errors.ts";
import type { Output } from "./io.ts";
import { openBound } from "./listen.ts";
import { pumpStdin } from "./pump.ts";
import { Session } from "./session.ts";

/**
 * Runs `sctpcat connect`; resolves with the exit code. `register` learns
 * the session (for Ctrl-C) as soon as it exists.
 */
export async function connect(
  c: ConnectCommand,
  out: Output,
  register: (s: Session) => void = () => {},
): Promise<number> {
  const s = await openBound(
    c.local,
    0,
    c.family,
    c.streams,
    c.bench !== undefined,
  );
  const session = new Session(s, {
    single: true,
    prefix: false,
    echo: false,
    raw: c.raw,
    json: c.json,
    events: c.verbose || c.status,
    status: c.status,
    count: c.count,
    discard: c.bench !== undefined,
    send: c,
  }, out);
  register(session);
  const timeout = c.timeout * 1000;
  const peer = `${c.addrs.join(",")} port ${c.port}`;
  try {
    if (c.addrs.length === 1) {
      const up = await s.connect(c.addrs[0], c.port, {}, { timeout });
      session.adopt(up, { addr: c.addrs[0], port: c.port });
      session.start();
    } else {
      session.start(); // the comm_up arrives through the receive loop
      const id = await s.connectxInit(c.addrs, c.port);
      await session.expect(id, timeout);
    }
  } catch (e) {
    await s.close();
    throw new Fatal(describeError(e, `connect to ${peer}`));
  }
  if (c.bench) {
    return await bench(session, c.bench, out, c.json);
  }
  pumpStdin(session, c.raw, () => {
    // stdin ended: close after --wait seconds, or (--count without
    // --wait) once the count is reached
    if (c.count !== undefined && c.wait === undefined) return;
    setTimeout(() => session.shutdown(), (c.wait ?? 0) * 1000);
  });
  return await session.done;
}
