/**
 * sctpcat on a kernel without SCTP: run natively on the host by
 * scripts/test (under Deno and under Bun) before it boots the VM, since the
 * VM's kernel has SCTP. `sctpcat check` exits 1 with the `modprobe sctp`
 * hint (text and JSON), and listen/connect fail with one line naming the
 * reason and what to do. Skips itself (exit 0) when this host can open
 * SCTP sockets. Not a `*.test.ts` file: the suite in the VM leaves it out.
 *
 *   node_modules/.bin/deno run -A tests/host/sctpcat_check.host.ts
 *   node_modules/.bin/bun tests/host/sctpcat_check.host.ts
 *
 * @module
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { sctpCapabilities } from "../../mod.ts";
import { isBun, scriptArgs } from "../helpers.ts";

const CLI = fileURLToPath(new URL("../../cli/sctpcat.ts", import.meta.url));
const rt = isBun ? "bun" : "deno";
const name = `sctpcat_check.host (${rt})`;

if (sctpCapabilities().available) {
  console.log(`${name}: skipped, this host has SCTP`);
  process.exit(0);
}

function sctpcat(...args: string[]) {
  const r = spawnSync(process.execPath, scriptArgs(CLI, ...args), {
    encoding: "utf8",
    timeout: 120000,
    env: { ...process.env, NO_COLOR: "1" },
  });
  return {
    code: r.status,
    out: r.stdout,
    err: r.stderr,
    log: `sctpcat ${
      args.join(" ")
    }: exit ${r.status}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`,
  };
}

const NO_SCTP = /(eprotonosupport|esocktnosupport|eafnosupport)/;
const checks: [string, () => void][] = [
  ["check: not available, exit 1, the modprobe hint", () => {
    const r = sctpcat("check");
    assert.equal(r.code, 1, r.log);
    assert.match(
      r.out,
      new RegExp(
        `^SCTP: not available \\(kernel \\S+\\): ${NO_SCTP.source}$`,
        "m",
      ),
      r.log,
    );
    assert.match(r.out, /modprobe sctp/, r.log);
    assert.match(r.out, /^library: @sctp\/gen-sctp \d+\.\d+\.\d+/m, r.log);
    assert.match(r.out, /^shim: \/\S+\.so \(ABI \d+\)$/m, r.log);
    assert.doesNotMatch(r.out, /^features/m, r.log);
  }],
  ["check --json: available false, reason and hint", () => {
    const r = sctpcat("check", "--json");
    assert.equal(r.code, 1, r.log);
    const caps = JSON.parse(r.out);
    assert.equal(caps.available, false);
    assert.match(caps.reason, NO_SCTP);
    assert.match(caps.hint, /modprobe sctp/);
  }],
  ["listen: one line with the reason and what to do, exit 1", () => {
    const r = sctpcat("listen", "127.0.0.1", "0");
    assert.equal(r.code, 1, r.log);
    assert.equal(r.err.trimEnd().split("\n").length, 1, r.log);
    assert.match(
      r.err,
      new RegExp(
        `^sctpcat: bind 127\\.0\\.0\\.1 port 0: ${NO_SCTP.source}: this kernel has no SCTP: load it with \`sudo modprobe sctp\``,
      ),
      r.log,
    );
  }],
  ["connect: the same line, exit 1", () => {
    const r = sctpcat("connect", "127.0.0.1", "9");
    assert.equal(r.code, 1, r.log);
    assert.equal(r.err.trimEnd().split("\n").length, 1, r.log);
    assert.match(
      r.err,
      new RegExp(`^sctpcat: open: ${NO_SCTP.source}: this kernel has no SCTP`),
      r.log,
    );
  }],
];

let failed = 0;
for (const [what, fn] of checks) {
  try {
    fn();
    console.log(`${name}: ${what} ... ok`);
  } catch (e) {
    failed++;
    console.log(`${name}: ${what} ... FAILED\n${(e as Error).message}`);
  }
}
console.log(`${name}: ${checks.length - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
