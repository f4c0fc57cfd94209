/**
 * `sctpcat check`: whether this kernel has SCTP (and if not, how to load
 * it), which optional features its sysctls enable, and the library's version
 * and shim, from {@linkcode sctpCapabilities}.
 *
 * @module
 */
import { type SctpCapabilities, sctpCapabilities } from "../mod.ts";
import { jsonLine, table } from "./format.ts";
import type { Output } from "./io.ts";

/** The report of `sctpcat check` for `caps`, as text. */
export function checkReport(caps: SctpCapabilities): string {
  const kernel = caps.kernel ? `kernel ${caps.kernel}` : "kernel unknown";
  const lines: string[] = [];
  if (caps.available) {
    lines.push(`SCTP: available (${kernel})`);
    lines.push("features (net.sctp sysctls, for new associations):");
    const rows = Object.entries(caps.features).map(([name, f]) => [
      `  ${name}`,
      f.enabled ? "on" : "off",
      f.sysctl
        ? `${f.sysctl} = ${f.value ?? "unreadable"}`
        : String(f.value ?? ""),
      f.enabled || !f.hint ? "" : `to turn on: ${f.hint}`,
    ]);
    lines.push(table(rows).trimEnd());
  } else {
    lines.push(
      `SCTP: not available (${kernel}): ${caps.reason ?? "unknown reason"}`,
    );
    if (caps.hint) lines.push(`  ${caps.hint}`);
  }
  lines.push(`library: @sctp/gen-sctp ${caps.version}`);
  lines.push(`shim: ${caps.shim.path} (ABI ${caps.shim.abi})`);
  return lines.join("\n") + "\n";
}

/**
 * Runs `sctpcat check`: prints the report (or its JSON) on stdout; exit
 * code 0 when SCTP is available, 1 when not.
 */
export async function check(out: Output, json: boolean): Promise<number> {
  const caps = sctpCapabilities();
  await out.write(json ? jsonLine(caps) : checkReport(caps));
  return caps.available ? 0 : 1;
}
