/**
 * Where the package's own files are: the source tree and JSR serve `.ts`
 * modules (this file is `shim/root.ts`, the root is one level up); the npm
 * bundle (`mod.js`) sits at the package root. A remote root (`https:`, as JSR
 * serves it) is read with `fetch`, a local one with `node:fs`.
 *
 * @module
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** The package root (a directory URL). */
export const PACKAGE_ROOT: URL = new URL(
  import.meta.url.endsWith(".ts") ? "../" : "./",
  import.meta.url,
);

/** True when the package's files are on the local file system. */
export function isLocal(root: URL = PACKAGE_ROOT): boolean {
  return root.protocol === "file:";
}

/** The local path of a package file (`rel` from the root), or null if remote. */
export function localPath(
  rel: string,
  root: URL = PACKAGE_ROOT,
): string | null {
  return isLocal(root) ? fileURLToPath(new URL(rel, root)) : null;
}

/** Reads a package file: from disk when local, with `fetch` when remote. */
export async function readPackageFile(
  rel: string,
  root: URL = PACKAGE_ROOT,
): Promise<Uint8Array> {
  const url = new URL(rel, root);
  if (isLocal(root)) return readFileSync(fileURLToPath(url));
  const res = await fetch(url);
  if (!res.ok) {
    await res.body?.cancel();
    throw new Error(`gen_sctp: fetching ${url} failed: HTTP ${res.status}`);
  }
  return new Uint8Array(await res.arrayBuffer());
}
