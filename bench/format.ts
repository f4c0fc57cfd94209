/**
 * How the benchmark tables print a figure.
 *
 * @module
 */

/**
 * A table figure: grouped thousands from 100 up, one decimal from 1, three
 * below (message rates of a fraction a second); zero as "0". Negative figures
 * (a process whose RSS shrank) keep their sign and the same steps.
 */
export function fmt(x: number): string {
  const a = Math.abs(x);
  if (a >= 100) return Math.round(x).toLocaleString("en-US");
  if (a >= 1) return x.toFixed(1);
  if (x === 0) return "0";
  return x.toFixed(3);
}
