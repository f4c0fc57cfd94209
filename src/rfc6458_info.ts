/**
 * RFC 6458's per-message information: reading `sctp_rcvinfo` and
 * `sctp_nxtinfo` out of a receive record, and checking `sctp_sndinfo`,
 * `sctp_prinfo` and `sctp_authinfo` for a send (they travel in the shim's
 * send flags: a PR-SCTP policy in two bits with its value as the
 * time-to-live, as Linux reads them, and an AUTH key number in the top 16).
 *
 * @module
 */
import * as L from "./layout.ts";
import { recordArg } from "./record_arg.ts";
import type { SctpMessage } from "./records.ts";
import type {
  NxtFlag,
  PrPolicy,
  SctpNxtInfo,
  SctpRcvInfo,
} from "./rfc6458_records.ts";
import { flagsFromBits, flagsToBits, uintField } from "./sndrcvinfo.ts";

/** PR-SCTP policy names, by the shim's value (`SHIM_PR_*`). */
export const PR_POLICIES: readonly PrPolicy[] = [
  "none",
  "ttl",
  "rtx",
  "prio",
  "all",
];

const NXT_FLAGS: [NxtFlag, number][] = [
  ["unordered", L.NXT_UNORDERED],
  ["complete", L.NXT_COMPLETE],
  ["notification", L.NXT_NOTIFICATION],
];

/** Appends the record's sctp_rcvinfo / sctp_nxtinfo to `anc`. */
export function rfc6458Anc(
  anc: SctpMessage["ancData"],
  dv: DataView,
  off: number,
  flags: number,
): void {
  if (flags & L.RF_RCVINFO) {
    const u = (o: number) => dv.getUint32(off + L.REC_SRI + o, true);
    const r: SctpRcvInfo = {
      type: "sctp_rcvinfo",
      rcv_sid: u(L.SRI_STREAM),
      rcv_ssn: u(L.SRI_SSN),
      rcv_flags: flagsFromBits(u(L.SRI_FLAGS)),
      rcv_ppid: u(L.SRI_PPID),
      rcv_tsn: u(L.SRI_TSN),
      rcv_cumtsn: u(L.SRI_CUMTSN),
      rcv_context: u(L.SRI_CONTEXT),
      rcv_assoc_id: u(L.SRI_ASSOC_ID),
    };
    anc.push(r);
  }
  if (flags & L.RF_NXTINFO) {
    const u = (o: number) => dv.getUint32(off + L.REC_NXT + o, true);
    const bits = u(L.NXT_FLAGS);
    const n: SctpNxtInfo = {
      type: "sctp_nxtinfo",
      nxt_sid: u(L.NXT_SID),
      nxt_flags: NXT_FLAGS.filter(([, b]) => bits & b).map(([f]) => f),
      nxt_ppid: u(L.NXT_PPID),
      nxt_length: u(L.NXT_LENGTH),
      nxt_assoc_id: u(L.NXT_ASSOC_ID),
    };
    anc.push(n);
  }
}

/**
 * An sctp_prinfo -> [shim flag bits, value] (the value goes where the
 * time-to-live goes). TypeError / RangeError for a bad record.
 */
export function prinfoBits(v: unknown, what = "prinfo"): [number, number] {
  const r = recordArg(v, "sctp_prinfo", ["pr_policy", "pr_value"], what);
  const p = PR_POLICIES.indexOf(r.pr_policy as PrPolicy);
  if (p < 0 || r.pr_policy === "all") {
    throw new TypeError(
      `${what}.pr_policy: expected "none", "ttl", "rtx" or "prio"`,
    );
  }
  const value = r.pr_value === undefined
    ? 0
    : uintField(r.pr_value, 32, `${what}.pr_value`);
  return [p << L.SEND_PR_SHIFT, value];
}

/** An sctp_authinfo -> shim flag bits. */
export function authinfoBits(v: unknown, what = "authinfo"): number {
  const r = recordArg(v, "sctp_authinfo", ["auth_keynumber"], what);
  const k = uintField(r.auth_keynumber, 16, `${what}.auth_keynumber`);
  return (L.SEND_AUTH | (k << L.SEND_AUTH_SHIFT)) >>> 0;
}

/** Checked fields of an sctp_sndinfo (undefined -> 0). */
export interface SndInfoParams {
  sid: number;
  flags: number;
  ppid: number;
  context: number;
  assoc_id: number;
}

/** An sctp_sndinfo's checked fields. */
export function sndinfoParams(v: unknown, what = "sndinfo"): SndInfoParams {
  const r = recordArg(v, "sctp_sndinfo", [
    "snd_sid",
    "snd_flags",
    "snd_ppid",
    "snd_context",
    "snd_assoc_id",
  ], what);
  const u = (k: string, bits: 16 | 32) =>
    r[k] === undefined ? 0 : uintField(r[k], bits, `${what}.${k}`);
  return {
    sid: u("snd_sid", 16),
    flags: flagsToBits(r.snd_flags, `${what}.snd_flags`),
    ppid: u("snd_ppid", 32),
    context: u("snd_context", 32),
    assoc_id: u("snd_assoc_id", 32),
  };
}
