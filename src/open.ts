/**
 * gen_sctp `open/0,1,2`: creates, configures and binds a socket.
 *
 * @module
 */
import { addrList, type Ip, ipArg, parseIp, portArg } from "./addr.ts";
import { check, errnoName, SctpError } from "./errors.ts";
import { lib } from "./lib.ts";
import {
  encodeOpt,
  KERNEL_OPTS,
  setEncodedOpt,
  setKernelOpt,
  validateOpt,
} from "./options.ts";
import { SctpSocket } from "./socket.ts";
import type { SctpOptions, SocketHandle } from "./types.ts";
import { classify, SETTINGS_KERNEL_OPTS } from "./socket_options.ts";

/**
 * Options of {@linkcode open}: gen_sctp's open options (`ip`/`ifaddr`,
 * `port`, `family`, `type`, `netns`, `bind_to_device`) plus any socket
 * option (`mode`, `active`, `buffer`, `sctp_initmsg`, ...).
 *
 * @example
 * ```ts
 * import type { OpenOptions } from "./mod.ts";
 * const o: OpenOptions = { ip: ["10.0.0.1", "10.0.1.1"], port: 2905, type: "stream" };
 * ```
 */
export interface OpenOptions extends SctpOptions {
  /** Local address(es); a list binds several (multi-homing). */
  ip?: string | string[];
  /** Same as `ip`. */
  ifaddr?: string | string[];
  /** Local port (0 = any). */
  port?: number;
  /** "inet" (default) or "inet6"; an IPv6 `ip` implies "inet6". */
  family?: "inet" | "inet6";
  /** "seqpacket" (one-to-many, default) or "stream" (one-to-one). */
  type?: "seqpacket" | "stream";
  /** Open inside this network namespace file (e.g. /var/run/netns/x). */
  netns?: string;
  /** SO_BINDTODEVICE: an interface name. */
  bind_to_device?: string;
}

const OPEN_ONLY = new Set([
  "ip",
  "ifaddr",
  "port",
  "family",
  "type",
  "netns",
  "bind_to_device",
]);

/**
 * Opens an SCTP socket (gen_sctp `open/0,1,2`): `open()`, `open(opts)`,
 * `open(port)` or `open(port, opts)`. Defaults as gen_sctp's: binary mode,
 * passive, buffer 65536, seqpacket, every event but adaptation and
 * authentication subscribed. Bad options throw TypeError/RangeError (gen_sctp's
 * badarg); bind failures reject with an SctpError (`eaddrinuse`, ...).
 *
 * @example A one-to-many server on two loopback addresses
 * ```ts
 * import { open } from "./mod.ts";
 * await using s = await open(0, { ip: ["127.0.0.1", "127.0.0.2"], active: true });
 * await s.listen(true);
 * s.addEventListener("sctp", (e) => console.log((e as CustomEvent).detail));
 * ```
 */
