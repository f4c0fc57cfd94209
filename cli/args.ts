/**
 * sctpcat's command line: the usage text and the parser that turns argv into
 * a {@linkcode Command} (or a {@linkcode UsageError}, exit code 2).
 *
 * @module
 */

/** The usage text (`sctpcat --help`). */
export const USAGE = `usage:
  sctpcat listen [IP[,IP...]] PORT [options]   serve on PORT (0: any port)
  sctpcat connect HOST[,HOST...] PORT [options]
  sctpcat check [--json]                       does this kernel have SCTP?

Lines of stdin become messages; received messages go to stdout.

options:
  --stream N        send on stream N (default 0)
  --ppid N          payload protocol identifier of sent messages (default 0)
  --unordered       send unordered
  --streams N       ask for N outbound and accept N inbound streams (sctp_initmsg)
  --raw             stdin bytes as they come (no lines); received bytes as they are
  --one-to-many     listen: serve every peer; output lines are prefixed with
                    [assoc ID stream N]; stdin lines go to every association
  --echo            listen: send back what arrives, on its stream and ppid
  --local IP[,IP]   connect: bind these local addresses (multi-homing)
  -4, -6            IPv4 (default) or IPv6 for host names and "any"
  --timeout S       connect: give up after S seconds (default 10)
  --wait S          connect: after stdin ends, keep receiving S seconds
                    (default 0; with --count: until the count is reached)
  --count N         exit after receiving N messages
  --status          every second: each association's state, streams and paths
                    (state, RTO, SRTT, cwnd, MTU) on stderr, and every event
  --json            everything as JSON lines on stdout (data, events, status)
  --bench SIZE COUNT  connect: send COUNT messages of SIZE bytes (k, m: KiB,
                    MiB), print the rate and bandwidth
  -v, --verbose     events (association up/down, paths, shutdown) on stderr
  -h, --help        this text

Ctrl-C closes the associations gracefully; a second Ctrl-C aborts them.
Exit codes: 0 done, 1 runtime error, 2 bad arguments.`;

