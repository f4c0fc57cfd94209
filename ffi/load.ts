/**
 * Opens the compiled shim with `Deno.dlopen` or `bun:ffi` and presents the
 * same typed functions in both runtimes. This is the one place where the
 * symbol table is adapted for Bun. Before binding the table it checks the
 * library's ABI version (`sctp_shim_abi_version`) against `ABI` in
 * `src/layout.ts` (`SHIM_ABI` in `c/sctp_shim.h`):
 * a library of another version is refused with a clear error instead of
 * exchanging records it lays out differently.
 *
 * @module
 */
import { ABI as SHIM_ABI } from "../src/layout.ts";
import { type Shim, symbols } from "./symbols.ts";

declare const Bun: unknown;

/** True when running under Bun. */
export const isBun: boolean = typeof Bun !== "undefined";

const BUN_TYPES: Record<string, string> = {
  i32: "i32",
  u32: "u32",
  buffer: "ptr",
  void: "void",
};

interface Opened {
  symbols: Record<string, (...a: unknown[]) => unknown>;
  close(): void;
}

type Defs = Record<
  string,
  { parameters: readonly string[]; result: string }
>;

// bun:ffi through import.meta.require (Bun's synchronous require): a dynamic
// import() of a computed specifier would be an unanalyzable import to JSR.
function dlopen(path: string, defs: Defs): Opened {
  if (isBun) {
    const req = (import.meta as unknown as { require(s: string): unknown })
      .require;
    const ffi = req("bun:ffi") as {
      dlopen(p: string, d: Record<string, unknown>): Opened;
    };
    const bunDefs: Record<string, { args: string[]; returns: string }> = {};
    for (const [name, def] of Object.entries(defs)) {
      bunDefs[name] = {
        args: def.parameters.map((t) => BUN_TYPES[t]),
        returns: BUN_TYPES[def.result],
      };
    }
    return ffi.dlopen(path, bunDefs);
  }
  return Deno.dlopen(
    path,
    defs as unknown as Deno.ForeignLibraryInterface,
  ) as unknown as Opened;
}

/**
 * Reads the library's ABI version, throwing a clear Error when it has none
 * or another one than this library speaks.
 */
export function checkAbi(path: string): void {
  let probe: Opened;
  try {
    probe = dlopen(path, {
      sctp_shim_abi_version: { parameters: [], result: "i32" },
    });
  } catch (e) {
    const msg = (e as Error).message ?? String(e);
    if ((e as Error).name === "NotCapable") throw e;
    if (/sctp_shim_abi_version/.test(msg)) {
      throw new Error(
        `gen_sctp: ${path} is not a gen_sctp shim (no sctp_shim_abi_version)`,
      );
    }
    throw new Error(`gen_sctp: cannot load the SCTP shim ${path}: ${msg}`);
  }
  try {
    const v = probe.symbols.sctp_shim_abi_version();
    if (v !== SHIM_ABI) {
      throw new Error(
        `gen_sctp: the SCTP shim ${path} has ABI version ${v}, this library ` +
          `needs ${SHIM_ABI}: rebuild it from this version's c/ sources ` +
          "(or unset SCTP_SHIM_LIB to use the bundled one)",
      );
    }
  } finally {
    probe.close();
  }
}

/** Opens the library at the absolute `path` after checking its ABI. */
export function openShim(path: string): Shim {
  checkAbi(path);
  return dlopen(path, symbols as unknown as Defs).symbols as unknown as Shim;
}
