/**
 * What this kernel's SCTP offers: whether it has SCTP at all, and which
 * optional features (PR-SCTP, stream reconfiguration, interleaving, AUTH,
 * ASCONF, UDP encapsulation, ECN, ...) its `net.sctp` sysctls enable for new
 * associations. Also the hint added to an option's error when a feature
 * the option needs is switched off.
 *
 * @module
 */
import { readFileSync } from "node:fs";
import { errnoName } from "./errors.ts";
import { lib, libPath } from "./lib.ts";
import { ABI } from "./layout.ts";
import { VERSION } from "./version.ts";

/**
 * An optional SCTP feature and how the kernel's sysctl sets it.
 *
 * @example
 * ```ts
 * import type { SctpFeature } from "./mod.ts";
 * const show = (f: SctpFeature) => `${f.enabled ? "on" : "off"} (${f.sysctl})`;
 * ```
 */
export interface SctpFeature {
  /** The sysctl enables it for new associations. */
  enabled: boolean;
  /** The sysctl that switches it (`net.sctp.*`). */
  sysctl: string;
  /** The sysctl's value; undefined when it could not be read. */
  value?: number;
  /** What to run to turn it on (when off). */
  hint?: string;
}

/**
 * The optional features {@linkcode sctpCapabilities} reports.
 *
 * @example
 * ```ts
 * import type { SctpFeatureName } from "./mod.ts";
 * const f: SctpFeatureName = "stream_reset";
 * ```
 */
export type SctpFeatureName =
  | "partial_reliability"
  | "stream_reset"
  | "interleaving"
  | "auth"
  | "asconf"
  | "udp_encapsulation"
  | "ecn"
  | "potentially_failed"
  | "plpmtud";

/**
 * What {@linkcode sctpCapabilities} reports.
 *
 * @example
 * ```ts
 * import type { SctpCapabilities } from "./mod.ts";
 * const ok = (c: SctpCapabilities) => c.available && c.features.auth.enabled;
 * ```
 */
export interface SctpCapabilities {
  /** An SCTP socket could be opened. */
  available: boolean;
  /** When not: the reason, a POSIX atom (`"eprotonosupport"`). */
  reason?: string;
  /** When not: what to do. */
  hint?: string;
  /** The kernel release (`uname -r`), or "" when unknown. */
  kernel: string;
  /** This library's version. */
  version: string;
  /** The loaded C shim. */
  shim: { path: string; abi: number };
  /** The optional features. */
  features: Record<SctpFeatureName, SctpFeature>;
}

/** Each feature's sysctl (under net.sctp) and when it counts as on. */
const FEATURES: Record<
  SctpFeatureName,
  { sysctl: string; on: (v: number) => boolean; value?: number }
> = {
  partial_reliability: { sysctl: "prsctp_enable", on: (v) => v !== 0 },
  stream_reset: { sysctl: "reconf_enable", on: (v) => v !== 0 },
  interleaving: { sysctl: "intl_enable", on: (v) => v !== 0 },
  auth: { sysctl: "auth_enable", on: (v) => v !== 0 },
  asconf: { sysctl: "addip_enable", on: (v) => v !== 0 },
  udp_encapsulation: { sysctl: "udp_port", on: (v) => v !== 0, value: 9899 },
  ecn: { sysctl: "ecn_enable", on: (v) => v !== 0 },
  potentially_failed: { sysctl: "pf_enable", on: (v) => v !== 0 },
  plpmtud: {
    sysctl: "plpmtud_probe_interval",
    on: (v) => v !== 0,
    value: 30000,
  },
};

/** Which feature an option needs (for the hint of a refusal). */
const OPTION_FEATURE: Record<string, SctpFeatureName> = {
  sctp_pr_supported: "partial_reliability",
  sctp_default_prinfo: "partial_reliability",
  sctp_pr_assoc_status: "partial_reliability",
  sctp_pr_stream_status: "partial_reliability",
  sctp_reconfig_supported: "stream_reset",
  sctp_enable_stream_reset: "stream_reset",
  sctp_reset_streams: "stream_reset",
  sctp_reset_assoc: "stream_reset",
  sctp_add_streams: "stream_reset",
  sctp_interleaving_supported: "interleaving",
  sctp_auth_supported: "auth",
  sctp_auth_chunk: "auth",
  sctp_hmac_ident: "auth",
  sctp_auth_key: "auth",
  sctp_auth_active_key: "auth",
  sctp_auth_deactivate_key: "auth",
  sctp_auth_delete_key: "auth",
  sctp_peer_auth_chunks: "auth",
  sctp_local_auth_chunks: "auth",
  sctp_asconf_supported: "asconf",
  sctp_auto_asconf: "asconf",
  sctp_remote_udp_encaps_port: "udp_encapsulation",
  sctp_ecn_supported: "ecn",
  sctp_expose_potentially_failed_state: "potentially_failed",
  sctp_plpmtud_probe_interval: "plpmtud",
};

