/**
 * sctpcat's error lines: one line per failure, with gen_sctp's reason and
 * what to do about it.
 *
 * @module
 */
import { SctpError } from "../mod.ts";

const NO_SCTP =
  "this kernel has no SCTP: load it with `sudo modprobe sctp` (see `sctpcat check`)";

/** What to do, by gen_sctp reason (and by what failed, where it matters). */
const HINTS: Record<string, string> = {
  eprotonosupport: NO_SCTP,
  esocktnosupport: NO_SCTP,
  eaddrinuse: "the port is in use: choose another one (0: any free port)",
  eaddrnotavail:
    "that address is not one of this host's (see `ip addr`): bind an address it has",
  eacces: "ports below 1024 need root or CAP_NET_BIND_SERVICE",
  eperm: "not permitted here (ports below 1024 need CAP_NET_BIND_SERVICE)",
  econnrefused:
    "nobody listens there: is the server running, on that address and port?",
  cant_assoc:
    "the peer did not accept the association: is the server running, on that address and port?",
  comm_lost: "the peer aborted the association or became unreachable",
  timeout:
    "no answer: check the address, the port and firewalls (or raise --timeout)",
  nxdomain: "cannot resolve that name: check it, or give an IP address",
  enetunreach: "no route to that network: check the address",
  ehostunreach: "no route to that host: check the address",
  eafnosupport:
    "address family mismatch: IPv6 needs -6 (or IPv6 addresses), IPv4 -4",
  emsgsize: "the message is too large for the socket: send smaller messages",
  epipe: "the association is shutting down or gone",
  eshutdown: "the association is shutting down or gone",
  enotconn: "the association is gone",
  enomem: "the kernel is out of memory for SCTP",
  emfile: "too many open files: raise the limit (ulimit -n)",
};

/** gen_sctp's reason of an error, as one word (records by their state). */
export function reasonOf(e: unknown): string | undefined {
  if (!(e instanceof SctpError)) return undefined;
  const r = e.reason;
  if (typeof r === "string") return r;
  const rec = r as { type: string; state?: string };
  return rec.state ?? rec.type;
}

/** The hint for a reason, if one is known. */
export function hintFor(reason: string, what = ""): string | undefined {
  if (reason === "einval" && /send/.test(what)) {
    return "the stream must be below the association's outbound streams (ask for more with --streams)";
  }
  return HINTS[reason];
}

/**
 * The one line (without "sctpcat: ") for an error of operation `what`:
 * `what: reason: hint`. Deno's permission errors keep their message (it
 * names the flag to add).
 */
export function describeError(e: unknown, what: string): string {
  const reason = reasonOf(e);
  if (reason !== undefined) {
    const hint = hintFor(reason, what);
    return `${what}: ${reason}${hint ? `: ${hint}` : ""}`;
  }
  if (e instanceof Error) return `${what}: ${e.message}`;
  return `${what}: ${String(e)}`;
}

/** An error that already carries its one line; the exit code is 1. */
export class Fatal extends Error {
  /** Creates the error with its line (without "sctpcat: "). */
  constructor(line: string) {
    super(line);
    this.name = "Fatal";
  }
}
