/**
 * Where received items go: the inbox, the one waiting recv (with its
 * timeout, AbortSignal and `into`), and active mode (gen_sctp's `active`
 * true / once / N: items become `"sctp"` / `"sctp_error"` events, and
 * `"sctp_passive"` when an active-N counter runs out). Events wait in a
 * mailbox until someone listens, so nothing dispatched early is lost.
 *
 * @module
 */
import { SctpError } from "./errors.ts";
import type { Received } from "./receiver.ts";
import type { SctpEvent, SctpMessage } from "./records.ts";
import { type Active, activeArg } from "./socket_options.ts";
import { timerDelay } from "./timeouts.ts";
import { without } from "./lazy_list.ts";

/** The waiting recv. */
interface Waiter {
  /** Its promise's functions (called through settle / fail below). */
  resolve(v: unknown): void;
  reject(e: unknown): void;
  /**
   * recv(): resolves with the message (an error-class event rejects);
   * else (the async iterator) with the item.
   */
  unwrap: boolean;
  /** Clears a timeout's timer and an AbortSignal's listener (null: none). */
  done: (() => void) | null;
  /** A timeout whose timer is not started while busy-polling. */
  deadline?: number;
  /** Starts that timer (when the socket stops spinning and sleeps). */
  sleep?: () => void;
  /** Fails the wait with `timeout`. */
  expire?: () => void;
  /** RecvOptions.into. */
  into?: Uint8Array;
}

/**
 * The rejection of recv() for an error-class event (`sctp_send_failed`,
 * `sctp_remote_error`, `sctp_pdapi_event`): the record as the reason, the
 * whole message as the detail.
 */
function itemError(item: Received): SctpError {
  const ev = item.msg.data as SctpEvent;
  return new SctpError(ev, `${ev.type} event`, item.msg);
}

/** What recv() returns for an item: its message, or the event's error. */
export function settled(item: Received): Promise<SctpMessage> {
  return item.error
    ? Promise.reject(itemError(item))
    : Promise.resolve(item.msg);
}

/** What a waiting recv needs from its socket. */
export interface WaitHost {
  /**
   * The wait began: read (`empty`: a read just found nothing, so wait for
   * data without trying again).
   */
  start(empty: boolean): void;
  /** Whether the socket is busy-polling (timers wait until it sleeps). */
  spinning(): boolean;
  /** The wait ended without an item (timeout, abort): `into` is free. */
  ended(into: Uint8Array | undefined): void;
}

const EVENT_TYPES = new Set(["sctp", "sctp_error", "sctp_passive"]);

/** See the module doc. */
export class Delivery {
  /** Received items nobody has taken yet. */
  inbox: Received[] = [];
  #waiter: Waiter | null = null;
  #active: false | true | "once" | "multi" = false;
  #count = 0;
  /** Events for listeners (null when none: an idle socket keeps none). */
  #mailbox: Event[] | null = null;
  #listeners = 0;
  #target: EventTarget;

  /** `target` dispatches the active-mode events. */
  constructor(target: EventTarget) {
    this.#target = target;
  }

  /** The waiting recv's `into`, if one waits. */
  get into(): Uint8Array | undefined {
    return this.#waiter?.into;
  }

  /** Whether a recv waits. */
  get waiting(): boolean {
    return this.#waiter !== null;
  }

  /** Whether the socket is in active mode. */
  get isActive(): boolean {
    return this.#active !== false;
  }

  /** `active` as getopts reports it. */
  get active(): Active {
    return this.#active === "multi" ? this.#count : this.#active;
  }

  /** Sets `active` (gen_sctp's rules for active-N counters). */
  setActive(v: unknown): void {
    const a = activeArg(v);
    if (typeof a !== "number") {
      this.#count = 0;
      this.#active = a;
      return;
    }
    const cur = this.#active === "multi" ? this.#count : 0;
    const sum = cur + a;
    if (sum > 32767 || sum < -32768) {
      throw new SctpError("einval", "active: counter out of range");
    }
    if (sum <= 0) {
      this.#count = 0;
      this.#active = false;
      this.post(new Event("sctp_passive"));
    } else {
      this.#count = sum;
      this.#active = "multi";
    }
  }

  /** Whether someone wants items (a waiting recv or active mode). */
  demand(): boolean {
    return this.#waiter !== null || this.#active !== false;
  }

  /** Hands queued items to the waiting recv or to active delivery. */
  deliver(): void {
    while (this.inbox.length > 0) {
      if (this.#waiter) {
        const w = this.#waiter;
        this.#waiter = null;
        settle(w, this.inbox.shift()!);
      } else if (this.#active !== false) {
        this.#activeDeliver(this.inbox.shift()!);
      } else return;
    }
  }

