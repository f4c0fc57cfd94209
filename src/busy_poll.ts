/**
 * The busy-poll policy of one socket (the `busy_poll` option, after Linux's
 * `SO_BUSY_POLL`): when a receive finds nothing, retry from the event loop
 * (yielding with setImmediate) for a while before handing the wait to the
 * poll worker, whose wake-up is two thread hops. `"auto"` (the default)
 * spins only for a wait that follows a send (request/response traffic) on a
 * socket whose recent data came within about twice the measured wake-up
 * cost; a number is a fixed budget; 0 never spins.
 *
 * @module
 */
import { setImmediate } from "node:timers";
import { poller } from "./poller.ts";

/** The `busy_poll` budget value (ms) of "auto". */
export const AUTO = -1;

/** The socket's setting the policy reads (it may change). */
export interface BusyPollSettings {
  /** `busy_poll` in milliseconds, or AUTO. */
  readonly busyPoll: number;
}

/** What the policy calls back. */
export interface BusyPollHost {
  /** A scheduled retry is due: read again (or stop when nobody waits). */
  retry(): void;
}

/** Runs a scheduled retry (one function for every socket). */
function retryDue(b: BusyPoll): void {
  b.retryDue();
}

/** See the module doc. */
export class BusyPoll {
  #fd: number;
  #set: BusyPollSettings;
  #host: BusyPollHost;
  /** End of the current busy-poll episode (performance.now()), 0 if none. */
  #spinUntil = 0;
  #scheduled = false;
  /**
   * AUTO: moving average of the waits that a spin served (or, for waits
   * that slept, would have), and when the current sleep began.
   */
  #rate = 1;
  #sleptAt = 0;
  /** Something was sent since the last wait for data began. */
  #sent = false;

  /** `fd`: whether the poller keeps it ref'd matters to AUTO. */
  constructor(fd: number, settings: BusyPollSettings, host: BusyPollHost) {
    this.#fd = fd;
    this.#set = settings;
    this.#host = host;
  }

  /** Whether a retry is scheduled (the socket is spinning). */
  get spinning(): boolean {
    return this.#scheduled;
  }

  /** The socket sent something (a reply may be coming). */
  sent(): void {
    this.#sent = true;
  }

  /**
   * A read found nothing while someone waits. Returns true while this
   * episode's budget lasts (a retry is scheduled), false when the socket
   * should sleep (hand the wait to the poll worker).
   */
  empty(): boolean {
    const t = performance.now();
    const auto = this.#set.busyPoll === AUTO;
    if (this.#spinUntil === 0) {
      const budget = this.#budget();
      this.#sent = false;
      if (budget > 0) this.#spinUntil = t + budget;
    }
    if (this.#spinUntil !== 0) {
      if (t < this.#spinUntil) {
        if (!this.#scheduled) {
          this.#scheduled = true;
          setImmediate(retryDue, this);
        }
        return true;
      }
      if (auto) this.#score(0); // a miss
    } else if (auto && this.#sleptAt === 0) {
      this.#sleptAt = t;
    }
    this.#spinUntil = 0;
    return false;
  }

  /**
   * Data found: ends the wait. In AUTO mode it scores the wait: a spin that
   * got the data is a hit; a sleep is one when the data came within the
   * budget (the wait minus what sleeping itself cost).
   */
  gotData(): void {
    if (this.#spinUntil !== 0) {
      this.#spinUntil = 0;
      if (this.#set.busyPoll === AUTO) this.#score(1);
    } else if (this.#sleptAt !== 0) {
      const gap = performance.now() - this.#sleptAt - poller.sleepCost();
      this.#score(gap < poller.spinBudget() ? 1 : 0);
    }
    this.#sleptAt = 0;
  }

  /** Ends the current episode (nobody waits any more, or a deadline). */
  stop(): void {
    this.#spinUntil = 0;
  }

  /**
   * This wait's budget (ms): the fixed `busy_poll`; in AUTO mode the
   * poller's budget when the socket sent something since its last wait
   * (request/response: a reply is coming; a pure receiver gains no
   * throughput by spinning and would take CPU from its senders) and at least
   * half of the recent waits were (or would have been) served within it,
   * else 0. An unref'd socket sleeps.
   */
  #budget(): number {
    const b = this.#set.busyPoll;
    if (b !== AUTO) return b;
    return this.#sent && this.#rate >= 0.5 && poller.isRefd(this.#fd)
      ? poller.spinBudget()
      : 0;
  }

  #score(hit: 0 | 1): void {
    this.#rate += (hit - this.#rate) / 4;
  }

  /** @internal The scheduled retry (see retryDue). */
  retryDue(): void {
    this.#scheduled = false;
    this.#host.retry();
  }
}
