/**
 * `sctpcat listen [IP[,IP...]] PORT`: a one-to-many socket bound to the
 * addresses (the first at open, the others with `bindx`), serving the first
 * association (or every one with `--one-to-many`), with stdin's messages
 * sent to what it serves, or `--echo`.
 *
 * @module
 */
import { open, type SctpInitMsg, type SctpSocket } from "../mod.ts";
import type { ListenCommand } from "./args.ts";
import { describeError, Fatal } from "./errors.ts";
import { hostPort, jsonLine } from "./format.ts";
import type { Output } from "./io.ts";
import { pumpStdin } from "./pump.ts";
import { Session } from "./session.ts";

/** sctp_initmsg for `--streams N`: N out, up to N in. */
export function initmsg(streams?: number): Partial<SctpInitMsg> | undefined {
  return streams === undefined
    ? undefined
    : { num_ostreams: streams, max_instreams: streams };
}

/**
 * Opens a socket of `family` bound to `addrs` (none: any) and `port`: the
 * first address at open, the others added with bindx; `big`: 1 MiB socket
 * buffers (--bench).
 */
export async function openBound(
  addrs: string[],
  port: number,
  family: "inet" | "inet6",
  streams?: number,
  big = false,
): Promise<SctpSocket> {
  const init = initmsg(streams);
  let s: SctpSocket;
  try {
    s = await open({
      family,
      port,
      // a line goes out at once (no Nagle wait for the SACK of the last)
      sctp_nodelay: true,
      ...(big ? { sndbuf: 1 << 20, recbuf: 1 << 20 } : {}),
      ...(addrs.length ? { ip: addrs[0] } : {}),
      ...(init ? { sctp_initmsg: init } : {}),
    });
  } catch (e) {
    const what = addrs.length
      ? `bind ${addrs[0]} port ${port}`
      : port
      ? `bind ${family === "inet6" ? "::" : "any"} port ${port}`
      : "open";
    throw new Fatal(describeError(e, what));
  }
  if (addrs.length > 1) {
    try {
      await s.bindx(addrs.slice(1));
    } catch (e) {
      await s.close();
      throw new Fatal(describeError(e, `bindx ${addrs.slice(1).join(",")}`));
    }
  }
  return s;
}

/**
 * Runs `sctpcat listen`; resolves with the exit code. `register` learns the
 * session (for Ctrl-C) as soon as it exists.
 */
export async function listen(
  c: ListenCommand,
  out: Output,
  register: (s: Session) => void = () => {},
): Promise<number> {
  const s = await openBound(c.addrs, c.port, c.family, c.streams);
  const session = new Session(s, {
    single: !c.oneToMany,
    prefix: c.oneToMany,
    echo: c.echo,
    raw: c.raw,
    json: c.json,
    events: c.verbose || c.status,
    status: c.status,
    count: c.count,
    send: c,
  }, out);
  register(session);
  try {
    await s.listen(true);
  } catch (e) {
    await s.close();
    throw new Fatal(describeError(e, "listen"));
  }
  const port = await s.port();
  const names = (await s.socknames()).map((n) => n.addr);
  if (c.json) {
    await out.write(jsonLine({ type: "listening", addrs: names, port }));
  }
  if (c.port === 0 || c.verbose || c.status) {
    out.note(
      `sctpcat: listening on ${names.map((a) => hostPort(a, port)).join(", ")}`,
    );
  }
  session.start();
  if (!c.echo) pumpStdin(session, c.raw, undefined);
  return await session.done;
}
