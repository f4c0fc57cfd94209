/**
 * Finds the shim library. Order: `SCTP_SHIM_LIB` (a library you built) → the
 * prebuilt library for this platform (checksum verified; skipped with
 * `SCTP_SHIM_PREBUILT=0`, `SCTP_SHIM_SANITIZE=1`, or when a source tree's C
 * files differ from the ones it was built from) → a build from source with
 * `cc` (or `$CC`), cached under `SCTP_SHIM_CACHE` → an error naming what to
 * install.
 *
 * @module
 */
import { platform } from "node:os";
import { resolve } from "node:path";
import process from "node:process";
import { compiledPath } from "./compile.ts";
import { exists } from "./files.ts";
import { prebuiltPath } from "./prebuilt.ts";

/**
 * Returns the absolute path of a shim library for this platform, fetching or
 * building it when needed. Rejects with an Error that says what to do when it
 * cannot (a Deno permission error as Deno's own `NotCapable`).
 */
export async function shimPath(): Promise<string> {
  const env = process.env;
  if (env.SCTP_SHIM_LIB) {
    const p = resolve(env.SCTP_SHIM_LIB);
    if (!exists(p)) {
      throw new Error(`gen_sctp: SCTP_SHIM_LIB=${p}: no such file`);
    }
    return p;
  }
  const os = platform();
  if (os === "darwin" || os === "win32") {
    throw new Error(
      `gen_sctp: ${os} has no kernel SCTP; the library runs on Linux ` +
        "(x64, arm64, others building from source) with the sctp module",
    );
  }
  let why = "prebuilt shims are disabled (SCTP_SHIM_PREBUILT=0)";
  if (env.SCTP_SHIM_SANITIZE === "1") {
    why = "a sanitizer build was asked for (SCTP_SHIM_SANITIZE=1)";
  } else if (env.SCTP_SHIM_PREBUILT !== "0") {
    const pb = await prebuiltPath();
    if (typeof pb === "string") return pb;
    why = pb.reason === "platform"
      ? `there is no prebuilt shim for ${pb.key}`
      : `the prebuilt shim for ${pb.key} was built from other C sources ` +
        "than c/ (run scripts/build-prebuilt)";
  }
  return await compiledPath(why);
}
