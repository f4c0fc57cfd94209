/**
 * Shared test utilities: open/close helpers, waiting for events, and
 * counting open fds. Used by every test file; runs under deno test and
 * bun test alike.
 */
import { readdirSync } from "node:fs";
import { open, type SctpMessage, type SctpSocket } from "../mod.ts";

export { open };

/** A listening one-to-many server on 127.0.0.1 (or the given options). */
export async function server(opts: Record<string, unknown> = {}) {
  const s = await open({ ip: "127.0.0.1", ...opts });
  await s.listen(true);
  return { s, port: await s.port() };
}

/** Receives until a message satisfies `pred` (skipping others). */
export async function recvUntil(
  s: SctpSocket,
  pred: (m: SctpMessage) => boolean,
  timeout = 20000,
): Promise<SctpMessage> {
  const end = Date.now() + timeout;
  for (;;) {
    const left = Math.max(1, end - Date.now());
    const m = await s.recv(left);
    if (pred(m)) return m;
  }
}

/** Receives the next data message, skipping events. */
export function recvData(s: SctpSocket, timeout = 20000): Promise<SctpMessage> {
  return recvUntil(
    s,
    (m) => m.data instanceof Uint8Array || Array.isArray(m.data),
    timeout,
  );
}

/** True when `m` is an event of type `t` (and state, if given). */
export function isEvent(m: SctpMessage, t: string, state?: string): boolean {
  const d = m.data as { type?: string; state?: string };
  return !!d && !(d instanceof Uint8Array) && !Array.isArray(d) &&
    d.type === t && (state === undefined || d.state === state);
}

/** Number of open file descriptors of this process. */
export function fdCount(): number {
  return readdirSync("/proc/self/fd").length;
}

export const text = (b: unknown) => new TextDecoder().decode(b as Uint8Array);

/** Whether the tests run under Bun (else Deno). */
export const isBun = "Bun" in globalThis;

/**
 * The arguments that make this test's runtime (`process.execPath`) run the
 * TypeScript file `file` with `args`.
 */
export const scriptArgs = (file: string, ...args: string[]): string[] =>
  isBun ? [file, ...args] : ["run", "-A", file, ...args];

/** mulberry32: a small seeded PRNG giving floats in [0, 1). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
