/**
 * Conversions of send data and association arguments.
 *
 * @module
 */
import * as L from "./layout.ts";
import { isDetached } from "./receiver.ts";
import type { SctpAssocChange, SctpSndRcvInfo } from "./records.ts";
import { authinfoBits, prinfoBits, sndinfoParams } from "./rfc6458_info.ts";
import type { SctpAuthInfo, SctpPrInfo } from "./rfc6458_records.ts";
import type { Outgoing } from "./sender.ts";
import { sendParams, uintField } from "./sndrcvinfo.ts";
import type { SendOptions } from "./types.ts";

const encoder = new TextEncoder();

function notDetached(b: ArrayBufferLike): void {
  if (isDetached(b)) {
    throw new TypeError("data: the buffer is detached (transferred)");
  }
}

/**
 * Converts send data to one byte array (copying only iolists and strings,
 * which then make a fresh array: see {@linkcode isFreshBytes}). A detached
 * buffer is a TypeError (not an empty message).
 */
export function toBytes(data: unknown): Uint8Array {
  if (data instanceof Uint8Array) {
    notDetached(data.buffer);
    return data;
  }
  if (typeof data === "string") return encoder.encode(data);
  if (data instanceof ArrayBuffer) {
    notDetached(data);
    return new Uint8Array(data);
  }
  if (ArrayBuffer.isView(data)) {
    notDetached(data.buffer);
    return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  }
  if (Array.isArray(data)) {
    const parts: Uint8Array[] = [];
    let len = 0;
    const walk = (d: unknown) => {
      if (typeof d === "number") {
        if (!Number.isInteger(d) || d < 0 || d > 255) {
          throw new TypeError(`data: ${d} is not a byte`);
        }
        parts.push(Uint8Array.of(d));
        len++;
      } else if (Array.isArray(d)) d.forEach(walk);
      else {
        const b = toBytes(d);
        parts.push(b);
        len += b.length;
      }
    };
    walk(data);
    const out = new Uint8Array(len);
    let o = 0;
    for (const p of parts) {
      out.set(p, o);
      o += p.length;
    }
    return out;
  }
  throw new TypeError(
    "data: expected Uint8Array, ArrayBuffer(View), string or an iolist",
  );
}

/**
 * Whether toBytes(data) made a new array (nobody else holds it): a send
 * that must wait keeps it as it is; otherwise it copies the caller's bytes
 * (the caller may write to its buffer once send() has returned).
 */
export const isFreshBytes = (data: unknown): boolean =>
  typeof data === "string" || Array.isArray(data);

/** An association id from an id or an `sctp_assoc_change` record. */
export function assocId(a: unknown, what: string): number {
  if (typeof a === "number") return uintField(a, 32, `${what}: assoc id`);
  if (
    a !== null && typeof a === "object" &&
    (a as SctpAssocChange).type === "sctp_assoc_change"
  ) {
    return uintField((a as SctpAssocChange).assoc_id, 32, `${what}: assoc_id`);
  }
  throw new TypeError(
    `${what}: expected an assoc id or an sctp_assoc_change record`,
  );
}

/** Whether `x` is a `{ signal }` object (not data: not bytes, a list or text). */
const isSendOptions = (x: unknown): boolean =>
  x !== null && typeof x === "object" && !Array.isArray(x) &&
  !ArrayBuffer.isView(x) && !(x instanceof ArrayBuffer);

const SEND_OPTION_KEYS = ["signal", "prinfo", "authinfo"];

/**
 * The options of a send: its AbortSignal, and an sctp_prinfo /
 * sctp_authinfo applied to `m` (flag bits; a policy's value replaces the
 * time-to-live, as the kernel reads it).
 */
