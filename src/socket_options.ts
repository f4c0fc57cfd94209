/**
 * The options a socket keeps itself (gen_sctp's `active`, `mode`, `buffer`,
 * ...): which names they are, how a name is classified (shared by open and
 * setopts), and their validation.
 *
 * @module
 */
import { AUTO } from "./busy_poll.ts";
import type { Delivery } from "./delivery.ts";
import {
  getKernelOpt,
  isKernelOpt,
  isRecordOpt,
  keyOf,
  setKernelOpt,
} from "./options.ts";
import { busyPollOut, type Settings } from "./settings.ts";

/**
 * gen_sctp's `active` option.
 *
 * @example
 * ```ts
 * import type { Active } from "./mod.ts";
 * const a: Active = "once";
 * ```
 */
export type Active = boolean | "once" | number;

/** Options the socket itself keeps (not the kernel's). */
export const SOCKET_OPTS: ReadonlySet<string> = new Set([
  "active",
  "mode",
  "buffer",
  "non_block_send",
  "busy_poll",
  "debug",
  "high_msgq_watermark",
  "low_msgq_watermark",
  "exclusiveaddruse",
]);

/**
 * What an option name is: one the socket keeps, the `binary`/`list` mode
 * shorthands, a kernel option (sctp_default_send_param included), or none.
 */
export function classify(name: string): "socket" | "mode" | "kernel" | null {
  if (SOCKET_OPTS.has(name)) return "socket";
  if (name === "binary" || name === "list") return "mode";
  if (name === "sctp_default_send_param" || isKernelOpt(name)) return "kernel";
  return null;
}

/** Checks an `active` value. */
export function activeArg(v: unknown): Active {
  if (v === true || v === false || v === "once") return v;
  if (typeof v === "number" && Number.isInteger(v)) {
    if (v < -32768 || v > 32767) {
      throw new RangeError(`active: ${v} is outside -32768..32767`);
    }
    return v;
  }
  throw new TypeError(`active: expected true, false, "once" or an integer`);
}

/** Checks a `mode` value. */
export function modeArg(v: unknown): "binary" | "list" {
  if (v !== "binary" && v !== "list") {
    throw new TypeError(`mode: expected "binary" or "list"`);
  }
  return v;
}

/** Checks a `buffer` value (at least 1). */
export function bufferArg(v: unknown): number {
  if (typeof v !== "number" || !Number.isInteger(v)) {
    throw new TypeError("buffer: expected an integer");
  }
  if (v > 0x7fffffff) throw new RangeError("buffer: too large");
  return Math.max(1, v);
}

/** Checks a `busy_poll` value: "auto" or µs; returns milliseconds or AUTO. */
export function busyPollArg(v: unknown): number {
  if (v === "auto") return AUTO;
  if (typeof v !== "number" || !Number.isInteger(v)) {
    throw new TypeError(
      'busy_poll: expected "auto" or an integer (microseconds)',
    );
  }
  if (v < 0 || v > 1000000) {
    throw new RangeError(`busy_poll: ${v} is outside 0..1000000`);
  }
  return v / 1000;
}

/** Checks a boolean option. */
export function boolArg(name: string, v: unknown): boolean {
  if (typeof v !== "boolean") {
    throw new TypeError(`${name}: expected a boolean`);
  }
  return v;
}

/** Checks the options only stored (debug, the msgq watermarks, ...). */
export function extraArg(name: string, v: unknown): unknown {
  if (name === "high_msgq_watermark" || name === "low_msgq_watermark") {
    if (typeof v !== "number" || !Number.isInteger(v) || v < 0) {
      throw new TypeError(`${name}: expected a non-negative integer`);
    }
    return v;
  }
  return boolArg(name, v);
}

/** The stored options' defaults (as gen_sctp reports them). */
export const extraDefaults = (): Record<string, unknown> => ({
  debug: false,
  high_msgq_watermark: 8192,
  low_msgq_watermark: 4096,
  exclusiveaddruse: false,
});

