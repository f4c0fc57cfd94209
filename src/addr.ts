/**
 * IP addresses: parsing and formatting strings, and the shim's 24-byte
 * ADDRESS layout (`c/sctp_shim.h`).
 *
 * @module
 */
import { lookup } from "node:dns/promises";
import { isPermissionError, requireNet } from "../shim/perm.ts";
import { SctpError } from "./errors.ts";
import * as L from "./layout.ts";

/** Size of one ADDRESS in shim buffers. */
export const ADDR_SIZE: number = L.ADDR_SIZE;

/**
 * An address family as gen_sctp names it.
 *
 * @example
 * ```ts
 * import type { Family } from "./mod.ts";
 * const f: Family = "inet6";
 * ```
 */
export type Family = "inet" | "inet6";

/** A parsed IP address. */
export interface Ip {
  family: 4 | 6;
  bytes: Uint8Array;
  scope?: number;
}

function parse4(s: string): Uint8Array | null {
  const parts = s.split(".");
  if (parts.length !== 4) return null;
  const out = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    if (!/^\d{1,3}$/.test(parts[i])) return null;
    const v = Number(parts[i]);
    if (v > 255) return null;
    out[i] = v;
  }
  return out;
}

function parse6(s: string): Uint8Array | null {
  const out = new Uint8Array(16);
  let tail4: Uint8Array | null = null;
  const last = s.lastIndexOf(":");
  if (s.includes(".")) {
    tail4 = parse4(s.slice(last + 1));
    if (!tail4) return null;
    s = s.slice(0, last + 1) + "0:0";
  }
  const dbl = s.split("::");
  if (dbl.length > 2) return null;
  const head = dbl[0] ? dbl[0].split(":") : [];
  const rest = dbl.length === 2 && dbl[1] ? dbl[1].split(":") : [];
  const groups = dbl.length === 2 ? head.length + rest.length : head.length;
  if (dbl.length === 1 && groups !== 8) return null;
  if (dbl.length === 2 && groups > 7) return null;
  const words = [
    ...head,
    ...new Array(8 - groups).fill("0"),
    ...rest,
  ];
  if (dbl.length === 1) words.length = 8;
  for (let i = 0; i < 8; i++) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(words[i])) return null;
    const v = parseInt(words[i], 16);
    out[i * 2] = v >> 8;
    out[i * 2 + 1] = v & 255;
  }
  if (tail4) out.set(tail4, 12);
  return out;
}

/**
 * Parses an IP literal ("127.0.0.1", "::1", "fe80::1%2"); null if it is not
 * one (it may be a hostname).
 */
export function parseIp(s: string): Ip | null {
  const b4 = parse4(s);
  if (b4) return { family: 4, bytes: b4 };
  let scope: number | undefined;
  const pct = s.indexOf("%");
  if (pct >= 0) {
    const z = s.slice(pct + 1);
    if (!/^\d+$/.test(z)) return null;
    scope = Number(z);
    // sin6_scope_id is 32 bits: a larger id must not wrap to another one
    if (scope > 0xffffffff) return null;
    s = s.slice(0, pct);
  }
  const b6 = s.includes(":") ? parse6(s) : null;
  if (b6) {
    return scope === undefined
      ? { family: 6, bytes: b6 }
      : { family: 6, bytes: b6, scope };
  }
  return null;
}