function sendOptions(o: unknown, m: Outgoing): AbortSignal | undefined {
  if (o === undefined) return undefined;
  if (!isSendOptions(o)) throw new TypeError("send: too many arguments");
  const r = o as SendOptions;
  for (const k of Object.keys(r)) {
    if (!SEND_OPTION_KEYS.includes(k)) {
      throw new TypeError(`send: unknown option ${k}`);
    }
  }
  const signal = r.signal;
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    throw new TypeError("send: signal must be an AbortSignal");
  }
  if (r.prinfo !== undefined) {
    const [bits, value] = prinfoBits(r.prinfo, "send: prinfo");
    m.flags = (m.flags & ~L.SEND_PR_MASK) | bits;
    if (bits !== 0) m.ttl = value;
  }
  if (r.authinfo !== undefined) {
    m.flags = (m.flags | authinfoBits(r.authinfo, "send: authinfo")) >>> 0;
  }
  return signal;
}

/**
 * The message of `send(assoc, stream, data, opts?)` or `send(sndrcvinfo,
 * data, opts?)` (`defaults`: the socket has sctp_default_send_param, which
 * plain sends use), whether its bytes were made for it (see isFreshBytes),
 * and the AbortSignal of `opts`.
 */
export function outgoing(
  a: unknown,
  b: unknown,
  c: unknown,
  d: unknown,
  defaults: boolean,
): { m: Outgoing; fresh: boolean; signal?: AbortSignal } {
  if (
    typeof a === "number" ||
    (a as SctpAssocChange)?.type === "sctp_assoc_change"
  ) {
    if (typeof b !== "number" || !Number.isInteger(b)) {
      throw new TypeError("send: stream must be an integer");
    }
    const m: Outgoing = {
      assoc: assocId(a, "send"),
      stream: uintField(b, 16, "send: stream"),
      bytes: toBytes(c),
      ppid: 0,
      flags: defaults ? L.SEND_DEFAULTS : 0,
      context: 0,
      ttl: 0,
    };
    return { m, fresh: isFreshBytes(c), signal: sendOptions(d, m) };
  }
  if (d !== undefined) throw new TypeError("send: too many arguments");
  const sp = sendParams(a as SctpSndRcvInfo, "send");
  const m: Outgoing = {
    bytes: toBytes(b),
    assoc: sp.assoc_id,
    stream: sp.stream,
    ppid: sp.ppid,
    flags: sp.flags,
    context: sp.context,
    ttl: sp.timetolive,
  };
  return { m, fresh: isFreshBytes(b), signal: sendOptions(c, m) };
}

/**
 * The message of `sendv(data, { sndinfo, prinfo, authinfo }, opts?)`
 * (RFC 6458 sctp_sendv's three kinds of information).
 */
export function outgoingV(
  data: unknown,
  info: unknown,
  opts: unknown,
): { m: Outgoing; fresh: boolean; signal?: AbortSignal } {
  if (info === null || typeof info !== "object" || Array.isArray(info)) {
    throw new TypeError("sendv: expected { sndinfo?, prinfo?, authinfo? }");
  }
  const i = info as Record<string, unknown>;
  for (const k of Object.keys(i)) {
    if (k !== "sndinfo" && k !== "prinfo" && k !== "authinfo") {
      throw new TypeError(`sendv: unknown information ${k}`);
    }
  }
  const sp = sndinfoParams(i.sndinfo ?? {}, "sendv: sndinfo");
  const m: Outgoing = {
    bytes: toBytes(data),
    assoc: sp.assoc_id,
    stream: sp.sid,
    ppid: sp.ppid,
    flags: sp.flags,
    context: sp.context,
    ttl: 0,
  };
  if (opts !== undefined && !isSendOptions(opts)) {
    throw new TypeError("sendv: options must be an object");
  }
  const o = { ...(opts as SendOptions | undefined) };
  if (i.prinfo !== undefined) o.prinfo = i.prinfo as SctpPrInfo;
  if (i.authinfo !== undefined) o.authinfo = i.authinfo as SctpAuthInfo;
  return { m, fresh: isFreshBytes(data), signal: sendOptions(o, m) };
}