/** What option handling reaches of a socket. */
export interface OptionTarget {
  fd: number;
  family: 4 | 6;
  /** The socket's own settings (changed in place). */
  settings: Settings;
  /** The options only stored (debug, the msgq watermarks, ...). */
  extra: Record<string, unknown>;
  /** Keeps `active`. */
  delivery: Delivery;
}

function setSocketOpt(t: OptionTarget, name: string, v: unknown): void {
  const s = t.settings;
  switch (name) {
    case "active":
      return t.delivery.setActive(v);
    case "mode":
      s.mode = modeArg(v);
      return;
    case "buffer":
      s.buffer = bufferArg(v);
      return;
    case "non_block_send":
      s.nonBlockSend = boolArg(name, v);
      return;
    case "busy_poll":
      s.busyPoll = busyPollArg(v);
      return;
    default:
      t.extra[name] = extraArg(name, v);
  }
}

/**
 * The kernel options that also change the socket's own settings when set
 * (setKernel): `recbuf` raises `buffer`, `sctp_default_send_param` makes
 * sends use the defaults. open() sets every other kernel option straight
 * from the bytes it encoded while checking them.
 */
export const SETTINGS_KERNEL_OPTS: ReadonlySet<string> = new Set([
  "recbuf",
  "sctp_default_send_param",
]);

/**
 * Sets a kernel option (the settings of SETTINGS_KERNEL_OPTS follow). With
 * `change` (connect's options), a record option's unset fields keep the
 * socket's values.
 */
function setKernel(
  t: OptionTarget,
  name: string,
  v: unknown,
  change: boolean,
): void {
  let val = v;
  if (change && isRecordOpt(name) && v !== null && typeof v === "object") {
    const cur = getKernelOpt(
      t.fd,
      name,
      keyOf(name, v as Record<string, unknown>),
      t.family,
    );
    if (cur && typeof cur === "object") {
      const merged: Record<string, unknown> = {
        ...(cur as Record<string, unknown>),
      };
      for (const [k, x] of Object.entries(v)) {
        if (x !== undefined) merged[k] = x;
      }
      if (name === "sctp_default_send_param") {
        delete merged.ssn;
        delete merged.tsn;
        delete merged.cumtsn;
      }
      delete merged.type;
      val = merged;
    }
  }
  setKernelOpt(t.fd, name, val, t.family);
  if (name === "recbuf") {
    t.settings.buffer = Math.max(t.settings.buffer, val as number);
  } else if (name === "sctp_default_send_param") t.settings.defaults = true;
}

/**
 * Applies `opts` in order (set semantics); whether `active` was among them
 * (the socket then delivers what waits).
 */
export function applyOpts(
  t: OptionTarget,
  opts: Record<string, unknown>,
  change: boolean,
): boolean {
  let afterActive = false;
  for (const [name, v] of Object.entries(opts)) {
    if (v === undefined) continue;
    switch (classify(name)) {
      case "socket":
        setSocketOpt(t, name, v);
        if (name === "active") afterActive = true;
        break;
      case "kernel":
        setKernel(t, name, v, change);
        break;
      case "mode":
        if (v === true) t.settings.mode = name as "binary" | "list";
        break;
      default:
        throw new TypeError(`unknown option ${name}`);
    }
  }
  return afterActive;
}

/** One option's value for getopts (`key`: a record request's key fields). */
export function getOpt(t: OptionTarget, name: string, key: unknown): unknown {
  const s = t.settings;
  switch (name) {
    case "active":
      return t.delivery.active;
    case "mode":
      return s.mode;
    case "buffer":
      return s.buffer;
    case "non_block_send":
      return s.nonBlockSend;
    case "busy_poll":
      return busyPollOut(s.busyPoll);
    case "binary":
    case "list":
      return s.mode === name;
  }
  if (Object.hasOwn(t.extra, name)) return t.extra[name];
  if (!isKernelOpt(name)) throw new TypeError(`unknown option ${name}`);
  return getKernelOpt(t.fd, name, key, t.family);
}
