/**
 * Kernel notifications -> gen_sctp event records, through the shim's
 * normalised layout (`c/sctp_shim.h`). Never reads past the bytes it is
 * given: anything it cannot decode becomes an `sctp_unknown_event`.
 *
 * @module
 */
import { bitNames } from "./bit_names.ts";
import { readAddr } from "./addr.ts";
import * as L from "./layout.ts";
import { lib } from "./lib.ts";
import type {
  AssocChangeState,
  PaddrChangeState,
  SctpEvent,
} from "./records.ts";
import { flagsFromBits, readSri } from "./sndrcvinfo.ts";

const AC: readonly (AssocChangeState | undefined)[] = L.AC_STATES;
const PA: readonly (PaddrChangeState | undefined)[] = L.PA_STATES;
const AUTH = ["new_key", "free_key", "no_auth"] as const;

let out = new Uint8Array(4096);

const SR_FLAGS = ["incoming_ssn", "outgoing_ssn", "denied", "failed"] as const;
const CHANGE_FLAGS = [undefined, undefined, "denied", "failed"] as const;

function unknown(raw: Uint8Array, kernelType: number): SctpEvent {
  return {
    type: "sctp_unknown_event",
    kernel_type: kernelType,
    data: raw.slice(),
  };
}

/** Event kinds gen_sctp turns into errors. */
export function isErrorEvent(e: SctpEvent): boolean {
  return e.type === "sctp_send_failed" || e.type === "sctp_remote_error" ||
    e.type === "sctp_pdapi_event" || e.type === "sctp_send_failed_event";
}

/** Decodes one complete raw kernel notification. */
export function decodeNotification(raw: Uint8Array): SctpEvent {
  // the largest output (a stream reset: u16 ids widened to u32) is under
  // twice the input
  if (out.length < 2 * raw.length + 128) {
    out = new Uint8Array(2 * raw.length + 4096);
  }
  const n = lib.sctp_shim_decode_notification(
    raw,
    raw.length,
    out,
    out.length,
  );
  const rawType = raw.length >= 2 ? raw[0] | (raw[1] << 8) : 0;
  if (n < 8) return unknown(raw, rawType);
  const dv = new DataView(out.buffer, 0, n);
  const u = (o: number) => dv.getUint32(o, true);
  const tailBytes = (o: number) => {
    const len = u(o);
    return out.slice(o + 4, o + 4 + Math.min(len, n - o - 4));
  };
  const assoc_id = u(L.N_ASSOC_ID);
  switch (u(L.N_KIND)) {
    case L.EV_ASSOC_CHANGE: {
      const state = AC[u(L.N_AC_STATE)];
      if (!state) return unknown(raw, rawType);
      return {
        type: "sctp_assoc_change",
        state,
        error: u(L.N_AC_ERROR),
        outbound_streams: u(L.N_AC_OSTREAMS),
        inbound_streams: u(L.N_AC_ISTREAMS),
        assoc_id,
      };
    }
    case L.EV_PADDR_CHANGE: {
      const state = PA[u(L.N_PA_STATE)];
      const a = readAddr(dv, L.N_PA_ADDR);
      if (!state) return unknown(raw, rawType);
      return {
        type: "sctp_paddr_change",
        addr: a ? { addr: a.addr, port: a.port } : { addr: "0.0.0.0", port: 0 },
        state,
        error: u(L.N_PA_ERROR),
        assoc_id,
      };
    }
    case L.EV_REMOTE_ERROR:
      return {
        type: "sctp_remote_error",
        error: u(L.N_RE_ERROR),
        assoc_id,
        data: tailBytes(L.N_RE_DATA),
      };
    case L.EV_SEND_FAILED:
      return {
        type: "sctp_send_failed",
        flags: u(L.N_SF_FLAGS) === 1,
        error: u(L.N_SF_ERROR),
        info: readSri(dv, L.N_SF_SRI),
        assoc_id,
        data: tailBytes(L.N_SF_DATA),
      };
    case L.EV_SHUTDOWN:
      return { type: "sctp_shutdown_event", assoc_id };
    case L.EV_ADAPTATION:
      return {
        type: "sctp_adaptation_event",
        adaptation_ind: u(L.N_AD_IND),
        assoc_id,
      };
    case L.EV_PDAPI:
      return {
        type: "sctp_pdapi_event",
        indication: "partial_delivery_aborted",
        assoc_id,
      };
    case L.EV_AUTHKEY:
      return {
        type: "sctp_authkey_event",
        keynumber: u(L.N_AK_KEYNUMBER),
        altkeynumber: u(L.N_AK_ALTKEYNUMBER),
        indication: AUTH[u(L.N_AK_INDICATION)] ?? "unknown",
        assoc_id,
      };
    case L.EV_SENDER_DRY:
      return { type: "sctp_sender_dry_event", assoc_id };
    case L.EV_STREAM_RESET: {
      const count = Math.min(u(L.N_SR_STREAMS), (n - L.N_SR_STREAMS - 4) / 4);
      const stream_list: number[] = [];
      for (let i = 0; i < count; i++) {
        stream_list.push(u(L.N_SR_STREAMS + 4 + 4 * i));
      }
      return {
        type: "sctp_stream_reset_event",
        flags: bitNames(u(L.N_SR_FLAGS), SR_FLAGS),
        assoc_id,
        stream_list,
      };
    }
    case L.EV_ASSOC_RESET:
      return {
        type: "sctp_assoc_reset_event",
        flags: bitNames(u(L.N_AR_FLAGS), CHANGE_FLAGS),
        assoc_id,
        local_tsn: u(L.N_AR_LOCAL_TSN),
        remote_tsn: u(L.N_AR_REMOTE_TSN),
      };
    case L.EV_STREAM_CHANGE:
      return {
        type: "sctp_stream_change_event",
        flags: bitNames(u(L.N_SC_FLAGS), CHANGE_FLAGS),
        assoc_id,
        instrms: u(L.N_SC_INSTRMS),
        outstrms: u(L.N_SC_OUTSTRMS),
      };
    case L.EV_SEND_FAILED_EVENT:
      return {
        type: "sctp_send_failed_event",
        flags: u(L.N_SFE_FLAGS) === 1,
        error: u(L.N_SFE_ERROR),
        info: {
          type: "sctp_sndinfo",
          snd_sid: u(L.N_SFE_SID),
          snd_flags: flagsFromBits(u(L.N_SFE_SNDFLAGS)),
          snd_ppid: u(L.N_SFE_PPID),
          snd_context: u(L.N_SFE_CONTEXT),
          snd_assoc_id: u(L.N_SFE_SNDASSOC),
        },
        assoc_id,
        data: tailBytes(L.N_SFE_DATA),
      };
    default:
      return unknown(raw, rawType);
  }
}
