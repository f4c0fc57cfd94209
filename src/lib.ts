/**
 * The loaded shim, shared by every module of the process (one dlopen).
 *
 * @module
 */
import { openShim } from "../ffi/load.ts";
import type { Shim } from "../ffi/symbols.ts";
import { shimPath } from "../shim/build.ts";

/** Absolute path of the loaded shim library (handed to the poll worker). */
export const libPath: string = shimPath();
/** The shim's functions. */
export const lib: Shim = await openShim(libPath);
