/**
 * gen_sctp's socket options: names, validation, and the shim's option slot
 * layouts (`enum shim_opt` in `c/sctp_shim.h`; ids in layout.ts). Socket-level options
 * (`active`, `mode`, `buffer`, ...) are handled by the socket itself; this
 * module covers the kernel's.
 *
 * @module
 */
import {
  ADDR_SIZE,
  type Ip,
  ipArg,
  portArg,
  readAddr,
  writeAddr,
} from "./addr.ts";
import { optionHint } from "./capabilities.ts";
import { errnoName, SctpError } from "./errors.ts";
import * as L from "./layout.ts";
import {
  type BitsField,
  type EnumField,
  type Field,
  isKernelOpt,
  KERNEL_OPTS,
  PADDRINFO,
  type RecordDef,
} from "./option_table.ts";
import { bitNames, namesToBits } from "./bit_names.ts";
import { lib } from "./lib.ts";
import { isRecord, recordArg } from "./record_arg.ts";
import {
  flagsFromBits,
  flagsToBits,
  readSri,
  sendParams,
  SRI_SIZE,
  uintField,
  writeSri,
} from "./sndrcvinfo.ts";

export { isKernelOpt, KERNEL_OPTS, OPT_SNDBUFFORCE } from "./option_table.ts";

const SPP_FLAGS: readonly string[] = L.SPP_FLAGS;
const STATUS_STATES: readonly (string | undefined)[] = L.ST_STATES;
const PADDR_STATES: readonly (string | undefined)[] = L.PS_STATES;

/** Most u32 items of a `u32list` field (the shim's bound: 2048 streams). */
const LIST_MAX = 2048;
/** Most bytes of a `bytes` field (an AUTH key; the shim's bound). */
const BYTES_MAX = 4096;
/** Most items of a `u8list` / `hmac_ids` field (the shim's bound). */
const SHORT_LIST_MAX = 256;
/** HMAC identifiers (RFC 4895), by their IANA number. */
const HMAC_IDS: Record<string, number> = { sha1: 1, sha256: 3 };

function fieldSlots(t: Field): number {
  switch (t) {
    case "addr":
      return ADDR_SIZE / 4;
    case "paddrinfo":
      return 12;
    case "u64":
      return 2;
    case "u32list":
      return 1 + LIST_MAX;
    case "u8list":
    case "hmac_ids":
      return 1 + SHORT_LIST_MAX;
    case "bytes":
      return 1 + BYTES_MAX / 4;
    default:
      return 1;
  }
}

function recordSize(def: RecordDef): number {
  return def.fields.reduce((n, [, t]) => n + fieldSlots(t) * 4, 0);
}

const buf = new Uint8Array(4 * (64 + LIST_MAX));
const dv = new DataView(buf.buffer);

function addrField(v: unknown, family: 4 | 6, what: string): [Ip, number] {
  if (!isRecord(v)) {
    throw new TypeError(`${what}: expected { addr, port }`);
  }
  return [
    ipArg(v.addr, family, `${what}.addr`),
    portArg(v.port, `${what}.port`),
  ];
}

