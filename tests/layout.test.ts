// src/layout.ts against c/sctp_shim.h: every constant of the header has its
// twin in layout.ts with the same value (SHIM_X -> X, SHIM_OPT_X -> OPT.X,
// the state enums -> their name lists), and the reverse; the loaded shim
// reports the ABI that layout.ts expects.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import * as L from "../src/layout.ts";
import { lib } from "../src/lib.ts";

const header = readFileSync(
  new URL("../c/sctp_shim.h", import.meta.url),
  "utf8",
).replace(/\/\*[\s\S]*?\*\//g, ""); // comments out

/** Every SHIM_ constant of the header: #defines and enum members. */
function headerConstants(): Map<string, number> {
  const out = new Map<string, number>();
  for (const m of header.matchAll(/^#define (SHIM_\w+) (\S+)\s*$/gm)) {
    const v = Number(m[2]);
    if (Number.isFinite(v)) out.set(m[1], v);
  }
  for (const m of header.matchAll(/enum(?:\s+\w+)?\s*\{([^}]*)\}/g)) {
    let next = 0;
    for (const part of m[1].split(",")) {
      const e = part.trim().match(/^(SHIM_\w+)(?:\s*=\s*(\S+))?$/);
      if (!e) continue;
      const v = e[2] === undefined ? next : Number(e[2]);
      out.set(e[1], v);
      next = v + 1;
    }
  }
  return out;
}

const LISTS: Record<string, { list: readonly unknown[]; prefix: string }> = {
  AC: { list: L.AC_STATES, prefix: "" },
  PA: { list: L.PA_STATES, prefix: "addr_" },
  ST: { list: L.ST_STATES, prefix: "" },
  PS: { list: L.PS_STATES, prefix: "" },
};

/** The layout.ts value for a header name (undefined: none). */
function twin(name: string, value: number): unknown {
  const n = name.replace(/^SHIM_/, "");
  const opt = n.match(/^OPT_(\w+)$/);
  if (opt) return (L.OPT as Record<string, number>)[opt[1]];
  const st = n.match(/^(AC|PA|ST|PS)_(\w+)$/);
  if (st) {
    const { list, prefix } = LISTS[st[1]];
    return list[value] === prefix + st[2].toLowerCase() ? value : undefined;
  }
  const spp = n.match(/^SPP_(\w+)$/);
  if (spp) {
    const i = (L.SPP_FLAGS as readonly string[]).indexOf(
      spp[1].toLowerCase(),
    );
    return i < 0 ? undefined : 1 << i;
  }
  return (L as Record<string, unknown>)[n];
}

describe("layout.ts mirrors c/sctp_shim.h", () => {
  const consts = headerConstants();

  it("the header defines the layout (sanity)", () => {
    assert.ok(consts.size > 100, `only ${consts.size} constants parsed`);
    assert.equal(consts.get("SHIM_REC_HDR"), 112);
    assert.equal(consts.get("SHIM_OPT_SNDBUFFORCE"), 35);
    assert.equal(consts.get("SHIM_ST_SHUTDOWN_ACK_SENT"), 11);
  });

  it("every header constant has its twin in layout.ts, with its value", () => {
    const bad: string[] = [];
    for (const [name, v] of consts) {
      const t = twin(name, v);
      if (t !== v) bad.push(`${name} = ${v}, layout.ts: ${String(t)}`);
    }
    assert.deepEqual(bad, []);
  });

  it("every number in layout.ts is in the header", () => {
    const missing: string[] = [];
    for (const [k, v] of Object.entries(L)) {
      if (typeof v === "number" && !consts.has(`SHIM_${k}`)) missing.push(k);
    }
    for (const k of Object.keys(L.OPT)) {
      if (!consts.has(`SHIM_OPT_${k}`)) missing.push(`OPT.${k}`);
    }
    for (const [p, { list }] of Object.entries(LISTS)) {
      const n = [...consts.keys()].filter((c) => c.startsWith(`SHIM_${p}_`));
      if (n.length !== list.length - 1) missing.push(`${p} list length`);
    }
    const spp = [...consts.keys()].filter((c) => c.startsWith("SHIM_SPP_"));
    if (spp.length !== L.SPP_FLAGS.length) missing.push("SPP list length");
    assert.deepEqual(missing, []);
  });

  it("the loaded shim speaks layout.ts's ABI", () => {
    assert.equal(lib.sctp_shim_abi_version(), L.ABI);
  });
});
