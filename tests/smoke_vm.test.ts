// Proves the test bed works: the suite runs on a kernel with a real SCTP stack
// (natively, or inside the VM that scripts/vm-run boots).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";

test("kernel has SCTP (/proc/sys/net/sctp/rto_initial is a positive integer)", () => {
  const text = readFileSync("/proc/sys/net/sctp/rto_initial", "utf8").trim();
  assert.match(text, /^\d+$/);
  assert.ok(Number(text) > 0, `rto_initial = ${text}`);
});
