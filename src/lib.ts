/**
 * The loaded shim, shared by every module of the process (one dlopen). The
 * library is found (or fetched, or built) by `shim/build.ts` and its ABI
 * version checked by `ffi/load.ts`.
 *
 * @module
 */
import { openShim } from "../ffi/load.ts";
import type { Shim } from "../ffi/symbols.ts";
import { shimPath } from "../shim/build.ts";
import { requireRead } from "../shim/perm.ts";

// The poll worker's module (see poller.ts): Deno loads a local worker module
// only with read access to it, and a failure there would surface in the
// worker, after the caller's code ran; checked here, at import, instead.
const worker = new URL(
  import.meta.url.endsWith(".ts") ? "./poller_worker.ts" : "./poller_worker.js",
  import.meta.url,
);
if (worker.protocol === "file:") requireRead(worker);

/** Absolute path of the loaded shim library (handed to the poll worker). */
export const libPath: string = await shimPath();
/** The shim's functions. */
export const lib: Shim = openShim(libPath);
