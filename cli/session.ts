/**
 * One sctpcat socket at work, for `listen` and `connect` alike: the
 * receive loop (data to stdout, events to stderr or JSON, `--echo`,
 * `--count`), the associations it serves, sending stdin's messages to them,
 * the `--status` ticker, and the ends: a graceful close (eof, waiting for
 * each `shutdown_comp`) or an abort.
 *
 * @module
 */
import {
  type SctpAssocChange,
  SctpError,
  type SctpEvent,
  type SctpMessage,
  type SctpSndRcvInfo,
  type SctpSocket,
  type SndRcvFlag,
} from "../mod.ts";
import { describeError, hintFor } from "./errors.ts";
import {
  clock,
  dataInfo,
  dataJson,
  describeEvent,
  hostPort,
  jsonLine,
  statusTable,
} from "./format.ts";
import type { Output } from "./io.ts";
import { StatusTicker } from "./status.ts";

/** How a session behaves. */
export interface SessionOptions {
  /** Serve one association (connect, plain listen); later ones are aborted. */
  single: boolean;
  /** Prefix each output line with `[assoc ID stream N]` (one-to-many). */
  prefix: boolean;
  /** Send each message back on its stream with its ppid. */
  echo: boolean;
  /** Write received bytes as they are (no line ends, no prefix). */
  raw: boolean;
  /** JSON lines on stdout for data, events and status. */
  json: boolean;
  /** Events on stderr (--verbose, --status). */
  events: boolean;
  /** The status table (or JSON) once a second. */
  status: boolean;
  /** Count received messages without writing them (--bench). */
  discard?: boolean;
  /** Close gracefully after this many received messages. */
  count?: number;
  /** Stream, ppid and unordered flag of the messages sent. */
  send: { stream: number; ppid: number; unordered: boolean };
}

/** How long a graceful close may take before the associations are aborted. */
export const SHUTDOWN_MS = 10000;

const enc = new TextEncoder();

/** A socket, its associations, and what to do with what arrives. */
export class Session {
  /** The socket. */
  readonly socket: SctpSocket;
  /** Resolves with the exit code when the session ends. */
  readonly done: Promise<number>;
  readonly #o: SessionOptions;
  readonly #out: Output;
  readonly #assocs = new Map<number, SctpAssocChange>();
  readonly #expect = new Map<
    number,
    { resolve(a: SctpAssocChange): void; reject(e: unknown): void }
  >();
  #upWaiters: (() => void)[] = [];
  #received = 0;
  #closing = false;
  #finished = false;
  #code = 0;
  #resolve!: (code: number) => void;
  #ticker?: StatusTicker;
  #timer?: ReturnType<typeof setTimeout>;

