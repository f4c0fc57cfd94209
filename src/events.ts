/**
 * Kernel notifications -> gen_sctp event records, through the shim's
 * normalised layout (`c/sctp_shim.h`). Never reads past the bytes it is
 * given: anything it cannot decode becomes an `sctp_unknown_event`.
 *
 * @module
 */
import { readAddr } from "./addr.ts";
import { lib } from "./lib.ts";
import type {
  AssocChangeState,
  PaddrChangeState,
  SctpEvent,
} from "./records.ts";
import { readSri } from "./sndrcvinfo.ts";

const AC: (AssocChangeState | undefined)[] = [
  undefined,
  "comm_up",
  "comm_lost",
  "restart",
  "shutdown_comp",
  "cant_assoc",
];
const PA: (PaddrChangeState | undefined)[] = [
  undefined,
  "addr_available",
  "addr_unreachable",
  "addr_removed",
  "addr_added",
  "addr_made_prim",
  "addr_confirmed",
];
const AUTH = ["new_key", "free_key", "no_auth"] as const;

let out = new Uint8Array(4096);

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
    e.type === "sctp_pdapi_event";
}

/** Decodes one complete raw kernel notification. */
export function decodeNotification(raw: Uint8Array): SctpEvent {
  if (out.length < raw.length + 128) out = new Uint8Array(raw.length + 4096);
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
  const assoc_id = u(4);
  switch (u(0)) {
    case 1: {
      const state = AC[u(8)];
      if (!state) return unknown(raw, rawType);
      return {
        type: "sctp_assoc_change",
        state,
        error: u(12),
        outbound_streams: u(16),
        inbound_streams: u(20),
        assoc_id,
      };
    }
    case 2: {
      const state = PA[u(8)];
      const a = readAddr(dv, 16);
      if (!state) return unknown(raw, rawType);
      return {
        type: "sctp_paddr_change",
        addr: a ? { addr: a.addr, port: a.port } : { addr: "0.0.0.0", port: 0 },
        state,
        error: u(12),
        assoc_id,
      };
    }
    case 3:
      return {
        type: "sctp_remote_error",
        error: u(8),
        assoc_id,
        data: tailBytes(12),
      };
    case 4:
      return {
        type: "sctp_send_failed",
        flags: u(8) === 1,
        error: u(12),
        info: readSri(dv, 16),
        assoc_id,
        data: tailBytes(52),
      };
    case 5:
      return { type: "sctp_shutdown_event", assoc_id };
    case 6:
      return { type: "sctp_adaptation_event", adaptation_ind: u(8), assoc_id };
    case 7:
      return {
        type: "sctp_pdapi_event",
        indication: "partial_delivery_aborted",
        assoc_id,
      };
    case 8:
      return {
        type: "sctp_authkey_event",
        keynumber: u(8),
        altkeynumber: u(12),
        indication: AUTH[u(16)] ?? "unknown",
        assoc_id,
      };
    case 9:
      return { type: "sctp_sender_dry_event", assoc_id };
    default:
      return unknown(raw, rawType);
  }
}
