/**
 * `--status`: reads each association's state (`sctp_status`) and each of its
 * paths (`peernames`, then `sctp_get_peer_addr_info` per peer address), once
 * a second.
 *
 * @module
 */
import type { SctpSocket } from "../mod.ts";
import type { AssocStatus, PathStatus } from "./format.ts";

/**
 * The status of the associations `ids` of `s`; an association that went
 * away meanwhile (the kernel refuses to describe it) is left out.
 */
export async function readStatus(
  s: SctpSocket,
  ids: number[],
): Promise<AssocStatus[]> {
  const out: AssocStatus[] = [];
  for (const id of ids) {
    let st;
    let peers: { addr: string; port: number }[];
    try {
      st = (await s.getopts([{ sctp_status: { assoc_id: id } }])).sctp_status;
      peers = await s.peernames(id);
    } catch {
      continue;
    }
    if (!st) continue;
    const paths: PathStatus[] = [];
    for (const p of peers) {
      const info = (await s.getopts([{
        sctp_get_peer_addr_info: { assoc_id: id, address: p },
      }]).catch(() => ({ sctp_get_peer_addr_info: undefined })))
        .sctp_get_peer_addr_info;
      const primary = st.primary?.address?.addr === p.addr &&
        st.primary.address.port === p.port;
      paths.push({
        addr: p.addr,
        port: p.port,
        state: info?.state ?? "unknown",
        rto: info?.rto ?? 0,
        srtt: info?.srtt ?? 0,
        cwnd: info?.cwnd ?? 0,
        mtu: info?.mtu ?? 0,
        primary,
      });
    }
    out.push({
      assoc_id: id,
      state: st.state ?? "unknown",
      instrms: st.instrms,
      outstrms: st.outstrms,
      rwnd: st.rwnd,
      unackdata: st.unackdata,
      penddata: st.penddata,
      paths,
    });
  }
  return out;
}

/**
 * Calls `report` with the status of the associations `ids()` every
 * `intervalMs` (the first right away), one read at a time.
 */
export class StatusTicker {
  #timer: ReturnType<typeof setInterval> | undefined;
  #busy = false;
  #stopped = false;
  readonly #s: SctpSocket;
  readonly #ids: () => number[];
  readonly #report: (a: AssocStatus[]) => void | Promise<void>;

  /** A ticker over socket `s`; start it with {@linkcode StatusTicker.start}. */
  constructor(
    s: SctpSocket,
    ids: () => number[],
    report: (a: AssocStatus[]) => void | Promise<void>,
  ) {
    this.#s = s;
    this.#ids = ids;
    this.#report = report;
  }

  /** Starts ticking. */
  start(intervalMs = 1000): void {
    this.#tick();
    this.#timer = setInterval(() => this.#tick(), intervalMs);
  }

  async #tick(): Promise<void> {
    if (this.#busy || this.#stopped || this.#s.closed) return;
    this.#busy = true;
    try {
      const a = await readStatus(this.#s, this.#ids());
      if (!this.#stopped) await this.#report(a);
    } finally {
      this.#busy = false;
    }
  }

  /** Stops ticking. */
  stop(): void {
    this.#stopped = true;
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
  }
}
