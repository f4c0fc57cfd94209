/**
 * Opens the compiled shim with `Deno.dlopen` or `bun:ffi` and presents the
 * same typed functions in both runtimes. This is the one place where the
 * symbol table is adapted for Bun.
 *
 * @module
 */
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

/** Opens the library at the absolute `path`. */
export async function openShim(path: string): Promise<Shim> {
  if (isBun) {
    const spec = "bun:ffi";
    const ffi = await import(spec);
    const defs: Record<string, { args: string[]; returns: string }> = {};
    for (const [name, def] of Object.entries(symbols)) {
      defs[name] = {
        args: (def.parameters as readonly string[]).map((t) => BUN_TYPES[t]),
        returns: BUN_TYPES[def.result],
      };
    }
    return ffi.dlopen(path, defs).symbols as Shim;
  }
  return Deno.dlopen(path, symbols).symbols as unknown as Shim;
}
