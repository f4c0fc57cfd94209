/**
 * The C sources of the shim (under `c/`) and the compiler flags; both the
 * loader's build from source and scripts/build-prebuilt use these flags.
 *
 * @module
 */

/** The shim's C sources, in hashing order. */
export const SOURCES: readonly string[] = ["sctp_shim.c", "sctp_shim.h"];
/** Compiler flags of a build from source. */
export const CFLAGS: readonly string[] = [
  "-O2",
  "-fPIC",
  "-shared",
  "-Wall",
  "-Wextra",
  "-Werror",
];
/** Added for `SCTP_SHIM_SANITIZE=1`. */
export const SANITIZE: readonly string[] = [
  "-fsanitize=address,undefined",
  "-fno-omit-frame-pointer",
];
