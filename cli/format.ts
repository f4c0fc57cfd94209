/**
 * sctpcat's output formats: addresses, one-line event descriptions, data
 * messages as text or JSON, the status table, and JSON lines (bytes as
 * base64).
 *
 * @module
 */
import { errorString, type SctpEvent, type SctpSndRcvInfo } from "../mod.ts";

/** `ip:port`, with an IPv6 address in brackets. */
export function hostPort(addr: string, port: number): string {
  return addr.includes(":") ? `[${addr}]:${port}` : `${addr}:${port}`;
}

/** The wall-clock time as HH:MM:SS.mmm (local time). */
export function clock(d = new Date()): string {
  const p = (n: number, w = 2) => String(n).padStart(w, "0");
  return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${
    p(d.getMilliseconds(), 3)
  }`;
}

/** Base64 of bytes (no dependency on Buffer). */
export function base64(b: Uint8Array): string {
  let s = "";
  for (let i = 0; i < b.length; i += 0x8000) {
    s += String.fromCharCode(...b.subarray(i, i + 0x8000));
  }
  return btoa(s);
}

/**
 * One JSON line (with the newline): bytes become base64 strings, so event
 * records with payloads (`sctp_send_failed.data`) serialise compactly.
 */
export function jsonLine(v: unknown): string {
  return JSON.stringify(
    v,
    (_k, x) => x instanceof Uint8Array ? base64(x) : x,
  ) + "\n";
}

const code = (n: number) =>
  n === 0 ? "" : `, error ${n}${n <= 13 ? ` (${errorString(n)})` : ""}`;

/** One line describing an SCTP event (without time or newline). */
export function describeEvent(ev: SctpEvent): string {
  const a = "assoc_id" in ev ? `assoc ${ev.assoc_id}` : "endpoint";
  switch (ev.type) {
    case "sctp_assoc_change":
      return ev.state === "comm_up" || ev.state === "restart"
        ? `${a} ${ev.state}, streams in ${ev.inbound_streams} out ${ev.outbound_streams}`
        : `${a} ${ev.state}${code(ev.error)}`;
    case "sctp_paddr_change":
      return `${a} path ${hostPort(ev.addr.addr, ev.addr.port)} ${ev.state}${
        code(ev.error)
      }`;
    case "sctp_shutdown_event":
      return `${a} shutdown by the peer`;
    case "sctp_send_failed":
      return `${a} send failed${
        code(ev.error)
      }: ${ev.data.length} bytes on stream ${ev.info.stream ?? 0}`;
    case "sctp_remote_error":
      return `${a} remote error${code(ev.error)}`;
    case "sctp_adaptation_event":
      return `${a} adaptation indication ${ev.adaptation_ind}`;
    case "sctp_pdapi_event":
      return `${a} ${ev.indication}`;
    case "sctp_authkey_event":
      return `${a} auth key ${ev.keynumber} ${ev.indication}`;
    case "sctp_sender_dry_event":
      return `${a} sender dry`;
    default:
      return `${a} ${jsonLine(ev).trim()}`;
  }
}

/** The stream, ppid and unordered flag of a received message. */
export interface DataInfo {
  /** Association id. */
  assoc_id: number;
  /** Stream. */
  stream: number;
  /** Payload protocol identifier. */
  ppid: number;
  /** Sent unordered. */
  unordered: boolean;
}

/** The DataInfo of a message's sctp_sndrcvinfo (zeros when absent). */
export function dataInfo(info: SctpSndRcvInfo | undefined): DataInfo {
  return {
    assoc_id: info?.assoc_id ?? 0,
    stream: info?.stream ?? 0,
    ppid: info?.ppid ?? 0,
    unordered: info?.flags?.includes("unordered") ?? false,
  };
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * A received message as a JSON object: the bytes as `text` when they are
 * UTF-8, else as `base64`.
 */
export function dataJson(
  info: DataInfo,
  from: { addr: string; port: number },
  data: Uint8Array,
): Record<string, unknown> {
  const o: Record<string, unknown> = {
    type: "data",
    time: new Date().toISOString(),
    ...info,
    from,
    size: data.length,
  };
  try {
    o.text = utf8.decode(data);
  } catch {
    o.base64 = base64(data);
  }
  return o;
}

/** A path (peer address) of an association, as `--status` shows it. */
export interface PathStatus {
  /** The peer address. */
  addr: string;
  /** The peer port. */
  port: number;
  /** active, inactive, unconfirmed, pf (or unknown). */
  state: string;
  /** Retransmission timeout, ms. */
  rto: number;
  /** Smoothed round-trip time, ms. */
  srtt: number;
  /** Congestion window, bytes. */
  cwnd: number;
  /** Path MTU. */
  mtu: number;
  /** The primary path. */
  primary: boolean;
}

/** An association, as `--status` shows it. */
export interface AssocStatus {
  /** Association id. */
  assoc_id: number;
  /** sctp_status state (established, shutdown_sent, ...). */
  state: string;
  /** Inbound streams. */
  instrms: number;
  /** Outbound streams. */
  outstrms: number;
  /** Peer's receive window. */
  rwnd: number;
  /** Unacknowledged DATA chunks. */
  unackdata: number;
  /** DATA chunks waiting to be read. */
  penddata: number;
  /** Each peer address. */
  paths: PathStatus[];
}

/**
 * Lays out rows in columns two spaces apart; a column holding numbers is
 * right-aligned (its header too).
 */
export function table(rows: (string | number)[][]): string {
  const widths: number[] = [];
  const numeric: boolean[] = [];
  for (const r of rows) {
    r.forEach((c, i) => {
      widths[i] = Math.max(widths[i] ?? 0, String(c).length);
      if (typeof c === "number") numeric[i] = true;
    });
  }
  return rows.map((r) =>
    r.map((c, i) =>
      numeric[i]
        ? String(c).padStart(widths[i])
        : i === r.length - 1
        ? String(c)
        : String(c).padEnd(widths[i])
    ).join("  ").trimEnd()
  ).join("\n") + "\n";
}

/**
 * The `--status` table of one tick: a header with the time, then one row
 * per path, the association's columns on its first path's row (the
 * primary path marked `*`).
 */
export function statusTable(assocs: AssocStatus[], now = new Date()): string {
  const head = `-- ${clock(now)}`;
  if (assocs.length === 0) return `${head} no association\n`;
  const rows: (string | number)[][] = [[
    "ASSOC",
    "STATE",
    "IN",
    "OUT",
    "RWND",
    "UNACK",
    "PATH",
    "PSTATE",
    "RTO",
    "SRTT",
    "CWND",
    "MTU",
  ]];
  for (const a of assocs) {
    const paths = a.paths.length ? a.paths : [undefined];
    paths.forEach((p, i) => {
      const first: (string | number)[] = i === 0
        ? [a.assoc_id, a.state, a.instrms, a.outstrms, a.rwnd, a.unackdata]
        : ["", "", "", "", "", ""];
      rows.push(
        p
          ? [
            ...first,
            (p.primary ? "*" : " ") + hostPort(p.addr, p.port),
            p.state,
            p.rto,
            p.srtt,
            p.cwnd,
            p.mtu,
          ]
          : [...first, "-", "", "", "", "", ""],
      );
    });
  }
  return head + "\n" + table(rows);
}

/** A rate with thousands separators and `digits` decimals. */
export function num(n: number, digits = 0): string {
  return n.toLocaleString("en-US", {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
}
