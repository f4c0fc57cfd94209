import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { errorString } from "../mod.ts";

describe("errorString (gen_sctp error_string/1)", () => {
  it("0 is ok, 1..13 are the RFC 4960 cause names", () => {
    assert.equal(errorString(0), "ok");
    assert.equal(errorString(1), "Invalid Stream Identifier");
    assert.equal(errorString(5), "Unresolvable Address");
    assert.equal(errorString(12), "User Initiated Abort");
    assert.equal(errorString(13), "Protocol Violation");
  });

  it("other integers are unknown_error (OTP's code, not its manual)", () => {
    for (const n of [-1, 14, 3072, 2 ** 40]) {
      assert.equal(errorString(n), "unknown_error");
    }
  });

  it("a non-integer is TypeError (badarg)", () => {
    // deno-lint-ignore no-explicit-any
    const bad = (x: any) => () => errorString(x);
    assert.throws(bad("1"), TypeError);
    assert.throws(bad(1.5), TypeError);
    assert.throws(bad(undefined), TypeError);
  });
});
