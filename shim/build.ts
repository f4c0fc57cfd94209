/**
 * Finds the compiled C shim, compiling it with `cc` into a cache keyed by the
 * source hash and platform when missing. `SCTP_SHIM_LIB` points at a prebuilt
 * library instead; `SCTP_SHIM_SANITIZE=1` builds with ASan/UBSan.
 *
 * @module
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
} from "node:fs";
import { arch, homedir, platform } from "node:os";
import { isAbsolute, join, resolve } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";

const SOURCES = ["sctp_shim.c", "sctp_shim.h"];
const CFLAGS = ["-O2", "-fPIC", "-shared", "-Wall", "-Wextra", "-Werror"];
const SANITIZE = ["-fsanitize=address,undefined", "-fno-omit-frame-pointer"];

/** Absolute path of the shim's C sources. */
export function sourceDir(): string {
  // source tree: shim/../c/; npm build: the bundle sits beside c/
  const up = fileURLToPath(new URL("../c/", import.meta.url));
  return existsSync(join(up, "sctp_shim.c"))
    ? up
    : fileURLToPath(new URL("./c/", import.meta.url));
}

function cacheRoot(): string {
  const env = process.env;
  if (env.SCTP_SHIM_CACHE) return resolve(env.SCTP_SHIM_CACHE);
  const base = env.XDG_CACHE_HOME || join(homedir(), ".cache");
  return join(base, "gen_sctp_shim");
}

/**
 * Returns the absolute path of a shim library for this platform, building it
 * when needed. Throws an Error that says what to do when it cannot.
 */
export function shimPath(): string {
  const env = process.env;
  if (env.SCTP_SHIM_LIB) {
    const p = resolve(env.SCTP_SHIM_LIB);
    if (!existsSync(p)) {
      throw new Error(`SCTP_SHIM_LIB=${p}: no such file`);
    }
    return p;
  }
  const dir = sourceDir();
  const sanitize = env.SCTP_SHIM_SANITIZE === "1";
  const flags = sanitize ? [...CFLAGS, ...SANITIZE] : CFLAGS;
  const hash = createHash("sha256");
  for (const f of SOURCES) hash.update(readFileSync(join(dir, f)));
  hash.update(flags.join(" "));
  const key = `${hash.digest("hex").slice(0, 16)}-${platform()}-${arch()}`;
  const ext = platform() === "darwin" ? "dylib" : "so";
  const out = join(cacheRoot(), key, `libsctp_shim.${ext}`);
  if (existsSync(out)) return out;
  mkdirSync(join(cacheRoot(), key), { recursive: true });
  const tmp = `${out}.${process.pid}.tmp`;
  const cc = env.CC || "cc";
  try {
    execFileSync(cc, [...flags, "-o", tmp, join(dir, "sctp_shim.c")], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    renameSync(tmp, out);
  } catch (e) {
    rmSync(tmp, { force: true });
    const err = e as { code?: string; stderr?: Uint8Array };
    if (err.code === "ENOENT") {
      throw new Error(
        `gen_sctp: no C compiler ("${cc}") to build the SCTP shim; ` +
          "install one (apt-get install gcc) or set SCTP_SHIM_LIB",
      );
    }
    const msg = err.stderr ? new TextDecoder().decode(err.stderr) : String(e);
    throw new Error(`gen_sctp: building the SCTP shim failed:\n${msg}`);
  }
  if (!isAbsolute(out)) throw new Error(`shim path not absolute: ${out}`);
  return out;
}
