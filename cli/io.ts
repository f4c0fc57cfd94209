/**
 * sctpcat's terminal side, the same under Deno and Bun (node:process):
 * stdout with back-pressure, one-line notes on stderr, and stdin as lines
 * or as raw chunks.
 *
 * @module
 */
import process from "node:process";
import { createInterface } from "node:readline";

const enc = new TextEncoder();

/** Writes to stdout (waiting when the pipe is full) and to stderr. */
export class Output {
  #closed = false;

  /** Watches stdout: a reader gone (EPIPE) ends the program quietly. */
  constructor() {
    process.stdout.on("error", (e: { code?: string }) => {
      if (e?.code === "EPIPE") {
        this.#closed = true;
        process.exit(0);
      }
    });
  }

  /** Writes text or bytes to stdout; resolves once it may write more. */
  write(chunk: string | Uint8Array): Promise<void> {
    if (this.#closed) return Promise.resolve();
    const more = process.stdout.write(
      typeof chunk === "string" ? enc.encode(chunk) : chunk,
    );
    if (more) return Promise.resolve();
    return new Promise((resolve) => process.stdout.once("drain", resolve));
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
