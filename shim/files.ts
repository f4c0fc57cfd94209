/**
 * File helpers of the shim loader that let permission errors through (Deno's
 * `NotCapable` names the missing flag) instead of reading them as "missing".
 *
 * @module
 */
import { createHash } from "node:crypto";
import {
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { dirname } from "node:path";
import process from "node:process";

/** True if `p` exists; a permission error is thrown, not taken for "no". */
export function exists(p: string): boolean {
  try {
    statSync(p);
    return true;
  } catch (e) {
    if ((e as { code?: string }).code === "ENOENT") return false;
    throw e;
  }
}

/** sha256 of `bytes`, hex. */
export function sha256(...parts: Uint8Array[]): string {
  const h = createHash("sha256");
  for (const p of parts) h.update(p);
  return h.digest("hex");
}

/** sha256 of the file at `p`, hex. */
export function sha256File(p: string): string {
  return sha256(readFileSync(p));
}

/** Writes `bytes` to `p` atomically (a temporary file, then a rename). */
export function writeAtomic(p: string, bytes: Uint8Array): void {
  mkdirSync(dirname(p), { recursive: true });
  const tmp = `${p}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, bytes);
    renameSync(tmp, p);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}
