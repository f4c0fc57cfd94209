/**
 * Receive-side bookkeeping of the soak: per stream and class, which sequence
 * numbers arrived. Ordered messages must arrive exactly in sequence; unordered
 * ones in any order, each once; at the end every sent one must have arrived.
 *
 * @module
 */

/** Per-stream counts of one direction: [ordered, unordered] per stream. */
export type Counts = Array<[number, number]>;

/** Tracks the data messages of one direction. */
export class Tracker {
  /** Next expected ordered seq, per stream. */
  readonly #next: number[];
  /** Unordered: every seq below low[s] arrived; `above[s]` holds the rest. */
  readonly #low: number[];
  readonly #above: Array<Set<number>>;

  /** A tracker for `streams` streams. */
  constructor(streams: number) {
    this.#next = new Array(streams).fill(0);
    this.#low = new Array(streams).fill(0);
    this.#above = Array.from({ length: streams }, () => new Set<number>());
  }

  /**
   * Records message (stream, cls, seq); returns an error description when it
   * is a duplicate, out of order, or on an unknown stream, else null.
   */
  record(stream: number, cls: number, seq: number): string | null {
    if (stream >= this.#next.length) return `unknown stream ${stream}`;
    if (cls === 0) {
      const want = this.#next[stream];
      if (seq === want) {
        this.#next[stream] = want + 1;
        return null;
      }
      return seq < want
        ? `stream ${stream} ordered seq ${seq}: duplicate (expected ${want})`
        : `stream ${stream} ordered seq ${seq}: out of order or gap (expected ${want})`;
    }
    const above = this.#above[stream];
    if (seq < this.#low[stream] || above.has(seq)) {
      return `stream ${stream} unordered seq ${seq}: duplicate`;
    }
    above.add(seq);
    let low = this.#low[stream];
    while (above.delete(low)) low++;
    this.#low[stream] = low;
    return null;
  }

  /** Messages received so far, per stream: [ordered, unordered]. */
  counts(): Counts {
    return this.#next.map((n, s) => [n, this.#low[s] + this.#above[s].size]);
  }

  /** Whether everything `sent` (the sender's counts) has arrived. */
  complete(sent: Counts): boolean {
    return this.missing(sent).length === 0;
  }

  /** What of `sent` has not arrived (or arrived beyond it), described. */
  missing(sent: Counts): string[] {
    const out: string[] = [];
    for (let s = 0; s < this.#next.length; s++) {
      const [o, u] = sent[s] ?? [0, 0];
      if (this.#next[s] !== o) {
        out.push(`stream ${s} ordered: got ${this.#next[s]} of ${o}`);
      }
      const got = this.#low[s] + this.#above[s].size;
      if (this.#low[s] !== u || this.#above[s].size !== 0) {
        out.push(
          `stream ${s} unordered: got ${got} of ${u} (all below ${
            this.#low[s]
          })`,
        );
      }
    }
    return out;
  }
}
