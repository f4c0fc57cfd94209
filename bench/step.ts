/**
 * Stepped repetitions, the protocol bench/run.ts drives every implementation
 * with (`step=1` on the command line; the C and Erlang programs speak it
 * too): the process prints `{"ready":1}` when it is set up, then runs each
 * repetition when a `go` line arrives on stdin and prints its result as
 * `{"rep":{...}}` right after. The orchestrator interleaves the
 * implementations one repetition at a time, so the repetitions it compares
 * ran seconds apart, not minutes. Without `step=1` (the smoke test, a manual
 * run) the gate is open and nothing extra is printed.
 *
 * A stepped process sits idle while the others run. So that the library's
 * poll workers (one per thread that uses sockets, stopped one to two idle
 * graces after the last use) are not stopped and started again in every
 * gap, each thread keeps a receive pending on a socket of its own, as a
 * server with any other socket open would.
 *
 * @module
 */
import process from "node:process";
import { createInterface } from "node:readline";
import { open } from "../mod.ts";

let on = false;
let lines: AsyncIterator<string> | null = null;

/** Turns stepping on (bench.ts main, `step=1`). */
export function enableSteps(): void {
  on = true;
}

/** Whether repetitions are stepped. */
export const stepping = (): boolean => on;

/** Waits for the orchestrator's `go` (at once when not stepping). */
export async function gate(): Promise<void> {
  if (!on) return;
  if (!lines) {
    lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]();
    process.stdout.write('{"ready":1}\n');
  }
  const r = await lines.next();
  if (r.done) process.exit(3); // the orchestrator went away
}

/** Reports one repetition's result (when stepping). */
export function report(run: Record<string, number>): void {
  if (on) process.stdout.write(JSON.stringify({ rep: run }) + "\n");
}

/**
 * Keeps this thread's poll worker up between stepped repetitions: a socket
 * with a receive pending that nothing ever answers (closed by the process's
 * exit, or by the returned function).
 */
export async function keepAlive(): Promise<() => Promise<void>> {
  const s = await open({ ip: "127.0.0.1" });
  s.recv().catch(() => {});
  return () => s.close();
}
