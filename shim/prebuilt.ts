/**
 * The prebuilt shim for this platform (`prebuilt/<platform>-<arch>/`, listed
 * with its sha256 in `manifest.ts`), checksum verified. A local package uses
 * it in place; a remote one (JSR) is fetched once into the cache, under its
 * digest. In a local tree whose C sources differ from the ones the prebuilt
 * libraries were built from, they are not used (a stale binary must not
 * shadow a changed C file: the caller compiles instead).
 *
 * @module
 */
import { arch, platform } from "node:os";
import { join } from "node:path";
import { readFileSync } from "node:fs";
import { cacheRoot } from "./cache.ts";
import { exists, sha256, sha256File, writeAtomic } from "./files.ts";
import { PREBUILT, type Prebuilt, SOURCE_SHA256 } from "./manifest.ts";
import { localPath, PACKAGE_ROOT, readPackageFile } from "./root.ts";
import { SOURCES } from "./sources.ts";

/** Why no prebuilt library was used. */
export type NoPrebuilt =
  | { reason: "platform"; key: string }
  | { reason: "stale"; key: string };

/** This platform's key in the manifest: `linux-x64`, `linux-arm64`, ... */
export function platformKey(): string {
  return `${platform()}-${arch()}`;
}

function checksumError(what: string, want: string, got: string): Error {
  return new Error(
    `gen_sctp: prebuilt shim ${what} has the wrong checksum ` +
      `(sha256 ${got}, expected ${want}): refusing to load it. ` +
      "Reinstall the package (in a source tree: run scripts/build-prebuilt), " +
      "or set SCTP_SHIM_LIB to a library you trust",
  );
}

/**
 * The path of this platform's verified prebuilt library, or why there is
 * none. Throws when a library is there but its checksum is wrong.
 */
export async function prebuiltPath(
  root: URL = PACKAGE_ROOT,
  table: Readonly<Record<string, Prebuilt>> = PREBUILT,
  sourceSha256: string = SOURCE_SHA256,
): Promise<string | NoPrebuilt> {
  const key = platformKey();
  const pb = table[key];
  if (!pb) return { reason: "platform", key };
  const local = localPath(pb.path, root);
  if (local !== null) {
    const src = SOURCES.map((f) => localPath(`c/${f}`, root)!);
    if (src.every(exists)) {
      const now = sha256(...src.map((p) => readFileSync(p)));
      if (now !== sourceSha256) return { reason: "stale", key };
    }
    if (!exists(local)) return { reason: "platform", key };
    const got = sha256File(local);
    if (got !== pb.sha256) throw checksumError(local, pb.sha256, got);
    return local;
  }
  const out = join(
    cacheRoot(),
    `prebuilt-${pb.sha256.slice(0, 16)}-${key}`,
    "libsctp_shim.so",
  );
  if (exists(out) && sha256File(out) === pb.sha256) return out;
  const bytes = await readPackageFile(pb.path, root);
  const got = sha256(bytes);
  const url = new URL(pb.path, root).href;
  if (got !== pb.sha256) throw checksumError(url, pb.sha256, got);
  writeAtomic(out, bytes);
  return out;
}
