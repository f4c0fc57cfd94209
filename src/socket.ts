/**
 * `SctpSocket`: gen_sctp's socket semantics over one kernel SCTP fd. This
 * file is the facade (argument checks, JSDoc, EventTarget, iteration,
 * lifetime); the work is done by the receive engine (receiver.ts), the
 * delivery of items (delivery.ts), the send queue (sender.ts), connect
 * (connect.ts), busy-polling (busy_poll.ts) and the settings
 * (settings.ts, socket_options.ts).
 *
 * @module
 */
import { addrList, type Family, ipArg } from "./addr.ts";
import { assocId, outgoing, outgoingV } from "./args.ts";
import { connectArgs, connectxArgs, notAborted, peerArg } from "./connect.ts";
import { type Delivery, settled } from "./delivery.ts";
import { Engine } from "./engine.ts";
import { check, errnoName, SctpError } from "./errors.ts";
import { isErrorEvent } from "./events.ts";
import * as L from "./layout.ts";
import { lib } from "./lib.ts";
import { addrsOf, localPort } from "./names.ts";
import type { SctpOptionRequest, SctpOptionsResult } from "./option_types.ts";
import { poller } from "./poller.ts";
import type { Received } from "./receiver.ts";
import type {
  SctpAssocChange,
  SctpMessage,
  SctpSndRcvInfo,
} from "./records.ts";
import type { Outgoing } from "./sender.ts";
import {
  defaultSettings,
  restore,
  type Settings,
  snapshot,
} from "./settings.ts";
import {
  applyOpts,
  extraDefaults,
  getOpt,
  type OptionTarget,
} from "./socket_options.ts";
import { deadlineOf, timeoutArg } from "./timeouts.ts";
import type {
  Assoc,
  ConnectOptions,
  RecvOptions,
  SctpOptions,
  SctpSocketEventMap,
  SendData,
  SendOptions,
  SendvInfo,
  SockAddrArg,
  SocketHandle,
} from "./types.ts";

export { SOCKET_OPTS } from "./socket_options.ts";

/** Internal construction parameters of a socket. */
export interface SocketInit {
  fd: number;
  family: 4 | 6;
  type: "seqpacket" | "stream";
}

/**
 * A gen_sctp socket. Create one with {@linkcode open}; it is an EventTarget
 * that, in active mode, dispatches `"sctp"`, `"sctp_error"` and
 * `"sctp_passive"` events, and an async iterable of received messages.
 *
 * @example Echo one message
 * ```ts
 * import { open } from "./mod.ts";
 * await using server = await open({ ip: "127.0.0.1" });
 * await server.listen(true);
 * await using client = await open();
 * const up = await client.connect("127.0.0.1", await server.port());
 * await client.send(up, 0, "hello");
 * for await (const m of server) {
 *   if (m.data instanceof Uint8Array) {
 *     console.log(new TextDecoder().decode(m.data));
 *     break;
 *   }
 * }
 * ```
 */
export class SctpSocket extends EventTarget {
  #fd: number;
  #family: 4 | 6;
  #type: "seqpacket" | "stream";
  readonly #settings: Settings = defaultSettings();
  /** What setopts/getopts reach (socket_options.ts; made on first use). */
  #opts: OptionTarget | null = null;
  #engine: Engine;
  #box: Delivery;

