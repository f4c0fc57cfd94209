/**
 * The benchmark table's statistics (bench/stats.ts): medians and the
 * distribution-free interval of a median that the ratio intervals use.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { fmt } from "../bench/format.ts";
import {
  cycleRatios,
  figureRatio,
  median,
  medianInterval,
} from "../bench/stats.ts";

describe("bench stats", () => {
  it("median of odd and even counts, input left unsorted", () => {
    const xs = [5, 1, 4, 2, 3];
    assert.equal(median(xs), 3);
    assert.deepEqual(xs, [5, 1, 4, 2, 3]);
    assert.equal(median([4, 1, 3, 2]), 2.5);
  });

  it("95% interval: ranks 4 and 12 of 15, min and max of 6, none below 6", () => {
    // P(B(15, 1/2) <= 3) = 576/32768 = 1.8% <= 2.5% < P(B <= 4) = 5.9%
    const xs = Array.from({ length: 15 }, (_, i) => 15 - i); // 15..1
    assert.deepEqual(medianInterval(xs), [4, 12]);
    // P(B(6, 1/2) = 0) = 1.6%: the extremes
    assert.deepEqual(medianInterval([3, 1, 2, 6, 5, 4]), [1, 6]);
    // P(B(5, 1/2) = 0) = 3.1% > 2.5%: no 95% interval from five values
    assert.equal(medianInterval([1, 2, 3, 4, 5]), undefined);
    assert.equal(medianInterval([]), undefined);
  });

  it("a lower level narrows the interval; 60 values give ranks 22 and 39", () => {
    const xs = Array.from({ length: 60 }, (_, i) => i + 1);
    // P(B(60, 1/2) <= 21) = 1.36% <= 2.5% < P(B <= 22) = 2.6%
    assert.deepEqual(medianInterval(xs), [22, 39]);
    const [lo, hi] = medianInterval(xs, 0.5)!;
    assert.ok(lo > 22 && hi < 39, `${lo}-${hi}`);
  });
});

describe("bench table figures", () => {
  it("numbers: thousands grouped, one or three decimals, zero and negatives plain", () => {
    assert.equal(fmt(1733), "1,733");
    assert.equal(fmt(5.3), "5.3");
    assert.equal(fmt(0.325), "0.325");
    // C's RSS per association (its memory is in the kernel) and an Erlang
    // server whose RSS shrank while it took the associations
    assert.equal(fmt(0), "0");
    assert.equal(fmt(-51), "-51.0");
    assert.equal(fmt(-676), "-676");
  });

  it("a ratio needs two growths: none against zero or a shrink", () => {
    assert.equal(figureRatio(4720, 1733)?.toFixed(2), "2.72");
    assert.equal(figureRatio(2256, -51), undefined);
    assert.equal(figureRatio(100, 0), undefined);
    assert.equal(figureRatio(-5, 100), undefined);
  });
  it("ratios within cycles: none at all when the baseline is unusable in any cycle", () => {
    assert.deepEqual(cycleRatios([2, 4, 9], [1, 2, 3]), [2, 2, 3]);
    // a cycle without the figure on either side is left out
    assert.deepEqual(cycleRatios([2, undefined, 9], [1, 2, 3]), [2, 3]);
    // Erlang's RSS per association was -287 in one cycle and 16 in the
    // other: a median over the one usable cycle showed 843.75
    assert.deepEqual(cycleRatios([13496, 13500], [-287, 16]), []);
    assert.deepEqual(cycleRatios([-5, 10], [1, 1]), []);
  });
});
