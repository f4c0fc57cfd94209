/**
 * sctpcat's terminal side, the same under Deno and Bun (node:process):
 * stdout with back-pressure, one-line notes on stderr, and stdin as lines
 * or as raw chunks.
 *
 * @module
 */
import process from "node:process";
import { createInterface } from "node:readline";
import { setImmediate } from "node:timers";

const enc = new TextEncoder();

/** Bytes of stdout gathered before they are written at once. */
const BATCH = 65536;

/**
 * Writes to stdout (waiting when the pipe is full) and to stderr. Stdout
 * is written in batches: what the receive loop produces from the messages
 * already queued goes out in one write once the loop waits (or at 64 KiB),
 * since one stream write per message cost more than the message itself.
 */
export class Output {
  #closed = false;
  #chunks: Uint8Array[] = [];
  #size = 0;
  #scheduled = false;
  #drain: Promise<void> | undefined;

  /** Watches stdout: a reader gone (EPIPE) ends the program quietly. */
  constructor() {
    process.stdout.on("error", (e: { code?: string }) => {
      if (e?.code === "EPIPE") {
        this.#closed = true;
        process.exit(0);
      }
    });
  }

  /**
   * Writes text or bytes to stdout (soon, in a batch); resolves once it
   * may write more.
   */
  write(chunk: string | Uint8Array): Promise<void> {
    if (this.#closed) return Promise.resolve();
    const b = typeof chunk === "string" ? enc.encode(chunk) : chunk;
    this.#chunks.push(b);
    this.#size += b.length;
    if (this.#size >= BATCH) return this.#writeOut();
    if (!this.#scheduled) {
      this.#scheduled = true;
      setImmediate(() => {
        this.#scheduled = false;
        this.#writeOut();
      });
    }
    return this.#drain ?? Promise.resolve();
  }

  /** Writes what was gathered in one write. */
  #writeOut(): Promise<void> {
    if (this.#size > 0 && !this.#closed) {
      let one = this.#chunks[0];
      if (this.#chunks.length > 1) {
        one = new Uint8Array(this.#size);
        let off = 0;
        for (const c of this.#chunks) {
          one.set(c, off);
          off += c.length;
        }
      }
      this.#chunks = [];
      this.#size = 0;
      if (!process.stdout.write(one) && !this.#drain) {
        this.#drain = new Promise((resolve) =>
          process.stdout.once("drain", () => {
            this.#drain = undefined;
            resolve();
          })
        );
      }
    }
    return this.#drain ?? Promise.resolve();
  }

  /** Writes one line (a newline is added) to stderr. */
  note(line: string): void {
    process.stderr.write(line + "\n");
  }

  /** Writes text to stderr as it is (progress lines with `\r`). */
  raw(text: string): void {
    process.stderr.write(text);
  }

  /** Whether stderr is a terminal. */
  get tty(): boolean {
    return !!process.stderr.isTTY;
  }

  /** Resolves when what was written to stdout and stderr is out (at most 2 s). */
  flush(): Promise<void> {
    this.#writeOut();
    return flushStdio();
  }
}

/** Resolves when what was written to stdout and stderr is out (at most 2 s). */
export function flushStdio(): Promise<void> {
  const drained = (w: typeof process.stdout | typeof process.stderr) =>
    new Promise<void>((resolve) => w.write("", () => resolve()));
  let timer: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([
    Promise.all([drained(process.stdout), drained(process.stderr)]),
    new Promise<void>((resolve) => timer = setTimeout(resolve, 2000)),
  ]).then(() => clearTimeout(timer));
}

/** stdin's lines, without their line ends. */
export async function* stdinLines(): AsyncGenerator<string> {
  const rl = createInterface({ input: process.stdin, crlfDelay: Infinity });
  try {
    for await (const line of rl) yield line;
  } finally {
    rl.close();
  }
}

/** stdin's bytes, chunk by chunk as reads return them. */
export async function* stdinChunks(): AsyncGenerator<Uint8Array> {
  for await (const chunk of process.stdin) {
    const b = chunk as Uint8Array;
    yield new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  }
}

/** Calls `handler` on SIGINT and SIGTERM (Ctrl-C), with the count so far. */
export function onInterrupt(handler: (n: number) => void): void {
  let n = 0;
  const h = () => handler(++n);
  process.on("SIGINT", h);
  process.on("SIGTERM", h);
}
