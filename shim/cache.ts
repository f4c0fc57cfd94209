/**
 * The shim cache directory: `$SCTP_SHIM_CACHE`, else
 * `$XDG_CACHE_HOME/gen_sctp_shim`, else `$HOME/.cache/gen_sctp_shim`. Read from
 * the environment (Deno: `--allow-env`), so no `--allow-sys` is needed.
 *
 * @module
 */
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import process from "node:process";

/** Absolute path of the shim cache directory. */
export function cacheRoot(): string {
  const env = process.env;
  if (env.SCTP_SHIM_CACHE) return resolve(env.SCTP_SHIM_CACHE);
  const base = env.XDG_CACHE_HOME || join(env.HOME || homedir(), ".cache");
  return join(base, "gen_sctp_shim");
}
