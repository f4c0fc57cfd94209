/**
 * `--bench SIZE COUNT`: sends COUNT messages of SIZE bytes as fast as the
 * association takes them, with a progress line on stderr, then closes
 * gracefully (the `shutdown_comp` says the peer has acknowledged every
 * message) and prints the rate and bandwidth of the whole run.
 *
 * @module
 */
import { jsonLine, num } from "./format.ts";
import type { Output } from "./io.ts";
import type { Session } from "./session.ts";

/** The outcome of a run. */
export interface BenchResult {
  /** Messages sent. */
  messages: number;
  /** Bytes per message. */
  size: number;
  /** From the first send to the end of the graceful close. */
  seconds: number;
  /** Messages per second. */
  msg_per_s: number;
  /** Megabytes (10^6 bytes) per second. */
  mb_per_s: number;
}

/** The rate and bandwidth of `messages` of `size` bytes in `seconds`. */
export function benchResult(
  messages: number,
  size: number,
  seconds: number,
): BenchResult {
  const s = Math.max(seconds, 1e-6);
  return {
    messages,
    size,
    seconds,
    msg_per_s: messages / s,
    mb_per_s: messages * size / s / 1e6,
  };
}

/** The result as sctpcat prints it. */
export function benchLine(r: BenchResult): string {
  return `sent ${num(r.messages)} messages of ${num(r.size)} bytes in ${
    r.seconds.toFixed(2)
  } s: ${num(r.msg_per_s)} msg/s, ${num(r.mb_per_s, 1)} MB/s`;
}

/**
 * Runs the benchmark over `session`'s association; resolves with the exit
 * code once the association is closed.
 */
export async function bench(
  session: Session,
  b: { size: number; count: number },
  out: Output,
  json: boolean,
): Promise<number> {
  // printable, one line per message for a receiver that prints lines
  const payload = new Uint8Array(b.size).fill(0x78);
  payload[b.size - 1] = 10;
  const t0 = performance.now();
  let sent = 0;
  let last = "";
  const progress = () => {
    const r = benchResult(sent, b.size, (performance.now() - t0) / 1000);
    const line = `sent ${num(sent)}/${num(b.count)} (${
      Math.floor(100 * sent / b.count)
    }%), ${num(r.msg_per_s)} msg/s, ${num(r.mb_per_s, 1)} MB/s`;
    if (out.tty) {
      out.raw(`\r${line.padEnd(last.length)}`);
      last = line;
    } else out.note(line);
  };
  const timer = setInterval(progress, out.tty ? 250 : 1000);
  try {
    while (sent < b.count && !session.closing) {
      await session.send(payload);
      if (!session.closing) sent++;
    }
    // every message is with the kernel: the graceful close ends when the
    // peer has them all
    session.shutdown();
    const code = await session.done;
    if (code !== 0) return code;
    const r = benchResult(sent, b.size, (performance.now() - t0) / 1000);
    if (out.tty && last) out.raw(`\r${" ".repeat(last.length)}\r`);
    await out.write(
      json ? jsonLine({ type: "bench", ...r }) : benchLine(r) + "\n",
    );
    return 0;
  } finally {
    clearInterval(timer);
  }
}