function writeField(
  off: number,
  t: Field,
  v: unknown,
  family: 4 | 6,
  what: string,
): number {
  if (typeof t === "object") {
    dv.setUint32(off, namedValue(t, v, what), true);
    return 4;
  }
  switch (t) {
    case "snd_flags":
      dv.setUint32(off, flagsToBits(v, what), true);
      return 4;
    case "u32list": {
      if (v === undefined) v = [];
      if (!Array.isArray(v)) throw new TypeError(`${what}: expected a list`);
      if (v.length > LIST_MAX) {
        throw new RangeError(`${what}: more than ${LIST_MAX} items`);
      }
      dv.setUint32(off, v.length, true);
      v.forEach((x, i) =>
        dv.setUint32(off + 4 + 4 * i, uintField(x, 16, `${what}[${i}]`), true)
      );
      return 4 + 4 * v.length;
    }
    case "u16":
      dv.setUint32(off, v === undefined ? 0 : uintField(v, 16, what), true);
      return 4;
    case "u8":
      dv.setUint32(off, v === undefined ? 0 : uintField(v, 8, what), true);
      return 4;
    case "hmac_ids":
      return writeList(off, v, what, (x, w) => {
        if (typeof x === "string") {
          if (!Object.hasOwn(HMAC_IDS, x)) {
            throw new TypeError(`${w}: expected sha1, sha256 or a number`);
          }
          return HMAC_IDS[x];
        }
        return uintField(x, 16, w);
      });
    case "u8list":
      return writeList(off, v, what, (x, w) => uintField(x, 8, w));
    case "bytes": {
      let b: Uint8Array;
      if (typeof v === "string") b = new TextEncoder().encode(v);
      else if (v instanceof Uint8Array) b = v;
      else if (v === undefined) b = new Uint8Array(0);
      else throw new TypeError(`${what}: expected a Uint8Array or a string`);
      if (b.length > BYTES_MAX) {
        throw new RangeError(`${what}: more than ${BYTES_MAX} bytes`);
      }
      dv.setUint32(off, b.length, true);
      buf.set(b, off + 4);
      const padded = (b.length + 3) & ~3;
      buf.fill(0, off + 4 + b.length, off + 4 + padded);
      return 4 + padded;
    }
    case "u32":
    case "assoc":
      dv.setUint32(off, v === undefined ? 0 : uintField(v, 32, what), true);
      return 4;
    case "bool":
      if (typeof v !== "boolean") {
        throw new TypeError(`${what}: expected a boolean`);
      }
      dv.setUint32(off, v ? 1 : 0, true);
      return 4;
    case "addr": {
      if (v === undefined) {
        new Uint8Array(buf.buffer, off, ADDR_SIZE).fill(0);
        return ADDR_SIZE;
      }
      const [ip, port] = addrField(v, family, what);
      if (ip.bytes.every((b) => b === 0) && port === 0) {
        new Uint8Array(buf.buffer, off, ADDR_SIZE).fill(0);
      } else writeAddr(dv, off, ip, port);
      return ADDR_SIZE;
    }
    case "spp_flags": {
      dv.setUint32(off, namesToBits(v, SPP_FLAGS, what), true);
      return 4;
    }
    default:
      throw new TypeError(`${what}: read-only field`);
  }
}

/** A short list (a count slot, then one slot per item). */
function writeList(
  off: number,
  v: unknown,
  what: string,
  item: (x: unknown, what: string) => number,
): number {
  if (v === undefined) v = [];
  if (!Array.isArray(v)) throw new TypeError(`${what}: expected a list`);
  if (v.length > SHORT_LIST_MAX) {
    throw new RangeError(`${what}: more than ${SHORT_LIST_MAX} items`);
  }
  dv.setUint32(off, v.length, true);
  v.forEach((x, i) =>
    dv.setUint32(off + 4 + 4 * i, item(x, `${what}[${i}]`), true)
  );
  return 4 + 4 * v.length;
}

/** A list field read back: its items (at most `max`). */
function readList(off: number, max: number): number[] {
  const n = Math.min(dv.getUint32(off, true), max);
  return Array.from(
    { length: n },
    (_, i) => dv.getUint32(off + 4 + 4 * i, true),
  );
}

/** An enum name -> its index, or a list of bit names -> the bits. */
function namedValue(
  t: EnumField | BitsField,
  v: unknown,
  what: string,
): number {
  if ("enum" in t) {
    const i = typeof v === "string" ? t.enum.indexOf(v) : -1;
    if (i < 0) {
      throw new TypeError(
        `${what}: expected one of ${t.enum.filter(Boolean).join(", ")}`,
      );
    }
    return i;
  }
  return namesToBits(v, t.bits, what);
}

function readField(off: number, t: Field): unknown {
  const u = dv.getUint32(off, true);
  if (typeof t === "object") {
    if ("enum" in t) return t.enum[u] ?? u;
    return bitNames(u, t.bits);
  }
  switch (t) {
    case "u64":
      return u + dv.getUint32(off + 4, true) * 2 ** 32;
    case "snd_flags":
      return flagsFromBits(u);
    case "bool":
      return u !== 0;
    case "addr": {
      const a = readAddr(dv, off);
      return a ? { addr: a.addr, port: a.port } : { addr: "any", port: 0 };
    }
    case "spp_flags":
      return bitNames(u, SPP_FLAGS);
    case "status_state":
      return STATUS_STATES[u];
    case "paddr_state":
      return PADDR_STATES[u];
    case "paddrinfo":
      return readRecord(off, PADDRINFO);
    case "u32list":
      return readList(off, LIST_MAX);
    case "u8list":
      return readList(off, SHORT_LIST_MAX);
    case "hmac_ids":
      return readList(off, SHORT_LIST_MAX).map((x) =>
        Object.keys(HMAC_IDS).find((k) => HMAC_IDS[k] === x) ?? x
      );
    default:
      return u;
  }
}

