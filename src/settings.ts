/**
 * A socket's own settings (the gen_sctp options the socket keeps, not the
 * kernel), and the one snapshot of them that peeloff, controllingProcess
 * and adopt carry over to the new socket.
 *
 * @module
 */
import { AUTO } from "./busy_poll.ts";

/** The settings a peeled-off or handed-over socket inherits. */
export interface Settings {
  /** gen_sctp's `mode`. */
  mode: "binary" | "list";
  /** gen_sctp's `buffer`: the largest piece read at once. */
  buffer: number;
  /** `non_block_send`: a send that would wait rejects with eagain. */
  nonBlockSend: boolean;
  /** `busy_poll` in milliseconds, or AUTO. */
  busyPoll: number;
  /** `sctp_default_send_param` was set: plain sends use those defaults. */
  defaults: boolean;
}

/** The settings of a new socket. */
export const defaultSettings = (): Settings => ({
  mode: "binary",
  buffer: 65536,
  nonBlockSend: false,
  busyPoll: AUTO,
  defaults: false,
});

/** `busy_poll` as getopts reports it (µs or "auto") from milliseconds. */
export const busyPollOut = (ms: number): number | "auto" =>
  ms === AUTO ? "auto" : Math.round(ms * 1000);

/** Milliseconds (or AUTO) from `busy_poll` as getopts reports it. */
export const busyPollIn = (v: number | "auto" | undefined): number =>
  v === "auto" || v === undefined ? AUTO : v / 1000;

/** The inherited settings in a structured-clonable form (a handle). */
export interface SettingsSnapshot {
  /** "binary" or "list". */
  mode: "binary" | "list";
  /** Receive buffer size. */
  buffer: number;
  /** non_block_send flag. */
  nonBlockSend: boolean;
  /** busy_poll: "auto" or a budget in microseconds. */
  busyPoll?: number | "auto";
  /** Whether default send parameters are in use. */
  defaults: boolean;
}

/** The snapshot of `s` (see SettingsSnapshot). */
export const snapshot = (s: Settings): SettingsSnapshot => ({
  mode: s.mode,
  buffer: s.buffer,
  nonBlockSend: s.nonBlockSend,
  busyPoll: busyPollOut(s.busyPoll),
  defaults: s.defaults,
});

/** Settings restored from a snapshot. */
export const restore = (h: SettingsSnapshot): Settings => ({
  mode: h.mode,
  buffer: h.buffer,
  nonBlockSend: h.nonBlockSend,
  busyPoll: busyPollIn(h.busyPoll),
  defaults: h.defaults,
});