  /** A session over `socket`, writing to `out`. */
  constructor(socket: SctpSocket, opts: SessionOptions, out: Output) {
    this.socket = socket;
    this.#o = opts;
    this.#out = out;
    this.done = new Promise((r) => this.#resolve = r);
  }

  /** Data messages received so far. */
  get received(): number {
    return this.#received;
  }

  /** The associations being served (their ids). */
  get ids(): number[] {
    return [...this.#assocs.keys()];
  }

  /** Whether a graceful close or an abort has begun. */
  get closing(): boolean {
    return this.#closing || this.#finished;
  }

  /** Starts the receive loop and, with --status, the status ticker. */
  start(): void {
    this.#loop();
    if (this.#o.status) {
      let idle = false; // "no association" is said once, not every second
      this.#ticker = new StatusTicker(this.socket, () => this.ids, (a) => {
        if (a.length === 0 && idle) return;
        idle = a.length === 0;
        return this.#o.json
          ? this.#out.write(jsonLine({
            type: "status",
            time: new Date().toISOString(),
            assocs: a,
          }))
          : this.#out.raw(statusTable(a));
      });
      this.#ticker.start();
    }
  }

  /**
   * Receives until the socket closes. A recv() loop, not `for await` over
   * the socket: in the VM the iterator received about ten times slower.
   */
  async #loop(): Promise<void> {
    for (;;) {
      let m: SctpMessage;
      try {
        m = await this.socket.recv();
      } catch (e) {
        if (!(e instanceof SctpError)) {
          return this.finish(1, describeError(e, "receive"));
        }
        if (e.reason === "closed") return;
        if (typeof e.reason === "string" || !e.detail) {
          return this.finish(1, describeError(e, "receive"));
        }
        m = e.detail as SctpMessage; // an error-class event: reported below
      }
      if (this.#finished) return;
      await this.#handle(m);
    }
  }

  /**
   * Serves association `up` (set up by `connect`, whose comm_up does not
   * pass through the receive loop), reporting it like an event from `from`.
   */
  adopt(up: SctpAssocChange, from: { addr: string; port: number }): void {
    void this.#printEvent(up, from);
    this.#up(up, from);
  }

  /**
   * Waits for the outcome of association `id` (connectxInit): its comm_up
   * record, or an SctpError with the record (cant_assoc) or `timeout`.
   */
  expect(id: number, timeoutMs: number): Promise<SctpAssocChange> {
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => {
        this.#expect.delete(id);
        reject(new SctpError("timeout"));
      }, timeoutMs);
      this.#expect.set(id, {
        resolve: (a) => {
          clearTimeout(t);
          resolve(a);
        },
        reject: (e) => {
          clearTimeout(t);
          reject(e);
        },
      });
    });
  }

  /** Resolves once an association is up to send to. */
  ready(): Promise<void> {
    if (this.#assocs.size && !this.closing) return Promise.resolve();
    return new Promise((r) => this.#upWaiters.push(r));
  }

  /**
   * Sends `data` with the session's stream, ppid and flags to every
   * association served. A failure ends a single-association session (exit
   * code 1, after a graceful close); one-to-many notes it and goes on.
   */
  async send(data: Uint8Array | string): Promise<void> {
    const { stream, ppid, unordered } = this.#o.send;
    const flags: SndRcvFlag[] = unordered ? ["unordered"] : [];
    for (const a of [...this.#assocs.values()]) {
      if (this.closing) return;
      let line: string | undefined;
      if (stream >= a.outbound_streams) {
        line =
          `send: stream ${stream} is not below assoc ${a.assoc_id}'s ${a.outbound_streams} outbound streams: ask for more with --streams ${
            stream + 1
          } (the peer must accept them)`;
      } else {
        try {
          await this.socket.send(
            { assoc_id: a.assoc_id, stream, ppid, flags },
            data,
          );
          continue;
        } catch (e) {
          if (this.closing) return; // closed under it (Ctrl-C)
          line = describeError(e, `send to assoc ${a.assoc_id}`);
        }
      }
      if (this.#o.single) return this.fail(line);
      // one-to-many: note it, go on with the others
      this.#out.note(`sctpcat: ${line}`);
    }
  }

  /** Reports `line` and ends with exit code 1 after a graceful close. */
  fail(line: string): void {
    this.#out.note(`sctpcat: ${line}`);
    this.#code = 1;
    this.shutdown();
  }

  /**
   * Closes every association gracefully (eof) and ends when the last
   * `shutdown_comp` arrives; aborts them after {@linkcode SHUTDOWN_MS}.
   */
  shutdown(): void {
    if (this.closing) return;
    this.#closing = true;
    if (this.#assocs.size === 0) return this.finish(this.#code);
    for (const a of [...this.#assocs.values()]) {
      this.socket.eof(a).catch(() => {
        // already gone: no shutdown_comp will come for it
        this.#assocs.delete(a.assoc_id);
        if (this.#assocs.size === 0) this.finish(this.#code);
      });
    }
    this.#timer = setTimeout(() => {
      this.#out.note(
        `sctpcat: the shutdown did not complete within ${
          SHUTDOWN_MS / 1000
        } s: aborting`,
      );
      this.abort(1);
    }, SHUTDOWN_MS);
  }

  /**
   * Aborts every association and ends with `code`: an ABORT to each (for at
   * most half a second: it may queue behind data waiting for buffer space),
   * then the socket is closed with linger 0, which aborts whatever is left.
   */
  async abort(code: number): Promise<void> {
    if (this.#finished) return;
    this.#closing = true;
    this.#code = code; // an eof rejected by the close below ends with it
    const aborts = [...this.#assocs.values()].map((a) =>
      this.socket.abort(a).catch(() => {})
    );
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      Promise.all(aborts),
      new Promise((r) => timer = setTimeout(r, 500)),
    ]);
    clearTimeout(timer);
    this.#assocs.clear();
    await this.socket.setopts({ linger: [true, 0] }).catch(() => {});
    await this.socket.close();
    this.finish(code);
  }

  /** Ends the session with `code`, after printing `line` if given. */
  finish(code: number, line?: string): void {
    if (this.#finished) return;
    this.#finished = true;
    if (line) this.#out.note(`sctpcat: ${line}`);
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#ticker?.stop();
    this.#resolve(code);
  }

  async #handle(m: SctpMessage): Promise<void> {
    const d = m.data;
    if (d instanceof Uint8Array || Array.isArray(d)) {
      await this.#data(m, d instanceof Uint8Array ? d : Uint8Array.from(d));
    } else {
      await this.#event(d, { addr: m.fromIp, port: m.fromPort });
    }
  }

  async #data(m: SctpMessage, d: Uint8Array): Promise<void> {
    const rec = m.ancData.find((a): a is SctpSndRcvInfo =>
      a.type === "sctp_sndrcvinfo" || a.type === undefined
    );
    const info = dataInfo(rec);
    if (!this.#assocs.has(info.assoc_id) || this.#finished) return;
    const limit = this.#o.count;
    if (limit !== undefined && this.#received >= limit) return;
    this.#received++;
    const from = { addr: m.fromIp, port: m.fromPort };
    if (this.#o.discard) {
      // counted only
    } else if (this.#o.json) {
      await this.#out.write(jsonLine(dataJson(info, from, d)));
    } else if (this.#o.raw) {
      await this.#out.write(d);
    } else {
      const head = this.#o.prefix
        ? enc.encode(`[assoc ${info.assoc_id} stream ${info.stream}] `)
        : new Uint8Array(0);
      const nl = d.length > 0 && d[d.length - 1] === 10 ? 0 : 1;
      const line = new Uint8Array(head.length + d.length + nl);
      line.set(head);
      line.set(d, head.length);
      if (nl) line[line.length - 1] = 10;
      await this.#out.write(line);
    }
    if (this.#o.echo && !this.closing) {
      const flags: SndRcvFlag[] = info.unordered ? ["unordered"] : [];
      await this.socket.send({
        assoc_id: info.assoc_id,
        stream: info.stream,
        ppid: info.ppid,
        flags,
      }, d).catch((e) => {
        if (this.closing) return;
        this.#out.note(
          `sctpcat: ${describeError(e, `echo to assoc ${info.assoc_id}`)}`,
        );
      });
    }
    if (limit !== undefined && this.#received >= limit) this.shutdown();
  }

  #printEvent(
    ev: SctpEvent,
    from: { addr: string; port: number },
  ): Promise<void> {
    if (this.#o.json) {
      return this.#out.write(jsonLine({
        type: "event",
        time: new Date().toISOString(),
        from,
        event: ev,
      }));
    } else if (
      this.#o.events || ev.type === "sctp_send_failed" ||
      ev.type === "sctp_remote_error"
    ) {
      const peer = ev.type === "sctp_assoc_change" && ev.state === "comm_up"
        ? ` (${hostPort(from.addr, from.port)})`
        : "";
      this.#out.note(`${clock()} ${describeEvent(ev)}${peer}`);
    }
    return Promise.resolve();
  }

  async #event(
    ev: SctpEvent,
    from: { addr: string; port: number },
  ): Promise<void> {
    await this.#printEvent(ev, from);
    if (ev.type !== "sctp_assoc_change") return;
    if (ev.state === "comm_up" || ev.state === "restart") {
      this.#expect.get(ev.assoc_id)?.resolve(ev);
      this.#expect.delete(ev.assoc_id);
      this.#up(ev, from);
      return;
    }
    const waiter = this.#expect.get(ev.assoc_id);
    if (waiter) {
      this.#expect.delete(ev.assoc_id);
      waiter.reject(new SctpError(ev, `connect: ${ev.state}`));
    }
    if (this.#assocs.delete(ev.assoc_id)) this.#down(ev);
  }

  #up(ev: SctpAssocChange, from: { addr: string; port: number }): void {
    if (this.#assocs.has(ev.assoc_id)) {
      this.#assocs.set(ev.assoc_id, ev); // a restart: new stream counts
      return;
    }
    if (this.closing || (this.#o.single && this.#assocs.size > 0)) {
      if (!this.closing) {
        this.#out.note(
          `sctpcat: aborted assoc ${ev.assoc_id} from ${
            hostPort(from.addr, from.port)
          }: serving assoc ${this.ids[0]} (--one-to-many serves several peers)`,
        );
      }
      this.socket.abort(ev).catch(() => {});
      return;
    }
    this.#assocs.set(ev.assoc_id, ev);
    const waiters = this.#upWaiters;
    this.#upWaiters = [];
    for (const w of waiters) w();
  }

  #down(ev: SctpAssocChange): void {
    if (this.closing) {
      if (this.#assocs.size === 0) this.finish(this.#code);
    } else if (this.#o.single) {
      if (ev.state === "shutdown_comp") this.finish(0);
      else {
        const hint = hintFor(ev.state);
        this.finish(
          1,
          `assoc ${ev.assoc_id} ${ev.state}${hint ? `: ${hint}` : ""}`,
        );
      }
    }
  }
}
