/**
 * The shim's SNDRCVINFO layout <-> `sctp_sndrcvinfo` records, with gen_sctp's
 * validation of send parameters.
 *
 * @module
 */
import * as L from "./layout.ts";
import type { SctpSndRcvInfo, SndRcvFlag } from "./records.ts";

/** Size of SNDRCVINFO in shim buffers. */
export const SRI_SIZE: number = L.SRI_SIZE;

const FLAG_BITS: Record<SndRcvFlag, number> = {
  unordered: L.SF_UNORDERED,
  addr_over: L.SF_ADDR_OVER,
  abort: L.SF_ABORT,
  eof: L.SF_EOF,
};
const FLAG_ORDER: SndRcvFlag[] = ["unordered", "addr_over", "abort", "eof"];

/** Flag bits -> gen_sctp's flag list, in its fixed order. */
export function flagsFromBits(bits: number): SndRcvFlag[] {
  if (bits === 0) return [];
  const out: SndRcvFlag[] = [];
  for (const f of FLAG_ORDER) if (bits & FLAG_BITS[f]) out.push(f);
  return out;
}

/** A flag list -> bits; TypeError for an unknown flag. */
export function flagsToBits(flags: unknown, what = "flags"): number {
  if (flags === undefined) return 0;
  if (!Array.isArray(flags)) {
    throw new TypeError(`${what}: expected a list of flags`);
  }
  let bits = 0;
  for (const f of flags) {
    const b = typeof f === "string" && Object.hasOwn(FLAG_BITS, f)
      ? FLAG_BITS[f as SndRcvFlag]
      : undefined;
    if (b === undefined) {
      throw new TypeError(`${what}: unknown flag ${String(f)}`);
    }
    bits |= b;
  }
  return bits;
}

/** Reads a SNDRCVINFO at `off`. */
export function readSri(dv: DataView, off: number): SctpSndRcvInfo {
  const u = (o: number) => dv.getUint32(off + o, true);
  return {
    type: "sctp_sndrcvinfo",
    stream: u(L.SRI_STREAM),
    ssn: u(L.SRI_SSN),
    flags: flagsFromBits(u(L.SRI_FLAGS)),
    ppid: u(L.SRI_PPID),
    context: u(L.SRI_CONTEXT),
    timetolive: u(L.SRI_TIMETOLIVE),
    tsn: u(L.SRI_TSN),
    cumtsn: u(L.SRI_CUMTSN),
    assoc_id: u(L.SRI_ASSOC_ID),
  };
}

/** Checks an unsigned integer field; TypeError / RangeError naming it. */
export function uintField(v: unknown, bits: 8 | 16 | 32, what: string): number {
  if (typeof v !== "number" || !Number.isInteger(v)) {
    throw new TypeError(`${what}: expected an integer, got ${String(v)}`);
  }
  const max = bits === 32 ? 0xffffffff : (1 << bits) - 1;
  if (v < 0 || v > max) {
    throw new RangeError(`${what}: ${v} is outside 0..${max}`);
  }
  return v;
}

/** Validated send parameters of a sndrcvinfo (undefined fields -> 0). */
export interface SendParams {
  stream: number;
  flags: number;
  ppid: number;
  context: number;
  timetolive: number;
  assoc_id: number;
}

/** gen_sctp's checks of a sndrcvinfo used for sending or setting. */
export function sendParams(
  info: unknown,
  what = "sctp_sndrcvinfo",
): SendParams {
  if (info === null || typeof info !== "object" || Array.isArray(info)) {
    throw new TypeError(`${what}: expected an sctp_sndrcvinfo record`);
  }
  const r = info as Record<string, unknown>;
  for (const k of Object.keys(r)) {
    if (!SRI_FIELDS.has(k)) throw new TypeError(`${what}: unknown field ${k}`);
  }
  if (r.type !== undefined && r.type !== "sctp_sndrcvinfo") {
    throw new TypeError(`${what}: not an sctp_sndrcvinfo record`);
  }
  if (r.ssn !== undefined || r.tsn !== undefined || r.cumtsn !== undefined) {
    const k = r.ssn !== undefined
      ? "ssn"
      : r.tsn !== undefined
      ? "tsn"
      : "cumtsn";
    throw new TypeError(`${what}.${k}: must be undefined when sending`);
  }
  return {
    stream: field(r.stream, 16, what, "stream"),
    flags: r.flags === undefined ? 0 : flagsToBits(r.flags, `${what}.flags`),
    ppid: field(r.ppid, 32, what, "ppid"),
    context: field(r.context, 32, what, "context"),
    timetolive: field(r.timetolive, 32, what, "timetolive"),
    assoc_id: field(r.assoc_id, 32, what, "assoc_id"),
  };
}

const SRI_FIELDS = new Set([
  "type",
  "stream",
  "ssn",
  "flags",
  "ppid",
  "context",
  "timetolive",
  "tsn",
  "cumtsn",
  "assoc_id",
]);

/** An optional unsigned field: 0 when undefined; the message is built only on error. */
function field(v: unknown, bits: 16 | 32, what: string, k: string): number {
  if (v === undefined) return 0;
  if (
    typeof v === "number" && Number.isInteger(v) && v >= 0 &&
    v <= (bits === 16 ? 0xffff : 0xffffffff)
  ) return v;
  return uintField(v, bits, `${what}.${k}`);
}

/** Writes send parameters as a SNDRCVINFO at `off`. */
export function writeSri(dv: DataView, off: number, p: SendParams): void {
  const set = (o: number, v: number) => dv.setUint32(off + o, v, true);
  for (let o = 0; o < L.SRI_SIZE; o += 4) set(o, 0); // ssn, tsn, cumtsn
  set(L.SRI_STREAM, p.stream);
  set(L.SRI_FLAGS, p.flags);
  set(L.SRI_PPID, p.ppid);
  set(L.SRI_CONTEXT, p.context);
  set(L.SRI_TIMETOLIVE, p.timetolive);
  set(L.SRI_ASSOC_ID, p.assoc_id);
}