function readRecord(base: number, def: RecordDef): Record<string, unknown> {
  const out: Record<string, unknown> = { type: def.tag };
  let off = base;
  for (const [name, t] of def.fields) {
    out[name] = readField(off, t);
    off += fieldSlots(t) * 4;
  }
  return out;
}

function writeRecord(
  v: Record<string, unknown>,
  def: RecordDef,
  family: 4 | 6,
  what: string,
) {
  let off = 0;
  for (const [name, t] of def.fields) {
    const val = v[name] ?? def.defaults?.[name];
    off += writeField(off, t, val, family, `${what}.${name}`);
  }
  return off;
}

/** Validates a kernel option's value without touching the socket. */
export function validateOpt(name: string, value: unknown, family: 4 | 6): void {
  encode(name, value, family);
}

function encode(name: string, value: unknown, family: 4 | 6): number {
  const def = isKernelOpt(name) ? KERNEL_OPTS[name] : undefined;
  if (!def) throw new TypeError(`unknown option ${name}`);
  if (def.readonly) throw new TypeError(`${name}: read-only option`);
  switch (def.kind) {
    case "int":
      if (typeof value !== "number" || !Number.isInteger(value)) {
        throw new TypeError(`${name}: expected an integer`);
      }
      if (value < -0x80000000 || value > 0x7fffffff) {
        throw new RangeError(`${name}: ${value} is outside the int range`);
      }
      dv.setInt32(0, value, true);
      return 4;
    case "uint":
      if (typeof value !== "number" || !Number.isInteger(value)) {
        throw new TypeError(`${name}: expected an integer`);
      }
      if (value < 0 || value > 0x7fffffff) {
        throw new RangeError(`${name}: ${value} is outside 0..2147483647`);
      }
      dv.setInt32(0, value, true);
      return 4;
    case "bool":
      if (typeof value !== "boolean") {
        throw new TypeError(`${name}: expected a boolean`);
      }
      dv.setInt32(0, value ? 1 : 0, true);
      return 4;
    case "linger": {
      if (
        !Array.isArray(value) || value.length !== 2 ||
        typeof value[0] !== "boolean" || !Number.isInteger(value[1])
      ) throw new TypeError(`${name}: expected [boolean, seconds]`);
      if (value[1] < 0 || value[1] > 0x7fffffff) {
        throw new RangeError(`${name}: seconds out of range`);
      }
      dv.setInt32(0, value[0] ? 1 : 0, true);
      dv.setInt32(4, value[1], true);
      return 8;
    }
    case "bytes": {
      if (typeof value !== "string") {
        throw new TypeError(`${name}: expected an interface name`);
      }
      const b = new TextEncoder().encode(value);
      // IFNAMSIZ is 16 with the NUL: the kernel would silently truncate
      if (b.length > 15) {
        throw new RangeError(
          `${name}: interface name "${value}" is longer than 15 bytes`,
        );
      }
      if (b.includes(0)) {
        throw new TypeError(`${name}: interface name contains a NUL byte`);
      }
      buf.set(b);
      return b.length;
    }
    case "sri":
      writeSri(dv, 0, sendParams(value, name));
      return SRI_SIZE;
    default:
      recordArg(value, def.kind.tag, def.kind.fields.map(([f]) => f), name);
      return writeRecord(
        value as Record<string, unknown>,
        def.kind,
        family,
        name,
      );
  }
}

/**
 * Sets a kernel option (gen_sctp's set semantics: undefined record fields
 * take their encoding defaults). Throws TypeError/RangeError for bad values,
 * SctpError for a kernel refusal.
 */
export function setKernelOpt(
  fd: number,
  name: string,
  value: unknown,
  family: 4 | 6,
): void {
  setRaw(fd, name, buf, encode(name, value, family));
}

/**
 * A kernel option's value encoded (and so validated) once, to be set later
 * with {@linkcode setEncodedOpt}: open() checks every option before it
 * creates the socket, then sets them without encoding them again.
 */
export function encodeOpt(
  name: string,
  value: unknown,
  family: 4 | 6,
): Uint8Array {
  return buf.slice(0, encode(name, value, family));
}