  #activeDeliver(item: Received): void {
    this.post(
      new CustomEvent(item.error ? "sctp_error" : "sctp", { detail: item.msg }),
    );
    if (this.#active === "once") {
      this.#active = false;
    } else if (this.#active === "multi") {
      if (--this.#count <= 0) {
        this.#count = 0;
        this.#active = false;
        this.post(new Event("sctp_passive"));
      }
    }
  }

  /** A read failed with `reason`: the waiting recv or active mode learns. */
  fail(reason: string): void {
    const err = new SctpError(reason);
    if (this.#waiter) {
      const w = this.#waiter;
      this.#waiter = null;
      fail(w, err);
    } else if (this.#active !== false) {
      this.post(new CustomEvent("sctp_error", { detail: reason }));
    }
  }

  /** The waiting recv whose `into` is `into` rejects with `e`. */
  failInto(into: Uint8Array, e: unknown): void {
    const w = this.#waiter;
    if (w !== null && w.into === into) {
      this.#waiter = null;
      fail(w, e);
    }
  }

  /** Queues an event for the listeners (dispatched once someone listens). */
  post(ev: Event): void {
    const box = this.#mailbox ??= [];
    box.push(ev);
    if (box.length === 1) queueMicrotask(() => this.#flush());
  }

  /** A listener of `type` was added (+1) or removed (-1). */
  listening(type: string, delta: 1 | -1): void {
    if (!EVENT_TYPES.has(type)) return;
    this.#listeners = Math.max(0, this.#listeners + delta);
    if (delta > 0) queueMicrotask(() => this.#flush());
  }

  #flush(): void {
    const box = this.#mailbox;
    while (this.#listeners > 0 && box !== null && box.length > 0) {
      this.#target.dispatchEvent(box.shift()!);
    }
    if (box?.length === 0 && this.#mailbox === box) this.#mailbox = null;
  }

  /**
   * Removes and returns the first received message `pred` accepts: from
   * the inbox, or an `"sctp"` event not yet dispatched.
   */
  take(pred: (m: SctpMessage) => boolean): SctpMessage | undefined {
    const i = this.inbox.findIndex((it) => pred(it.msg));
    if (i >= 0) return this.inbox.splice(i, 1)[0].msg;
    const ev = this.#mailbox?.find((ev) =>
      ev.type === "sctp" && pred((ev as CustomEvent<SctpMessage>).detail)
    );
    if (ev === undefined) return undefined;
    const box = without(this.#mailbox, ev);
    if (box !== undefined) this.#mailbox = box;
    return (ev as CustomEvent<SctpMessage>).detail;
  }

  /**
   * A recv that waits: resolves with the next item (`unwrap`: with its
   * message, an error-class event rejecting), or rejects with `timeout`
   * after `ms` (-1: never), `aborted` when `signal` fires, or what
   * fail/close give. Only one waits at a time (the caller checks).
   * `empty`: a read just found nothing (wait for data, no second read).
   * A wait without a timeout or signal makes no closures of its own.
   */
  wait(
    empty: boolean,
    ms: number,
    signal: AbortSignal | undefined,
    into: Uint8Array | undefined,
    host: WaitHost,
    unwrap: boolean,
  ): Promise<unknown> {
    let w!: Waiter;
    const p = new Promise((resolve, reject) => {
      w = { resolve, reject, unwrap, done: null, into };
    });
    this.#waiter = w;
    host.start(empty);
    if (this.#waiter !== w) return p;
    if (ms === 0) this.#cancel(w, host, new SctpError("timeout"));
    else if (ms > 0 || signal !== undefined) {
      this.#bound(w, ms, signal, host);
    }
    return p;
  }

  /** Ends the wait `w` (if it still waits) with `e`; `into` is free. */
  #cancel(w: Waiter, host: WaitHost, e: SctpError): void {
    if (this.#waiter !== w) return;
    this.#waiter = null;
    host.ended(w.into);
    fail(w, e);
  }

  /** Gives the wait `w` its timeout (ms > 0) and AbortSignal. */
  #bound(
    w: Waiter,
    ms: number,
    signal: AbortSignal | undefined,
    host: WaitHost,
  ): void {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const onAbort = () =>
      this.#cancel(w, host, new SctpError("aborted", "recv: aborted"));
    w.done = () => {
      if (timer !== undefined) clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
    };
    if (ms > 0) {
      const deadline = performance.now() + ms;
      const arm = () => {
        timer = setTimeout(expire, timerDelay(deadline - performance.now()));
      };
      // a timeout past setTimeout's limit waits in steps
      const expire = () =>
        deadline - performance.now() > 1
          ? arm()
          : this.#cancel(w, host, new SctpError("timeout"));
      if (host.spinning()) {
        // busy-polling: a timer only if the socket goes to sleep
        w.deadline = deadline;
        w.expire = expire;
        w.sleep = arm;
      } else arm();
    }
    signal?.addEventListener("abort", onAbort);
  }

  /**
   * The socket stops spinning and sleeps: the waiting recv's timer starts
   * (if its deadline waited for that).
   */
  sleep(): void {
    const w = this.#waiter;
    if (w?.sleep) {
      const sleep = w.sleep;
      w.sleep = w.deadline = undefined;
      sleep();
    }
  }

  /** Whether the waiting recv's deadline passed while spinning (it expires). */
  expired(): boolean {
    const w = this.#waiter;
    if (w?.deadline !== undefined && performance.now() >= w.deadline) {
      w.expire!();
      return true;
    }
    return false;
  }

  /** The socket closed: the waiting recv rejects; queued items are dropped. */
  close(err: () => unknown): void {
    if (this.#waiter) {
      const w = this.#waiter;
      this.#waiter = null;
      fail(w, err());
    }
    this.inbox = [];
  }

  /** Hands the queued messages over (controllingProcess). */
  handOver(): SctpMessage[] {
    const q = this.inbox.map((i) => i.msg);
    this.inbox = [];
    return q;
  }
}

/** Settles the wait `w` with `item`. */
function settle(w: Waiter, item: Received): void {
  w.done?.();
  if (!w.unwrap) w.resolve(item);
  else if (item.error) w.reject(itemError(item));
  else w.resolve(item.msg);
}

/** Fails the wait `w` with `e`. */
function fail(w: Waiter, e: unknown): void {
  w.done?.();
  w.reject(e);
}
