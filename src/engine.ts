/**
 * The event-loop side of one socket: reads while someone wants items (a
 * waiting recv, active mode, a waiting connect), busy-polls or arms the
 * poller when there is nothing to read, flushes the send queue when the
 * socket becomes writable, and starts recv waits. It wires the receive
 * engine, the delivery, the sender, connect and the busy-poll policy
 * together; the SctpSocket facade delegates to it.
 *
 * @module
 */
import { BusyPoll, type BusyPollHost } from "./busy_poll.ts";
import { Connects } from "./connect.ts";
import { Delivery, settled, type WaitHost } from "./delivery.ts";
import { SctpError } from "./errors.ts";
import * as L from "./layout.ts";
import { POLL_IN, POLL_OUT, poller } from "./poller.ts";
import {
  isDetached,
  type Received,
  Receiver,
  type ReceiverHost,
} from "./receiver.ts";
import { growSndbuf, Sender, type SenderHost } from "./sender.ts";
import type { Settings } from "./settings.ts";
import { timeoutArg } from "./timeouts.ts";
import type { SctpMessage } from "./records.ts";
import type { RecvOptions } from "./types.ts";

/**
 * See the module doc. It is the host of its receiver, sender, busy-poll
 * policy and waiting recv itself (methods, not closures: an idle socket
 * keeps no functions, and a recv makes none).
 */