/** A bad command line: printed with the usage, exit code 2. */
export class UsageError extends Error {
  /** Creates the error with the message printed before the usage. */
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** The options shared by `listen` and `connect`. */
export interface CommonOptions {
  /** The port (listen: local, 0 = any; connect: the peer's). */
  port: number;
  /** `inet` or `inet6` (-6, or an IPv6 address given). */
  family: "inet" | "inet6";
  /** Stream of the messages sent. */
  stream: number;
  /** ppid of the messages sent. */
  ppid: number;
  /** Send unordered. */
  unordered: boolean;
  /** sctp_initmsg num_ostreams / max_instreams, when given. */
  streams?: number;
  /** stdin and stdout as bytes, not lines. */
  raw: boolean;
  /** Print the status table (or JSON) once a second, and events. */
  status: boolean;
  /** JSON lines on stdout. */
  json: boolean;
  /** Events on stderr. */
  verbose: boolean;
  /** Exit after this many received messages. */
  count?: number;
}

/** `sctpcat listen`. */
export interface ListenCommand extends CommonOptions {
  /** Command name. */
  cmd: "listen";
  /** Local addresses (empty: any). */
  addrs: string[];
  /** Serve every peer (else the first association, then exit). */
  oneToMany: boolean;
  /** Send back what arrives. */
  echo: boolean;
}

/** `sctpcat connect`. */
export interface ConnectCommand extends CommonOptions {
  /** Command name. */
  cmd: "connect";
  /** The peer's addresses (several: sctp_connectx). */
  addrs: string[];
  /** Local addresses to bind (empty: any). */
  local: string[];
  /** Connect timeout, seconds. */
  timeout: number;
  /** Seconds to keep receiving after stdin ends (`--wait`). */
  wait?: number;
  /** `--bench SIZE COUNT`. */
  bench?: { size: number; count: number };
}

/** `sctpcat check`. */
export interface CheckCommand {
  /** Command name. */
  cmd: "check";
  /** Print JSON. */
  json: boolean;
}

/** `sctpcat --help`. */
export interface HelpCommand {
  /** Command name. */
  cmd: "help";
}

/** A parsed command line. */
export type Command =
  | ListenCommand
  | ConnectCommand
  | CheckCommand
  | HelpCommand;

const VALUED = new Set([
  "--stream",
  "--ppid",
  "--streams",
  "--local",
  "--timeout",
  "--wait",
  "--count",
  "--bench",
]);
const FLAGS = new Set([
  "--unordered",
  "--raw",
  "--one-to-many",
  "--echo",
  "--status",
  "--json",
  "--verbose",
  "-v",
  "-4",
  "-6",
  "-h",
  "--help",
]);

/** An integer in [min, max] from `s`, or a UsageError naming `what`. */
function int(s: string, what: string, min: number, max: number): number {
  if (!/^\d+$/.test(s)) {
    throw new UsageError(`${what}: expected an integer, got "${s}"`);
  }
  const n = Number(s);
  if (n < min || n > max) {
    throw new UsageError(`${what}: ${s} is outside ${min}..${max}`);
  }
  return n;
}

/** Seconds (a non-negative number, fractions allowed). */
function seconds(s: string, what: string): number {
  const n = Number(s);
  if (s === "" || !Number.isFinite(n) || n < 0) {
    throw new UsageError(`${what}: expected seconds, got "${s}"`);
  }
  return n;
}

/** A size with an optional k/m suffix (KiB, MiB). */
function size(s: string, what: string): number {
  const m = /^(\d+)([kKmM]?)(i?[bB])?$/.exec(s);
  if (!m) throw new UsageError(`${what}: expected a size such as 1024 or 64k`);
  const mult = m[2] === "" ? 1 : /k/i.test(m[2]) ? 1024 : 1024 * 1024;
  const n = Number(m[1]) * mult;
  if (n < 1 || n > 16 * 1024 * 1024) {
    throw new UsageError(`${what}: ${s} is outside 1 byte..16m`);
  }
  return n;
}

/** A comma-separated address list. */
function addrList(s: string, what: string): string[] {
  const list = s.split(",").map((a) => a.trim());
  if (list.some((a) => a === "")) {
    throw new UsageError(`${what}: empty address in "${s}"`);
  }
  return list;
}

const isV6 = (a: string) => a.includes(":");

/**
 * Parses sctpcat's arguments (argv without the runtime and script). Throws
 * {@linkcode UsageError} for anything it cannot take.
 */
export function parseArgs(argv: string[]): Command {
  const pos: string[] = [];
  const flags = new Set<string>();
  const vals = new Map<string, string[]>();
  for (let i = 0; i < argv.length; i++) {
    let a = argv[i];
    if (a === "--") {
      pos.push(...argv.slice(i + 1));
      break;
    }
    if (!a.startsWith("-") || a === "-") {
      pos.push(a);
      continue;
    }
    let inline: string | undefined;
    const eq = a.indexOf("=");
    if (a.startsWith("--") && eq > 0) {
      inline = a.slice(eq + 1);
      a = a.slice(0, eq);
    }
    if (FLAGS.has(a)) {
      if (inline !== undefined) {
        throw new UsageError(`${a} takes no value`);
      }
      flags.add(a);
    } else if (VALUED.has(a)) {
      const want = a === "--bench" ? 2 : 1;
      const got: string[] = [];
      if (inline !== undefined) got.push(inline);
      while (got.length < want) {
        const next = argv[++i];
        if (next === undefined) {
          throw new UsageError(
            `${a} needs ${want === 2 ? "SIZE and COUNT" : "a value"}`,
          );
        }
        got.push(next);
      }
      if (vals.has(a)) throw new UsageError(`${a} given twice`);
      vals.set(a, got);
    } else {
      throw new UsageError(`unknown option ${a}`);
    }
  }
  if (flags.has("-h") || flags.has("--help") || pos[0] === "help") {
    return { cmd: "help" };
  }
  const cmd = pos.shift();
  if (cmd === undefined) throw new UsageError("no command given");
  const only = (names: string[], where: string) => {
    for (const n of names) {
      if (flags.has(n) || vals.has(n)) {
        throw new UsageError(`${n} is for ${where}`);
      }
    }
  };
  const val = (n: string) => vals.get(n)?.[0];

  if (cmd === "check") {
    if (pos.length) throw new UsageError(`check takes no argument`);
    for (const n of [...flags, ...vals.keys()]) {
      if (n !== "--json") throw new UsageError(`${n} is not for check`);
    }
    return { cmd: "check", json: flags.has("--json") };
  }
  if (cmd !== "listen" && cmd !== "connect") {
    throw new UsageError(`unknown command "${cmd}"`);
  }
  if (flags.has("-4") && flags.has("-6")) {
    throw new UsageError("-4 and -6 exclude each other");
  }
  const portStr = pos.pop();
  if (portStr === undefined) throw new UsageError(`${cmd}: PORT missing`);
  const port = int(portStr, "PORT", cmd === "listen" ? 0 : 1, 65535);
  let addrs: string[];
  if (cmd === "listen") {
    if (pos.length > 1) {
      throw new UsageError(
        `listen: too many arguments (addresses are one comma-separated list)`,
      );
    }
    addrs = pos.length ? addrList(pos[0], "listen") : [];
  } else {
    if (pos.length !== 1) {
      throw new UsageError(
        pos.length === 0
          ? "connect: HOST missing"
          : "connect: too many arguments (addresses are one comma-separated list)",
      );
    }
    addrs = addrList(pos[0], "connect");
  }
  const local = val("--local") ? addrList(val("--local")!, "--local") : [];
  const all = [...addrs, ...local];
  const family = flags.has("-6") || all.some(isV6) ? "inet6" : "inet";
  if (flags.has("-4") && all.some(isV6)) {
    throw new UsageError("-4 with an IPv6 address");
  }
  if (family === "inet6" && all.some((a) => /^\d+\.\d+\.\d+\.\d+$/.test(a))) {
    throw new UsageError("IPv4 and IPv6 addresses mixed (one family a socket)");
  }
  const common: CommonOptions = {
    port,
    family,
    stream: val("--stream") ? int(val("--stream")!, "--stream", 0, 65535) : 0,
    ppid: val("--ppid") ? int(val("--ppid")!, "--ppid", 0, 0xffffffff) : 0,
    unordered: flags.has("--unordered"),
    raw: flags.has("--raw"),
    status: flags.has("--status"),
    json: flags.has("--json"),
    verbose: flags.has("-v") || flags.has("--verbose"),
  };
  if (vals.has("--streams")) {
    common.streams = int(val("--streams")!, "--streams", 1, 65535);
  }
  if (vals.has("--count")) {
    common.count = int(val("--count")!, "--count", 1, Number.MAX_SAFE_INTEGER);
  }
  if (common.streams !== undefined && common.stream >= common.streams) {
    throw new UsageError(
      `--stream ${common.stream} needs --streams ${common.stream + 1} or more`,
    );
  }
  if (cmd === "listen") {
    only(["--local", "--timeout", "--wait", "--bench"], "connect");
    return {
      cmd,
      ...common,
      addrs,
      oneToMany: flags.has("--one-to-many"),
      echo: flags.has("--echo"),
    };
  }
  only(["--one-to-many", "--echo"], "listen");
  const c: ConnectCommand = {
    cmd,
    ...common,
    addrs,
    local,
    timeout: vals.has("--timeout")
      ? seconds(val("--timeout")!, "--timeout")
      : 10,
  };
  if (vals.has("--wait")) c.wait = seconds(val("--wait")!, "--wait");
  const b = vals.get("--bench");
  if (b) {
    c.bench = {
      size: size(b[0], "--bench SIZE"),
      count: int(b[1], "--bench COUNT", 1, Number.MAX_SAFE_INTEGER),
    };
    if (common.raw) throw new UsageError("--bench sends no stdin: drop --raw");
  }
  if (c.timeout === 0) throw new UsageError("--timeout: must be above 0");
  return c;
}