/** Sets a kernel option from {@linkcode encodeOpt}'s bytes. */
export function setEncodedOpt(
  fd: number,
  name: string,
  bytes: Uint8Array,
): void {
  setRaw(fd, name, bytes, bytes.length);
}

function setRaw(fd: number, name: string, b: Uint8Array, len: number): void {
  const r = lib.sctp_shim_setopt(fd, KERNEL_OPTS[name].id, b, len);
  if (r < 0) {
    const e = errnoName(r);
    throw new SctpError(e, `${name}: ${e}${optionHint(name)}`);
  }
}

/**
 * Reads a kernel option. `key` is the request record (key fields set), or
 * undefined for a bare name. Returns undefined when the kernel refuses (as
 * gen_sctp omits it).
 */
export function getKernelOpt(
  fd: number,
  name: string,
  key: unknown,
  family: 4 | 6,
): unknown {
  const def = isKernelOpt(name) ? KERNEL_OPTS[name] : undefined;
  if (!def) throw new TypeError(`unknown option ${name}`);
  if (def.writeonly) return undefined;
  buf.fill(0);
  let len = 4;
  const kind = def.kind;
  if (kind === "linger") len = 8;
  else if (kind === "sri") {
    len = SRI_SIZE;
    if (key !== undefined) {
      if (!isRecord(key)) throw new TypeError(`${name}: expected a record`);
      for (const [k, v] of Object.entries(key)) {
        if (k !== "type" && k !== "assoc_id" && v !== undefined) {
          throw new TypeError(`${name}: only assoc_id may be set in a request`);
        }
      }
      dv.setUint32(
        32,
        key.assoc_id === undefined
          ? 0
          : uintField(key.assoc_id, 32, `${name}.assoc_id`),
        true,
      );
    }
  } else if (typeof kind === "object") {
    len = recordSize(kind);
    if (key === undefined) {
      if (kind.keyRequired) {
        throw new TypeError(
          `${name}: getopts needs a record with ${kind.keys.join(", ")}`,
        );
      }
      let off = 0;
      for (const [f, t] of kind.fields) {
        const d = kind.defaults?.[f];
        if (kind.keys.includes(f) && d !== undefined) {
          writeField(off, t, d, family, `${name}.${f}`);
        }
        off += fieldSlots(t) * 4;
      }
    } else {
      recordArg(key, kind.tag, kind.fields.map(([f]) => f), name);
      const r = key as Record<string, unknown>;
      for (const [k, v] of Object.entries(r)) {
        if (k !== "type" && !kind.keys.includes(k) && v !== undefined) {
          throw new TypeError(
            `${name}: field ${k} must be undefined in a request`,
          );
        }
      }
      let off = 0;
      for (const [f, t] of kind.fields) {
        if (kind.keys.includes(f)) {
          writeField(
            off,
            t,
            r[f] ?? kind.defaults?.[f],
            family,
            `${name}.${f}`,
          );
        }
        off += fieldSlots(t) * 4;
      }
    }
  }
  const r = lib.sctp_shim_getopt(fd, def.id, buf, len);
  if (r < 0) return undefined;
  switch (kind) {
    case "int":
    case "uint":
      return dv.getInt32(0, true);
    case "bool":
      return dv.getInt32(0, true) !== 0;
    case "linger":
      return [dv.getInt32(0, true) !== 0, dv.getInt32(4, true)];
    case "sri":
      return readSri(dv, 0);
    case "bytes":
      return undefined;
    default:
      return readRecord(0, kind);
  }
}

/** Whether a kernel option is a record whose undefined fields can be merged. */
export function isRecordOpt(name: string): boolean {
  const k = isKernelOpt(name) ? KERNEL_OPTS[name].kind : undefined;
  return typeof k === "object" || k === "sri";
}

/** Key fields of a record option (used to read before a merge). */
export function keyOf(
  name: string,
  value: Record<string, unknown>,
): Record<string, unknown> | undefined {
  const k = isKernelOpt(name) ? KERNEL_OPTS[name].kind : undefined;
  if (k === "sri") return { assoc_id: value.assoc_id };
  if (typeof k !== "object" || k.keys.length === 0) return undefined;
  const key: Record<string, unknown> = {};
  for (const f of k.keys) key[f] = value[f];
  return key;
}