export class Engine
  implements ReceiverHost, SenderHost, BusyPollHost, WaitHost {
  /** The inbox, the waiting recv and active mode. */
  readonly box: Delivery;
  /** Connects waiting for their association's outcome. */
  readonly connects: Connects = new Connects();
  /** The receive engine. */
  readonly rx: Receiver;
  /** The send queue. */
  readonly tx: Sender;
  readonly #spin: BusyPoll;
  readonly #fd: number;
  readonly #family: 4 | 6;
  /** The socket was closed (true) or handed to another owner. */
  #closed = false;
  #notOwner = false;
  #readArmed = false;
  #writeArmed = false;
  #servicing = false;
  #again = false;

  /** `target` dispatches the active-mode events. */
  constructor(
    fd: number,
    family: 4 | 6,
    settings: Settings,
    target: EventTarget,
  ) {
    this.#fd = fd;
    this.#family = family;
    this.box = new Delivery(target);
    this.rx = new Receiver(fd, settings, this);
    this.tx = new Sender(fd, settings, this);
    this.#spin = new BusyPoll(fd, settings, this);
  }

  /** Whether the socket was closed. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Whether the socket is open and owned here. */
  live(): boolean {
    return !this.#closed && !this.#notOwner;
  }

  /** Throws `not_owner` / `closed` when the socket is not live. */
  usable(): void {
    if (this.#notOwner) throw new SctpError("not_owner");
    if (this.#closed) throw new SctpError("closed");
  }

  /** Marks the socket closed (or handed over) and stops waiting. */
  end(how: "closed" | "not_owner"): void {
    if (how === "closed") this.#closed = true;
    else this.#notOwner = true;
    this.stop();
  }

  /** ReceiverHost: the outcome a connect() waits for goes to it, not to
   * the inbox. */
  emit(item: Received): void {
    if (item.error || !this.connects.claim(item.msg)) {
      this.box.inbox.push(item);
    }
  }

  /** ReceiverHost: `into` was detached under a message. */
  intoLost(into: Uint8Array): void {
    this.box.failInto(
      into,
      new TypeError(
        "recv: `into` was detached while a message was being received into it; that message is lost",
      ),
    );
  }

  /** SenderHost: tell the sender (flush) when the socket is writable. */
  armWrite(): void {
    if (!this.#writeArmed && this.live()) {
      this.#writeArmed = true;
      this.#armPoll();
    }
  }

  /** SenderHost: grows the send buffer for a `len`-byte message. */
  grow(len: number): boolean {
    return growSndbuf(this.#fd, this.#family, len);
  }

  /** BusyPollHost: a spin's retry is due. */
  retry(): void {
    if (!this.#demand() || this.box.expired()) return this.#spin.stop();
    this.service();
  }

  /** Something was sent (a reply may follow: busy-poll may spin for it). */
  sent(): void {
    this.#spin.sent();
  }

  /** Stops waiting for readiness (the socket closed or moved). */
  stop(): void {
    this.#spin.stop();
    this.#readArmed = false;
    this.#writeArmed = false;
  }

  #demand(): boolean {
    return this.live() &&
      (this.box.demand() || this.connects.pending);
  }

  /** One read (the poller learns that the socket is in use). */
  #read(): string {
    poller.touch();
    return this.rx.read(this.box.into);
  }

  /** Reads and delivers while someone wants items. */
  service(): void {
    if (this.#servicing) {
      this.#again = true;
      return;
    }
    this.#servicing = true;
    try {
      do {
        this.#again = false;
        this.box.deliver();
        while (this.#demand()) {
          const r = this.#read();
          if (r === "eagain") {
            this.#awaitData();
            break;
          }
          this.#spin.gotData();
          if (r !== "ok") {
            this.box.fail(r);
            break;
          }
          this.box.deliver();
        }
      } while (this.#again);
    } finally {
      this.#servicing = false;
    }
  }

  /**
   * Nothing to read: busy-poll while the policy says so, else sleep (the
   * waiting recv's timer starts) and arm the poller.
   */
  #awaitData(): void {
    if (this.#spin.empty()) return;
    this.box.sleep();
    if (this.#readArmed || !this.live()) return;
    this.#readArmed = true;
    this.#armPoll();
  }

  #armPoll(): void {
    const ev = (this.#readArmed ? POLL_IN : 0) |
      (this.#writeArmed ? POLL_OUT : 0);
    if (ev === 0) {
      poller.disarm(this.#fd);
      return;
    }
    poller.arm(this.#fd, ev, (rev) => {
      const r = this.#readArmed, w = this.#writeArmed;
      this.#readArmed = false;
      this.#writeArmed = false;
      // the side that is ready runs; an error or hang-up (or no flags)
      // wakes both, and each finds out by trying; the other waits on
      const all = (rev & L.POLL_ERR) !== 0 ||
        (rev & (POLL_IN | POLL_OUT)) === 0;
      if (w && (all || rev & POLL_OUT)) this.tx.flush();
      else if (w) this.#writeArmed = true;
      if (r && (all || rev & POLL_IN)) this.service();
      else if (r) this.#readArmed = true;
      if (this.#readArmed || this.#writeArmed) this.#armPoll();
    });
  }

  /**
   * A recv(): the next message now, or a wait (see RecvOptions); an
   * error-class event rejects (delivery.ts settled). Throws for bad arguments.
   */
  recvMsg(opts?: number | "infinity" | RecvOptions): Promise<SctpMessage> {
    return this.#recv(opts, true) as Promise<SctpMessage>;
  }

  /** As recvMsg, with the item (error-class events resolve too). */
  recvItem(opts?: number | "infinity" | RecvOptions): Promise<Received> {
    return this.#recv(opts, false) as Promise<Received>;
  }

  #recv(
    opts: number | "infinity" | RecvOptions | undefined,
    unwrap: boolean,
  ): Promise<unknown> {
    let timeout: unknown = opts;
    let signal: AbortSignal | undefined;
    let into: Uint8Array | undefined;
    if (opts !== null && typeof opts === "object") {
      timeout = opts.timeout;
      signal = opts.signal;
      into = opts.into;
      if (signal !== undefined && !(signal instanceof AbortSignal)) {
        throw new TypeError("recv: signal must be an AbortSignal");
      }
      if (into !== undefined) {
        if (!(into instanceof Uint8Array)) {
          throw new TypeError("recv: into must be a Uint8Array");
        }
        if (isDetached(into.buffer)) {
          throw new TypeError("recv: into is detached (transferred)");
        }
        if (into.length === 0) {
          throw new RangeError("recv: into must not be empty");
        }
      }
    }
    const ms = timeoutArg(timeout, "recv");
    this.usable();
    if (this.box.isActive) {
      throw new SctpError("einval", "recv: socket is active");
    }
    if (this.box.waiting) {
      throw new SctpError("ealready", "recv: another recv is pending");
    }
    if (signal?.aborted) throw new SctpError("aborted", "recv: aborted");
    // already received, or readable now: no waiter, timer or closures
    let empty = false;
    if (this.box.inbox.length === 0 && !this.#servicing && !this.#readArmed) {
      poller.touch();
      const r = this.rx.read(into);
      if (r === "eagain") empty = true;
      else if (r !== "ok") throw new SctpError(r);
      else this.#spin.gotData();
    }
    if (this.box.inbox.length > 0) {
      const item = this.box.inbox.shift()!;
      return unwrap ? settled(item) : Promise.resolve(item);
    }
    return this.box.wait(empty, ms, signal, into, this, unwrap);
  }

  /** WaitHost: a wait began (`empty`: a read just found nothing). */
  start(empty: boolean): void {
    if (empty) this.#awaitData();
    else this.service();
  }

  /** WaitHost: whether the socket busy-polls. */
  spinning(): boolean {
    return this.#spin.spinning;
  }

  /** WaitHost: a wait ended without an item (timeout, abort). */
  ended(into: Uint8Array | undefined): void {
    // the caller may write to `into` once this recv has ended
    if (into) this.rx.release(into);
    if (!this.#demand()) {
      this.#readArmed = false;
      this.#armPoll();
    }
  }
}
