/**
 * glibc's allocator controls for the soak's memory investigation, through
 * each runtime's FFI: `malloc_trim(0)` (hand freed heap memory back to the
 * kernel) and `malloc_stats()` (per-arena totals, printed on stderr).
 *
 * @module
 */

/** glibc allocator calls (no-ops when libc cannot be opened). */
export interface Libc {
  /** malloc_trim(0): 1 when memory was released. */
  trim(): number;
  /** malloc_stats(): per-arena system/in-use bytes on stderr. */
  stats(): void;
}

const NONE: Libc = { trim: () => -1, stats: () => {} };

/** Opens libc.so.6 with Deno.dlopen or bun:ffi. */
export async function openLibc(): Promise<Libc> {
  try {
    if ("Bun" in globalThis) {
      const ffi = await import("bun:ffi" as string);
      const l = ffi.dlopen("libc.so.6", {
        malloc_trim: { args: ["u64"], returns: "i32" },
        malloc_stats: { args: [], returns: "void" },
      });
      return {
        trim: () => l.symbols.malloc_trim(0) as number,
        stats: () => l.symbols.malloc_stats(),
      };
    }
    const l = Deno.dlopen("libc.so.6", {
      malloc_trim: { parameters: ["usize"], result: "i32" },
      malloc_stats: { parameters: [], result: "void" },
    });
    return {
      trim: () => l.symbols.malloc_trim(0n),
      stats: () => l.symbols.malloc_stats(),
    };
  } catch {
    return NONE;
  }
}