  /** @internal Use {@linkcode open}. */
  constructor(init: SocketInit) {
    super();
    this.#fd = init.fd;
    this.#family = init.family;
    this.#type = init.type;
    // (#settings is changed in place, never replaced)
    this.#engine = new Engine(init.fd, init.family, this.#settings, this);
    this.#box = this.#engine.box;
    poller.register(this.#fd);
  }

  /** The kernel file descriptor (for diagnostics). */
  get fd(): number {
    return this.#fd;
  }

  /** "seqpacket" (one-to-many) or "stream" (one-to-one). */
  get type(): "seqpacket" | "stream" {
    return this.#type;
  }

  /** "inet" or "inet6". */
  get family(): Family {
    return this.#family === 4 ? "inet" : "inet6";
  }

  /** Whether the socket is closed. */
  get closed(): boolean {
    return this.#engine.closed;
  }

  #target(): OptionTarget {
    return this.#opts ??= {
      fd: this.#fd,
      family: this.#family,
      settings: this.#settings,
      extra: extraDefaults(),
      delivery: this.#box,
    };
  }

  #usable(): void {
    this.#engine.usable();
  }

  // ---- listeners: nothing dispatched before someone listens is lost ----

  /**
   * EventTarget.addEventListener, typed for the socket's events
   * ({@linkcode SctpSocketEventMap}); flushes deliveries queued so far.
   */
  override addEventListener<K extends keyof SctpSocketEventMap>(
    type: K,
    listener: ((this: SctpSocket, ev: SctpSocketEventMap[K]) => unknown) | null,
    options?: boolean | AddEventListenerOptions,
  ): void;
  /** EventTarget.addEventListener for any other event type. */
  override addEventListener(
    type: string,
    listener: EventListenerOrEventListenerObject | null,
    options?: boolean | AddEventListenerOptions,
  ): void;
  override addEventListener(
    type: string,
    listener: EventListenerOrEventListenerObject | null,
    options?: boolean | AddEventListenerOptions,
  ): void {
    super.addEventListener(type, listener, options);
    if (listener) this.#box.listening(type, 1);
  }

  /** EventTarget.removeEventListener, typed like addEventListener. */
  override removeEventListener<K extends keyof SctpSocketEventMap>(
    type: K,
    listener: ((this: SctpSocket, ev: SctpSocketEventMap[K]) => unknown) | null,
    options?: boolean | EventListenerOptions,
  ): void;
  /** EventTarget.removeEventListener for any other event type. */
  override removeEventListener(
    type: string,
    listener: EventListenerOrEventListenerObject | null,
    options?: boolean | EventListenerOptions,
  ): void;
  override removeEventListener(
    type: string,
    listener: EventListenerOrEventListenerObject | null,
    options?: boolean | EventListenerOptions,
  ): void {
    super.removeEventListener(type, listener, options);
    if (listener) this.#box.listening(type, -1);
  }

  /**
   * Receives one message or event (gen_sctp `recv/1,2`). Rejects with
   * `timeout`, `closed`, `einval` (socket is active), `ealready` (another recv
   * is pending), `aborted` (the signal fired), or, for the error-class events
   * `sctp_send_failed`, `sctp_remote_error` and `sctp_pdapi_event`, an
   * SctpError whose `reason` is the record and `detail` the whole message.
   *
   * @example
   * ```ts
   * import { open } from "./mod.ts";
   * await using s = await open({ ip: "127.0.0.1" });
   * await s.recv(10).catch((e) => console.log(e.reason)); // "timeout"
   * ```
   */
  recv(
    timeout?: number | "infinity" | RecvOptions,
  ): Promise<SctpMessage> {
    try {
      // fast path: a queued message, nobody else waiting
      const box = this.#box;
      if (
        box.inbox.length > 0 && !box.waiting && !box.isActive &&
        this.#engine.live() &&
        (timeout === undefined ||
          (typeof timeout === "number" && timeoutArg(timeout, "recv") >= 0))
      ) return settled(box.inbox.shift()!);
      return this.#engine.recvMsg(timeout);
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /**
   * Yields what `recv` would, in order, including error-class events (yielded,
   * not thrown); ends when the socket closes.
   */
  async *[Symbol.asyncIterator](): AsyncGenerator<
    SctpMessage,
    void,
    undefined
  > {
    while (!this.#engine.closed) {
      let item: Received;
      try {
        item = await this.#engine.recvItem();
      } catch (e) {
        if (e instanceof SctpError && e.reason === "closed") return;
        throw e;
      }
      yield item.msg;
    }
  }

  // ---- sending ----

  /**
   * Sends one message (gen_sctp `send/3,4`): `send(assoc, stream, data)`
   * with the association's default send parameters, or
   * `send(sndrcvinfo, data)` with full control. Waits for buffer space unless
   * `non_block_send` is set (then rejects with `eagain`).
   *
   * @example
   * ```ts
   * import { open } from "./mod.ts";
   * await using srv = await open({ ip: "127.0.0.1" });
   * await srv.listen(true);
   * await using cli = await open();
   * const assoc = await cli.connect("127.0.0.1", await srv.port());
   * await cli.send(assoc, 0, "on stream 0");
   * await cli.send({ stream: 1, ppid: 46, flags: ["unordered"], assoc_id: assoc.assoc_id }, "ppid 46");
   * ```
   */
  send(
    a: Assoc | SctpSndRcvInfo,
    b: number | SendData,
    c?: SendData | SendOptions,
    d?: SendOptions,
  ): Promise<void> {
    let out: { m: Outgoing; fresh: boolean; signal?: AbortSignal };
    try {
      out = outgoing(a, b, c, d, this.#settings.defaults);
      this.#usable();
      notAborted(out.signal, "send");
    } catch (e) {
      return Promise.reject(e);
    }
    this.#engine.sent();
    poller.touch();
    return this.#engine.tx.send(out.m, out.fresh, out.signal);
  }

  /**
   * Gracefully shuts down one association (gen_sctp `eof/2`); the socket
   * stays open. Takes the association's `sctp_assoc_change` record.
   *
   * @example
   * ```ts
   * import { open } from "./mod.ts";
   * await using srv = await open({ ip: "127.0.0.1" });
   * await srv.listen(true);
   * await using cli = await open();
   * const assoc = await cli.connect("127.0.0.1", await srv.port());
   * await cli.eof(assoc);
   * ```
   */
  eof(assoc: SctpAssocChange): Promise<void> {
    return this.#terminate(assoc, L.SF_EOF, "eof");
  }

  /**
   * Aborts one association (gen_sctp `abort/2`); the peer sees `comm_lost`.
   *
   * @example
   * ```ts
   * import { open } from "./mod.ts";
   * await using srv = await open({ ip: "127.0.0.1" });
   * await srv.listen(true);
   * await using cli = await open();
   * const assoc = await cli.connect("127.0.0.1", await srv.port());
   * await cli.abort(assoc);
   * ```
   */
  abort(assoc: SctpAssocChange): Promise<void> {
    return this.#terminate(assoc, L.SF_ABORT, "abort");
  }

  /**
   * Sends one message with RFC 6458's send information (`sctp_sendv`):
   * `sndinfo` (stream, flags, ppid, context, association), `prinfo` (a
   * PR-SCTP policy for this message) and `authinfo` (the AUTH key to use),
   * any of them. Waits for buffer space as `send` does.
   *
   * @example Send on stream 1, given up after 0 retransmissions
   * ```ts
   * import { open } from "./mod.ts";
   * await using srv = await open({ ip: "127.0.0.1" });
   * await srv.listen(true);
   * await using cli = await open();
   * const assoc = await cli.connect("127.0.0.1", await srv.port());
   * await cli.sendv("tick", {
   *   sndinfo: { snd_sid: 1, snd_assoc_id: assoc.assoc_id },
   *   prinfo: { pr_policy: "rtx", pr_value: 0 },
   * });
   * ```
   */
  sendv(
    data: SendData,
    info: SendvInfo,
    opts?: Pick<SendOptions, "signal">,
  ): Promise<void> {
    let out: { m: Outgoing; fresh: boolean; signal?: AbortSignal };
    try {
      out = outgoingV(data, info, opts);
      this.#usable();
      notAborted(out.signal, "sendv");
    } catch (e) {
      return Promise.reject(e);
    }
    this.#engine.sent();
    poller.touch();
    return this.#engine.tx.send(out.m, out.fresh, out.signal);
  }

  /**
   * Resets streams of an association (RFC 6525, `SCTP_RESET_STREAMS`): their
   * stream sequence numbers restart at 0. `direction` `"outgoing"` (the
   * default) resets what this side sends, `"incoming"` asks the peer to
   * reset what it sends, `"both"` does both; `streams` empty means all.
   * Both sides get an `sctp_stream_reset_event` when subscribed (see the
   * `sctp_event` option). Needs stream reconfiguration on both sides
   * (`sctp_reconfig_supported`, or `net.sctp.reconf_enable`) and the peer
   * to accept the request (`sctp_enable_stream_reset`).
   *
   * @example
   * ```ts
   * import { open } from "./mod.ts";
   * await using srv = await open({ ip: "127.0.0.1", sctp_reconfig_supported: { assoc_value: true } });
   * await srv.listen(true);
   * await using cli = await open({ sctp_reconfig_supported: { assoc_value: true } });
   * const assoc = await cli.connect("127.0.0.1", await srv.port());
   * await cli.resetStreams(assoc, "outgoing", [1, 2]);
   * ```
   */
  resetStreams(
    assoc: Assoc,
    direction: "incoming" | "outgoing" | "both" = "outgoing",
    streams: number[] = [],
  ): Promise<void> {
    return this.#reconfig("resetStreams", () => {
      const flags: ("stream_reset_incoming" | "stream_reset_outgoing")[] =
        direction === "incoming"
          ? ["stream_reset_incoming"]
          : direction === "outgoing"
          ? ["stream_reset_outgoing"]
          : direction === "both"
          ? ["stream_reset_incoming", "stream_reset_outgoing"]
          : [];
      if (flags.length === 0) {
        throw new TypeError(
          `resetStreams: direction must be "incoming", "outgoing" or "both"`,
        );
      }
      return {
        sctp_reset_streams: {
          assoc_id: assocId(assoc, "resetStreams"),
          flags,
          stream_list: streams,
        },
      };
    });
  }

  /**
   * Resets an association's TSNs and every stream (RFC 6525,
   * `SCTP_RESET_ASSOC`); both sides get an `sctp_assoc_reset_event` when
   * subscribed. The peer must accept it (`sctp_enable_stream_reset` with
   * `enable_reset_assoc_req`).
   *
   * @example
   * ```ts
   * import { open } from "./mod.ts";
   * await using srv = await open({ ip: "127.0.0.1", sctp_reconfig_supported: { assoc_value: true } });
   * await srv.listen(true);
   * await using cli = await open({ sctp_reconfig_supported: { assoc_value: true } });
   * const assoc = await cli.connect("127.0.0.1", await srv.port());
   * await cli.resetAssoc(assoc);
   * ```
   */
  resetAssoc(assoc: Assoc): Promise<void> {
    return this.#reconfig("resetAssoc", () => ({
      sctp_reset_assoc: assocId(assoc, "resetAssoc"),
    }));
  }

  /**
   * Adds streams to an association (RFC 6525, `SCTP_ADD_STREAMS`); they are
   * usable once the `sctp_stream_change_event` arrives (the peer must
   * accept: `sctp_enable_stream_reset` with `enable_change_assoc_req` for
   * incoming ones).
   *
   * @example
   * ```ts
   * import { open } from "./mod.ts";
   * await using srv = await open({ ip: "127.0.0.1", sctp_reconfig_supported: { assoc_value: true } });
   * await srv.listen(true);
   * await using cli = await open({ sctp_reconfig_supported: { assoc_value: true } });
   * const assoc = await cli.connect("127.0.0.1", await srv.port());
   * await cli.addStreams(assoc, { outstrms: 4 });
   * ```
   */
  addStreams(
    assoc: Assoc,
    add: { instrms?: number; outstrms?: number },
  ): Promise<void> {
    return this.#reconfig("addStreams", () => {
      if (add === null || typeof add !== "object") {
        throw new TypeError("addStreams: expected { instrms?, outstrms? }");
      }
      return {
        sctp_add_streams: {
          assoc_id: assocId(assoc, "addStreams"),
          instrms: add.instrms ?? 0,
          outstrms: add.outstrms ?? 0,
        },
      };
    });
  }

  #reconfig(what: string, opts: () => SctpOptions): Promise<void> {
    try {
      this.#usable();
      this._applyOpts(opts() as Record<string, unknown>);
      return Promise.resolve();
    } catch (e) {
      if (e instanceof SctpError) {
        return Promise.reject(
          new SctpError(e.reason, `${what}: ${e.message}`),
        );
      }
      return Promise.reject(e);
    }
  }

  #terminate(
    assoc: SctpAssocChange,
    flags: number,
    what: string,
  ): Promise<void> {
    try {
      if (
        assoc === null || typeof assoc !== "object" ||
        assoc.type !== "sctp_assoc_change"
      ) {
        throw new TypeError(`${what}: expected an sctp_assoc_change record`);
      }
      const id = assocId(assoc, what);
      this.#usable();
      const m: Outgoing = {
        bytes: new Uint8Array(0),
        assoc: id,
        stream: 0,
        ppid: 0,
        flags,
        context: 0,
        ttl: 0,
      };
      return this.#engine.tx.send(m, true);
    } catch (e) {
      return Promise.reject(e);
    }
  }

  // ---- associations ----

  /**
   * Marks the socket as accepting associations (gen_sctp `listen/2`): a
   * boolean for seqpacket sockets (true = backlog 5), a backlog number for
   * stream sockets.
   *
   * @example
   * ```ts
   * import { open } from "./mod.ts";
   * await using s = await open({ ip: "127.0.0.1" });
   * await s.listen(true);
   * ```
   */
  listen(isServerOrBacklog: boolean | number): Promise<void> {
    try {
      let backlog: number;
      if (typeof isServerOrBacklog === "boolean") {
        backlog = isServerOrBacklog ? 5 : 0;
      } else if (
        typeof isServerOrBacklog === "number" &&
        Number.isInteger(isServerOrBacklog)
      ) {
        backlog = isServerOrBacklog;
        if (backlog < -0x80000000 || backlog > 0x7fffffff) {
          throw new RangeError(
            `listen: backlog ${backlog} is outside the 32-bit integer range`,
          );
        }
      } else {
        throw new TypeError("listen: expected a boolean or an integer backlog");
      }
      this.#usable();
      check(lib.sctp_shim_listen(this.#fd, backlog), "listen");
      return Promise.resolve();
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /**
   * Starts an association (connect/connectInit): resolves the peer,
   * applies the options, and calls sctp_connectx, which gives the new
   * association's id (the shim takes EINPROGRESS for success).
   */
  async #start(args: unknown[], what: string) {
    const { opts, ms, signal } = connectArgs(args, what);
    this.#usable();
    notAborted(signal, what);
    const deadline = deadlineOf(ms);
    const peer = await peerArg(
      args[0] as string | SockAddrArg,
      args[1],
      this.#family,
      what,
    );
    this.#usable();
    notAborted(signal, what);
    this._applyOpts(opts, true);
    const r = lib.sctp_shim_connectx(
      this.#fd,
      addrList([peer.ip], peer.port),
      1,
    );
    if (r < 0) {
      const e = errnoName(r);
      throw new SctpError(e, `${what}: ${e}`);
    }
    return { peer, deadline, id: r, signal };
  }

  /**
   * Sets up an association and waits for its outcome (gen_sctp
   * `connect/4,5` and the sockaddr form `connect/3,4`). Resolves with the
   * `sctp_assoc_change` record in state `comm_up`; rejects with an SctpError
   * whose reason is the record (e.g. `cant_assoc`) or a posix reason.
   *
   * @example
   * ```ts
   * import { open } from "./mod.ts";
   * await using srv = await open({ ip: "127.0.0.1" });
   * await srv.listen(true);
   * await using cli = await open();
   * const up = await cli.connect("127.0.0.1", await srv.port(), { sctp_initmsg: { num_ostreams: 5 } }, 5000);
   * console.log(up.outbound_streams);
   * ```
   */
  connect(
    addr: string | SockAddrArg,
    portOrOpts?: number | SctpOptions,
    optsOrTimeout?: SctpOptions | number | "infinity" | ConnectOptions,
    timeout?: number | "infinity" | ConnectOptions,
  ): Promise<SctpAssocChange> {
    return this.#connect([addr, portOrOpts, optsOrTimeout, timeout]);
  }

  async #connect(args: unknown[]): Promise<SctpAssocChange> {
    const { peer, deadline, id, signal } = await this.#start(args, "connect");
    const outcome = this.#engine.connects.wait(
      id,
      peer,
      deadline,
      this.#box,
      signal,
    );
    this.#engine.service(); // read while the connect waits
    try {
      return await outcome;
    } catch (e) {
      // aborted by the caller: the association being set up goes too
      if (e instanceof SctpError && e.reason === "aborted" && id !== 0) {
        this.#terminate(
          { type: "sctp_assoc_change", assoc_id: id } as SctpAssocChange,
          L.SF_ABORT,
          "abort",
        ).catch(() => {});
      }
      throw e;
    }
  }

  /**
   * Starts setting up an association (gen_sctp `connect_init`); resolves
   * once the attempt is started. The outcome arrives later as an
   * `sctp_assoc_change` event through `recv` or active delivery.
   *
   * @example
   * ```ts
   * import { open } from "./mod.ts";
   * await using srv = await open({ ip: "127.0.0.1" });
   * await srv.listen(true);
   * await using cli = await open();
   * await cli.connectInit("127.0.0.1", await srv.port());
   * const m = await cli.recv(5000);
   * ```
   */
  async connectInit(
    addr: string | SockAddrArg,
    portOrOpts?: number | SctpOptions,
    optsOrTimeout?: SctpOptions | number | "infinity" | ConnectOptions,
    timeout?: number | "infinity" | ConnectOptions,
  ): Promise<void> {
    await this.#start(
      [addr, portOrOpts, optsOrTimeout, timeout],
      "connectInit",
    );
  }

  /**
   * Starts an association to a peer with several addresses (gen_sctp
   * `connectx_init`, sctp_connectx); resolves with the association id. The
   * outcome arrives later as an `sctp_assoc_change` event.
   *
   * @example
   * ```ts
   * import { open } from "./mod.ts";
   * await using srv = await open({ ip: ["127.0.0.1", "127.0.0.2"] });
   * await srv.listen(true);
   * await using cli = await open();
   * const id = await cli.connectxInit(["127.0.0.1", "127.0.0.2"], await srv.port());
   * ```
   */
  async connectxInit(
    addrs: Array<string | SockAddrArg>,
    portOrOpts?: number | SctpOptions,
    opts?: SctpOptions,
  ): Promise<number> {
    const x = await connectxArgs(addrs, portOrOpts, opts, this.#family);
    this.#usable();
    this._applyOpts(x.opts, true);
    return check(
      lib.sctp_shim_connectx(this.#fd, addrList(x.ips, x.port), x.ips.length),
      "connectxInit",
    );
  }

  /**
   * Branches one association off into a new one-to-one (`stream`) socket
   * (gen_sctp `peeloff/2`). The new socket is passive and inherits `mode`,
   * `buffer` and `non_block_send`.
   *
   * @example
   * ```ts
   * import { open } from "./mod.ts";
   * await using srv = await open({ ip: "127.0.0.1" });
   * await srv.listen(true);
   * await using cli = await open();
   * const assoc = await cli.connect("127.0.0.1", await srv.port());
   * await using one = await cli.peeloff(assoc);
   * await one.send(assoc.assoc_id, 0, "via the peeled-off socket");
   * ```
   */
  peeloff(assoc: Assoc): Promise<SctpSocket> {
    try {
      const id = assocId(assoc, "peeloff");
      this.#usable();
      if (this.#type !== "seqpacket") {
        throw new SctpError("einval", "peeloff: not a seqpacket socket");
      }
      const fd = check(lib.sctp_shim_peeloff(this.#fd, id), "peeloff");
      const s = SctpSocket.#take({
        fd,
        family: this.#family,
        type: "stream",
      });
      Object.assign(s.#settings, this.#settings);
      return Promise.resolve(s);
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /** A socket for a new fd; the fd is closed when the poller cannot take it. */
  static #take(init: SocketInit): SctpSocket {
    try {
      return new SctpSocket(init);
    } catch (e) {
      lib.sctp_shim_close(init.fd);
      throw e;
    }
  }

  // ---- names ----

  /**
   * The local port (gen_sctp's `inet:port/1`).
   *
   * @example
   * ```ts
   * import { open } from "./mod.ts";
   * await using s = await open();
   * console.log(await s.port());
   * ```
   */
  port(): Promise<number> {
    try {
      this.#usable();
      return Promise.resolve(localPort(this.#fd));
    } catch (e) {
      return Promise.reject(e);
    }
  }

  #addrs(
    assoc: unknown,
    peer: boolean,
    what: string,
  ): Promise<{ addr: string; port: number }[]> {
    try {
      const id = assoc === undefined ? 0 : assocId(assoc, what);
      this.#usable();
      return Promise.resolve(addrsOf(this.#fd, id, peer, what));
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /**
   * The local addresses of the endpoint, or of one association
   * (gen_sctp's `inet:socknames/1,2`).
   *
   * @example
   * ```ts
   * import { open } from "./mod.ts";
   * await using s = await open({ ip: ["127.0.0.1", "127.0.0.2"] });
   * console.log(await s.socknames()); // two entries, one port
   * ```
   */
  socknames(assoc?: Assoc): Promise<{ addr: string; port: number }[]> {
    return this.#addrs(assoc, false, "socknames");
  }

  /**
   * The peer addresses of an association (gen_sctp's `inet:peernames/2`);
   * without one, a one-to-one socket's peer.
   *
   * @example
   * ```ts
   * import { open } from "./mod.ts";
   * await using srv = await open({ ip: "127.0.0.1" });
   * await srv.listen(true);
   * await using cli = await open();
   * const assoc = await cli.connect("127.0.0.1", await srv.port());
   * console.log(await cli.peernames(assoc));
   * ```
   */
  peernames(assoc?: Assoc): Promise<{ addr: string; port: number }[]> {
    return this.#addrs(assoc, true, "peernames");
  }

  /**
   * Adds (or with `add = false` removes) local addresses of a bound socket
   * (sctp_bindx).
   *
   * @example
   * ```ts
   * import { open } from "./mod.ts";
   * await using s = await open({ ip: "127.0.0.1" });
   * await s.bindx(["127.0.0.2"]);
   * ```
   */
  async bindx(addrs: string[], add = true): Promise<void> {
    if (!Array.isArray(addrs) || addrs.length === 0) {
      throw new TypeError("bindx: expected a non-empty list of addresses");
    }
    const ips = addrs.map((a) => ipArg(a, this.#family, "bindx"));
    this.#usable();
    const port = await this.port();
    // checked again after the await: a socket closed meanwhile (its fd
    // number perhaps reused by another socket) must not be acted on
    this.#usable();
    check(
      lib.sctp_shim_bindx(
        this.#fd,
        addrList(ips, port),
        ips.length,
        add ? 1 : 0,
      ),
      "bindx",
    );
  }

  // ---- options ----

  /** @internal applies options in order: set semantics. */
  _applyOpts(opts: Record<string, unknown>, change = false): void {
    const afterActive = applyOpts(this.#target(), opts, change);
    if (afterActive || this.#box.isActive) this.#engine.service();
  }

  /**
   * Sets options (gen_sctp's `inet:setopts/2`), in order. Unknown names and
   * bad values throw TypeError/RangeError naming the option; a kernel refusal
   * rejects with its posix reason.
   *
   * @example
   * ```ts
   * import { open } from "./mod.ts";
   * await using s = await open();
   * await s.setopts({ active: 5, sctp_nodelay: true, sctp_initmsg: { num_ostreams: 10 } });
   * ```
   */
  setopts(opts: SctpOptions): Promise<void> {
    try {
      if (opts === null || typeof opts !== "object" || Array.isArray(opts)) {
        throw new TypeError("setopts: expected an object of options");
      }
      this.#usable();
      this._applyOpts(opts);
      return Promise.resolve();
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /**
   * Reads options (gen_sctp's `inet:getopts/2`): names, or `{ name: record }`
   * requests with the key fields set (`{ sctp_status: { assoc_id } }`).
   * Resolves with an object in request order; options the kernel refuses are
   * omitted, as gen_sctp does.
   *
   * @example
   * ```ts
   * import { open } from "./mod.ts";
   * await using s = await open();
   * const o = await s.getopts(["active", "sndbuf", "sctp_initmsg"]);
   * console.log(o.sctp_initmsg);
   * ```
   */
  getopts<const N extends readonly SctpOptionRequest[]>(
    names: N,
  ): Promise<SctpOptionsResult<N>> {
    try {
      if (!Array.isArray(names)) {
        throw new TypeError("getopts: expected a list");
      }
      this.#usable();
      const out: Record<string, unknown> = {};
      for (const n of names) {
        if (typeof n === "string") {
          const v = getOpt(this.#target(), n, undefined);
          if (v !== undefined) out[n] = v;
        } else if (n !== null && typeof n === "object" && !Array.isArray(n)) {
          for (const [k, key] of Object.entries(n)) {
            const v = getOpt(this.#target(), k, key);
            if (v !== undefined) out[k] = v;
          }
        } else throw new TypeError("getopts: bad option name");
      }
      return Promise.resolve(out as SctpOptionsResult<N>);
    } catch (e) {
      return Promise.reject(e);
    }
  }

  // ---- lifetime ----

  /**
   * Keeps the process alive while this socket waits for something
   * (default). `unref()` lets the process exit even with a pending recv.
   *
   * @example
   * ```ts
   * import { open } from "./mod.ts";
   * const s = await open({ active: true });
   * s.unref(); // a forgotten active socket no longer keeps the process up
   * ```
   */
  ref(): void {
    if (!this.#engine.closed) poller.setRef(this.#fd, true);
  }

  /** Lets the process exit while this socket waits; see {@linkcode ref}. */
  unref(): void {
    if (!this.#engine.closed) poller.setRef(this.#fd, false);
  }

  /**
   * Hands the socket to a Worker (gen_sctp `controlling_process/2`): posts
   * `{ type: "sctp_socket", handle }` to it, which {@linkcode adopt} turns
   * into a socket there. This object then answers `not_owner`. Queued
   * messages move with it.
   *
   * @example
   * ```ts ignore
   * import { open } from "./mod.ts";
   * const s = await open();
   * const w = new Worker(new URL("./worker.ts", import.meta.url), { type: "module" });
   * await s.controllingProcess(w);
   * ```
   */
  controllingProcess(worker: { postMessage(m: unknown): void }): Promise<void> {
    try {
      if (!worker || typeof worker.postMessage !== "function") {
        throw new TypeError("controllingProcess: expected a Worker");
      }
      this.#usable();
      const handle: SocketHandle = {
        fd: this.#fd,
        family: this.#family,
        type: this.#type,
        ...snapshot(this.#settings),
        active: this.#box.active,
        queued: this.#box.handOver(),
      };
      this.#engine.end("not_owner");
      poller.unregister(this.#fd);
      worker.postMessage({ type: "sctp_socket", handle });
      return Promise.resolve();
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /** @internal restores a socket handed over by controllingProcess. */
  static _adopt(h: SocketHandle): SctpSocket {
    const s = SctpSocket.#take({ fd: h.fd, family: h.family, type: h.type });
    Object.assign(s.#settings, restore(h));
    s.#box.inbox = h.queued.map((msg) => ({
      msg,
      error: !!msg.data && typeof msg.data === "object" &&
        !(msg.data instanceof Uint8Array) && !Array.isArray(msg.data) &&
        isErrorEvent(msg.data),
    }));
    s._applyOpts({ active: h.active });
    return s;
  }

  /**
   * Closes the socket (gen_sctp `close/1`); idempotent. Pending recv and
   * send calls reject with `closed`; iterators end.
   *
   * @example
   * ```ts
   * import { open } from "./mod.ts";
   * const s = await open();
   * await s.close();
   * await s.close(); // fine
   * ```
   */
  close(): Promise<void> {
    if (!this.#engine.live()) return Promise.resolve();
    this.#engine.end("closed");
    poller.unregister(this.#fd);
    lib.sctp_shim_close(this.#fd);
    const err = () => new SctpError("closed");
    this.#box.close(err);
    this.#engine.tx.rejectAll(err);
    this.#engine.connects.rejectAll(err);
    this.#engine.rx.reset();
    return Promise.resolve();
  }

  /** `await using` support: closes the socket. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