/** Formats address bytes as a string (RFC 5952 for IPv6). */
export function formatIp(family: 4 | 6, b: Uint8Array): string {
  if (family === 4) return `${b[0]}.${b[1]}.${b[2]}.${b[3]}`;
  const w: number[] = [];
  for (let i = 0; i < 8; i++) w.push((b[i * 2] << 8) | b[i * 2 + 1]);
  if (
    w[0] === 0 && w[1] === 0 && w[2] === 0 && w[3] === 0 && w[4] === 0 &&
    w[5] === 0xffff
  ) {
    return `::ffff:${b[12]}.${b[13]}.${b[14]}.${b[15]}`;
  }
  let bestAt = -1, bestLen = 1;
  for (let i = 0; i < 8;) {
    if (w[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && w[j] === 0) j++;
    if (j - i > bestLen) {
      bestAt = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = w.map((x) => x.toString(16));
  if (bestAt < 0) return hex.join(":");
  return hex.slice(0, bestAt).join(":") + "::" +
    hex.slice(bestAt + bestLen).join(":");
}

/** The wildcard or loopback of a family. */
export function special(name: "any" | "loopback", family: 4 | 6): Ip {
  const bytes = new Uint8Array(family === 4 ? 4 : 16);
  if (name === "loopback") {
    if (family === 4) bytes.set([127, 0, 0, 1]);
    else bytes[15] = 1;
  }
  return { family, bytes };
}

/** Parses "any", "loopback" or an IP literal for `family`; TypeError else. */
export function ipArg(v: unknown, family: 4 | 6, what: string): Ip {
  if (v === "any" || v === "loopback") return special(v, family);
  if (typeof v === "string") {
    const ip = parseIp(v);
    if (ip) return ip;
  }
  throw new TypeError(
    `${what}: expected an IP address, "any" or "loopback", got ${String(v)}`,
  );
}

/** Resolves a host (IP literal, "any", "loopback", or name) for a family. */
export async function resolveHost(
  host: unknown,
  family: 4 | 6,
): Promise<Ip> {
  if (host === "any" || host === "loopback") return special(host, family);
  if (typeof host !== "string") {
    throw new TypeError(`address: expected a string, got ${typeof host}`);
  }
  const lit = parseIp(host);
  if (lit) {
    if (lit.family !== family) throw new SctpError("eafnosupport");
    return lit;
  }
  if (host === "" || host === ".") throw new SctpError("nxdomain");
  try {
    const r = await lookup(host, { family });
    const ip = parseIp(r.address);
    if (ip) return ip;
  } catch (e) {
    // a missing permission is not an unknown name: Deno fails the lookup
    // without --allow-net as EPERM, so name the flag
    if (isPermissionError(e)) throw e;
    if ((e as { code?: string }).code === "EPERM") requireNet(host);
  }
  throw new SctpError("nxdomain", `cannot resolve ${host}`);
}

/** Writes an ADDRESS at `off`. */
export function writeAddr(
  dv: DataView,
  off: number,
  ip: Ip,
  port: number,
): void {
  dv.setUint16(off + L.ADDR_FAMILY, ip.family, true); // AF_INET(6) is 4 (6)
  dv.setUint16(off + L.ADDR_PORT, port, true);
  dv.setUint32(off + L.ADDR_SCOPE, ip.scope ?? 0, true);
  const u8 = new Uint8Array(dv.buffer, dv.byteOffset + off + L.ADDR_BYTES, 16);
  u8.fill(0);
  u8.set(ip.bytes);
}

/** An address as read from the shim. */
export interface SockAddr {
  family: Family;
  addr: string;
  port: number;
}

/** Reads an ADDRESS at `off`; null when its family is 0. */
export function readAddr(dv: DataView, off: number): SockAddr | null {
  const fam = dv.getUint16(off + L.ADDR_FAMILY, true);
  if (fam !== L.AF_INET && fam !== L.AF_INET6) return null;
  const bytes = new Uint8Array(
    dv.buffer,
    dv.byteOffset + off + L.ADDR_BYTES,
    fam === L.AF_INET ? 4 : 16,
  );
  return {
    family: fam === L.AF_INET ? "inet" : "inet6",
    addr: formatIp(fam, bytes),
    port: dv.getUint16(off + L.ADDR_PORT, true),
  };
}

/** Encodes a list of (ip, port) into a fresh ADDRESS array. */
export function addrList(ips: Ip[], port: number | number[]): Uint8Array {
  const buf = new Uint8Array(ips.length * ADDR_SIZE);
  const dv = new DataView(buf.buffer);
  ips.forEach((ip, i) =>
    writeAddr(dv, i * ADDR_SIZE, ip, Array.isArray(port) ? port[i] : port)
  );
  return buf;
}

/** Validates a port number (0..65535): RangeError/TypeError. */
export function portArg(p: unknown, what = "port"): number {
  if (typeof p !== "number" || !Number.isInteger(p)) {
    throw new TypeError(`${what}: expected an integer, got ${String(p)}`);
  }
  if (p < 0 || p > 65535) {
    throw new RangeError(`${what}: ${p} is outside 0..65535`);
  }
  return p;
}
