/**
 * Builds the shim from its C sources with `cc` (or `$CC`) into the cache,
 * keyed by the sources' sha256, the flags and the platform. A local package
 * compiles its own `c/`; a remote one (JSR) first fetches `c/` into the cache
 * and checks it against the manifest's source digest.
 *
 * @module
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import { arch, platform } from "node:os";
import { dirname, join } from "node:path";
import process from "node:process";
import { cacheRoot } from "./cache.ts";
import { exists, sha256, writeAtomic } from "./files.ts";
import { SOURCE_SHA256 } from "./manifest.ts";
import { isPermissionError, requireRun } from "./perm.ts";
import { localPath, PACKAGE_ROOT, readPackageFile } from "./root.ts";
import { CFLAGS, SANITIZE, SOURCES } from "./sources.ts";

/** The C sources on disk: the package's own, or fetched into the cache. */
async function sourceDir(root: URL): Promise<{ dir: string; hash: string }> {
  const local = localPath("c/", root);
  if (local !== null) {
    const hash = sha256(...SOURCES.map((f) => readFileSync(join(local, f))));
    return { dir: local, hash };
  }
  const dir = join(cacheRoot(), `src-${SOURCE_SHA256.slice(0, 16)}`);
  if (SOURCES.every((f) => exists(join(dir, f)))) {
    return { dir, hash: SOURCE_SHA256 };
  }
  const files = await Promise.all(
    SOURCES.map((f) => readPackageFile(`c/${f}`, root)),
  );
  const got = sha256(...files);
  if (got !== SOURCE_SHA256) {
    throw new Error(
      `gen_sctp: the C sources at ${new URL("c/", root)} have sha256 ${got}, ` +
        `not ${SOURCE_SHA256} as shim/manifest.ts says: refusing to build ` +
        "them (publishing from a source tree: run scripts/build-prebuilt)",
    );
  }
  SOURCES.forEach((f, i) => writeAtomic(join(dir, f), files[i]));
  return { dir, hash: got };
}

/**
 * Returns the path of a shim built from source, building it when the cache
 * has none. `why` says why no prebuilt library was used (for the message
 * when no compiler is found).
 */
export async function compiledPath(
  why: string,
  root: URL = PACKAGE_ROOT,
): Promise<string> {
  const env = process.env;
  const flags = env.SCTP_SHIM_SANITIZE === "1"
    ? [...CFLAGS, ...SANITIZE]
    : [...CFLAGS];
  const { dir, hash } = await sourceDir(root);
  const key = sha256(new TextEncoder().encode(`${hash} ${flags.join(" ")}`))
    .slice(0, 16);
  const ext = platform() === "darwin" ? "dylib" : "so";
  const out = join(
    cacheRoot(),
    `${key}-${platform()}-${arch()}`,
    `libsctp_shim.${ext}`,
  );
  if (exists(out)) return out;
  const cc = env.CC || "cc";
  requireRun(cc);
  mkdirSync(dirname(out), { recursive: true });
  const tmp = `${out}.${process.pid}.tmp`;
  try {
    execFileSync(cc, [...flags, "-o", tmp, join(dir, "sctp_shim.c")], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    renameSync(tmp, out);
  } catch (e) {
    rmSync(tmp, { force: true });
    if (isPermissionError(e)) throw e;
    const err = e as { code?: string; stderr?: Uint8Array };
    if (err.code === "ENOENT") {
      throw new Error(
        `gen_sctp: ${why}, and there is no C compiler ("${cc}") to build ` +
          "the SCTP shim from source: install one (Debian/Ubuntu: " +
          "apt-get install gcc libc6-dev), set CC, or set SCTP_SHIM_LIB to a " +
          "built libsctp_shim.so",
      );
    }
    const msg = err.stderr ? new TextDecoder().decode(err.stderr) : String(e);
    throw new Error(
      `gen_sctp: building the SCTP shim with ${cc} failed:\n${msg}`,
    );
  }
  return out;
}