export async function open(
  portOrOpts?: number | OpenOptions,
  maybeOpts?: OpenOptions,
): Promise<SctpSocket> {
  let opts: OpenOptions;
  if (typeof portOrOpts === "number") {
    if (
      maybeOpts !== undefined &&
      (maybeOpts === null || typeof maybeOpts !== "object" ||
        Array.isArray(maybeOpts))
    ) {
      throw new TypeError("open: options must be an object");
    }
    opts = { ...(maybeOpts ?? {}), port: portOrOpts };
  } else if (portOrOpts === undefined) {
    opts = { ...(maybeOpts ?? {}) };
  } else if (
    portOrOpts !== null && typeof portOrOpts === "object" &&
    !Array.isArray(portOrOpts)
  ) {
    if (maybeOpts !== undefined) {
      throw new TypeError("open: expected open(port, opts)");
    }
    opts = { ...portOrOpts };
  } else {
    throw new TypeError("open: expected a port number or an options object");
  }
  const port = opts.port === undefined ? 0 : portArg(opts.port, "open: port");
  const type = opts.type ?? "seqpacket";
  if (type !== "seqpacket" && type !== "stream") {
    throw new TypeError(`open: type must be "seqpacket" or "stream"`);
  }
  const ipOpt = opts.ip ?? opts.ifaddr;
  const ipList = ipOpt === undefined
    ? []
    : Array.isArray(ipOpt)
    ? ipOpt
    : [ipOpt];
  let family: 4 | 6;
  if (opts.family === "inet6") family = 6;
  else if (opts.family === "inet") family = 4;
  else if (opts.family === undefined) {
    const last = ipList.length ? ipList[ipList.length - 1] : undefined;
    family = typeof last === "string" && parseIp(last)?.family === 6 ? 6 : 4;
  } else throw new TypeError(`open: family must be "inet" or "inet6"`);
  const ips: Ip[] = ipList.length === 0
    ? [ipArg("any", family, "open: ip")]
    : ipList.map((a) => ipArg(a, family, "open: ip"));
  for (const ip of ips) {
    if (ip.family !== family) {
      throw new TypeError(
        `open: address family does not match ${
          family === 4 ? "inet" : "inet6"
        }`,
      );
    }
  }
  if (opts.netns !== undefined && typeof opts.netns !== "string") {
    throw new TypeError("open: netns must be a path");
  }
  // validate every option before creating anything
  // the defaults first, then the caller's options in the caller's order
  // (so `{ recbuf, buffer }` ends with that buffer, `{ buffer, recbuf }`
  // with the larger of the two, as setopts would)
  const rest: Record<string, unknown> = { mode: "binary" };
  if (opts.buffer === undefined) rest.buffer = 65536;
  // kernel options that change nothing else of the socket are encoded once,
  // here, and set after the others; those that do keep their place
  const pre: [string, Uint8Array][] = [];
  for (const [k, v] of Object.entries(opts)) {
    if (OPEN_ONLY.has(k) || v === undefined) continue;
    const kind = classify(k);
    if (kind === "socket" || kind === "mode") rest[k] = v;
    else if (kind === "kernel") {
      if (KERNEL_OPTS[k].readonly) continue; // sctp_status & co: ignored
      if (SETTINGS_KERNEL_OPTS.has(k)) {
        validateOpt(k, v, family);
        rest[k] = v;
      } else pre.push([k, encodeOpt(k, v, family)]);
    } else throw new TypeError(`open: unknown option ${k}`);
  }
  if (opts.sctp_events === undefined) {
    pre.push([
      "sctp_events",
      defaultEvents ??= encodeOpt("sctp_events", {}, 4),
    ]);
  }
  const ty = type === "stream" ? 1 : 0;
  let fd: number;
  if (opts.netns !== undefined) {
    const path = new TextEncoder().encode(opts.netns + "\0");
    fd = lib.sctp_shim_socket_netns(family, ty, path);
  } else {
    fd = lib.sctp_shim_socket(family, ty);
  }
  if (fd < 0) {
    const e = errnoName(fd);
    const hint = e === "esocktnosupport" || e === "eprotonosupport"
      ? " (this kernel has no SCTP: modprobe sctp)"
      : "";
    throw new SctpError(e, `open: ${e}${hint}`);
  }
  let s: SctpSocket;
  try {
    s = new SctpSocket({ fd, family, type });
  } catch (e) {
    // the poller could not take the fd (EMFILE/ENOMEM): it is still ours
    lib.sctp_shim_close(fd);
    throw e;
  }
  try {
    if (opts.bind_to_device !== undefined) {
      s._applyOpts({ bind_to_device: opts.bind_to_device });
    }
    s._applyOpts(rest);
    for (const [k, b] of pre) setEncodedOpt(fd, k, b);
    defaultBuffers(fd, family, opts);
    check(
      lib.sctp_shim_bind(fd, addrList(ips, port), ips.length),
      "open: bind",
    );
  } catch (e) {
    await s.close();
    throw e;
  }
  return s;
}

/**
 * The kernel buffers asked for when the caller sets none: 4 MiB each, which
 * Linux caps at twice net.core.rmem_max / wmem_max (425,984 bytes by
 * default). Measured on loopback in the VM (docs/options.md): with the
 * kernel's default receive buffer (212,992) 64 KiB messages crawl at ~9 a
 * second, C too (the rest of a message waits for a window update that comes
 * with a timer); with the capped request they run at 300-800. With the
 * default send buffer a library sender runs 16 KiB messages at 50-1,400 a
 * second against 2,900-3,700 with the capped request (each full buffer costs
 * it a wake-up through the poll worker, where C's sendmsg blocks). Not
 * `buffer`: gen_sctp's `recbuf` raises `buffer`, this does not. An explicit
 * setting (even 0) wins.
 */
const DEFAULT_BUF = 4 << 20;

/** gen_sctp's default subscription (`sctp_events` {}), encoded once. */
let defaultEvents: Uint8Array | undefined;

function defaultBuffers(
  fd: number,
  family: 4 | 6,
  given: OpenOptions,
): void {
  for (const name of ["recbuf", "sndbuf"] as const) {
    if (given[name] !== undefined) continue;
    try {
      setKernelOpt(fd, name, DEFAULT_BUF, family);
    } catch {
      // a kernel that refuses it keeps its default
    }
  }
}

/**
 * Takes over a socket handed to this Worker by
 * {@linkcode SctpSocket.controllingProcess}: pass it the message data.
 *
 * @example
 * ```ts ignore
 * import { adopt } from "./mod.ts";
 * self.onmessage = (e) => {
 *   const s = adopt(e.data);
 *   s.recv().then((m) => console.log(m));
 * };
 * ```
 */
export function adopt(message: unknown): SctpSocket {
  const m = message as { type?: string; handle?: SocketHandle };
  if (!m || m.type !== "sctp_socket" || !m.handle) {
    throw new TypeError("adopt: not a message from controllingProcess");
  }
  return SctpSocket._adopt(m.handle);
}
