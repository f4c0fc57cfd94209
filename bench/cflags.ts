/**
 * How the C baseline (bench/sctp_bench.c) is compiled: by bench/run.ts for
 * the benchmark and by tests/bench_smoke.test.ts for its protocol test.
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
