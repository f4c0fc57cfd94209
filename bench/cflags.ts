/**
 * How the baselines are built and started: the C one (bench/sctp_bench.c)
 * compiled, the Erlang one (bench/sctp_bench.erl) run; by bench/run.ts for
 * the benchmark and by tests/bench_smoke.test.ts for their protocol tests.
 *
 * @module
 */

/** `cc` flags before `-o OUT SRC`. */
export const CC_FLAGS: readonly string[] = [
  "-O2",
  "-Wall",
  "-Wextra",
  "-Werror",
  "-pthread",
];

/** `erl` arguments that run bench/sctp_bench.erl (its .beam in `dir`). */
export function erlArgs(dir: string, args: readonly string[]): string[] {
  return ["-noshell", "-pa", dir, "-run", "sctp_bench", "main", ...args];
}