/** A net.sctp sysctl's value, or undefined (absent, or no permission). */
function sysctl(name: string): number | undefined {
  try {
    const v = Number(
      readFileSync(`/proc/sys/net/sctp/${name}`, "utf8").trim(),
    );
    return Number.isFinite(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

function feature(name: SctpFeatureName): SctpFeature {
  const f = FEATURES[name];
  const value = sysctl(f.sysctl);
  const enabled = value !== undefined && f.on(value);
  const out: SctpFeature = { enabled, sysctl: `net.sctp.${f.sysctl}` };
  if (value !== undefined) out.value = value;
  if (!enabled) out.hint = `sysctl -w net.sctp.${f.sysctl}=${f.value ?? 1}`;
  return out;
}

function kernelRelease(): string {
  try {
    return readFileSync("/proc/sys/kernel/osrelease", "utf8").trim();
  } catch {
    return "";
  }
}

/**
 * Tells what this kernel's SCTP supports: whether an SCTP socket can be
 * opened at all (if not, why and what to do), and for each optional feature
 * whether its `net.sctp` sysctl enables it for new associations (with the
 * command that would). Reading the sysctls needs read access to
 * `/proc/sys` (Deno grants that only with `-A`/`--allow-all`); without it a
 * feature reads as off with no `value` and `kernel` is "". Synchronous;
 * opens and closes one socket.
 *
 * @example
 * ```ts
 * import { sctpCapabilities } from "./mod.ts";
 * const caps = sctpCapabilities();
 * if (!caps.available) console.error(caps.reason, caps.hint);
 * else if (!caps.features.stream_reset.enabled) console.log(caps.features.stream_reset.hint);
 * ```
 */
export function sctpCapabilities(): SctpCapabilities {
  const r = lib.sctp_shim_probe();
  const features = {} as Record<SctpFeatureName, SctpFeature>;
  for (const n of Object.keys(FEATURES) as SctpFeatureName[]) {
    features[n] = feature(n);
  }
  const out: SctpCapabilities = {
    available: r === 0,
    kernel: kernelRelease(),
    version: VERSION,
    shim: { path: libPath, abi: ABI },
    features,
  };
  if (r < 0) {
    out.reason = errnoName(r);
    out.hint = out.reason === "eprotonosupport" ||
        out.reason === "esocktnosupport" || out.reason === "eafnosupport"
      ? "this kernel has no SCTP: load it with `modprobe sctp` (as root; " +
        "Debian/Ubuntu: the module is in linux-modules-extra-$(uname -r))"
      : `socket(AF_INET, SOCK_SEQPACKET, IPPROTO_SCTP) fails: ${out.reason}`;
  }
  return out;
}

/**
 * The hint for a kernel refusal of option `name`: the sysctl of the
 * feature it needs and its value, or "" when it needs none or the
 * feature is on.
 */
export function optionHint(name: string): string {
  const f = Object.hasOwn(OPTION_FEATURE, name)
    ? OPTION_FEATURE[name]
    : undefined;
  if (f === undefined) return "";
  const s = feature(f);
  // (the sysctl as this process's network namespace has it: a socket
  // opened in another namespace (open({ netns })) has that one's)
  if (s.enabled) {
    return ` (needs ${f.replace("_", " ")} on both sides of the association; ` +
      `${s.sysctl} = ${s.value} in this process's network namespace)`;
  }
  return ` (needs ${f.replace("_", " ")}: ${s.sysctl} is ${
    s.value ?? "unreadable"
  } in this process's network namespace; ${s.hint}, or set the option on ` +
    "the socket before it associates)";
}
