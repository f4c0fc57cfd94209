/**
 * The soak's numbers: formatting of sample lines and the per-process summary
 * (RSS at start, half and end, the RSS slope over the second half, fds).
 *
 * @module
 */
import type { Sample } from "./sample.ts";

/** A "sample" line of a soak process (see peer.ts): a Sample and counts. */
export interface SampleLine extends Sample {
  t: number;
  sentMsgs: number;
  sentBytes: number;
  recvMsgs: number;
  recvBytes: number;
  errors: number;
  rssAfterTrim?: number;
}

const MB = 1024 * 1024;
/** Bytes as MB with one decimal. */
export const mb = (b: number): string => (b / MB).toFixed(1);

/** One sample as a line of the log. */
export function formatSample(who: string, s: SampleLine): string {
  const trim = s.rssAfterTrim === undefined
    ? ""
    : ` trimmed=${mb(s.rssAfterTrim)}`;
  return `${who} t=${s.t.toFixed(0)}s rss=${mb(s.rss)}MB${trim} ` +
    `anon=${mb(s.rssAnon)} thp=${mb(s.anonHuge)} file=${mb(s.rssFile)} ` +
    `heap=${mb(s.heapUsed)}/${mb(s.heapTotal)} ext=${mb(s.external)} ` +
    `ab=${mb(s.arrayBuffers)} thr=${s.threads} fds=${s.fds} ` +
    `sent=${s.sentMsgs}/${mb(s.sentBytes)}MB ` +
    `recv=${s.recvMsgs}/${mb(s.recvBytes)}MB err=${s.errors}`;
}

/** Least-squares slope of y over x (per unit of x); 0 with < 2 points. */
export function slope(xs: number[], ys: number[]): number {
  const n = xs.length;
  if (n < 2) return 0;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let num = 0, den = 0;
  for (let i = 0; i < n; i++) {
    num += (xs[i] - mx) * (ys[i] - my);
    den += (xs[i] - mx) ** 2;
  }
  return den === 0 ? 0 : num / den;
}

/** Per-process summary of a run's samples. */
export interface Summary {
  rssStart: number;
  rssHalf: number;
  rssEnd: number;
  /** RSS slope over the second half, MB per minute. */
  slope2MBperMin: number;
  /** Max minus min RSS over the second half. */
  range2: number;
  fdsStart: number;
  fdsEnd: number;
}

/** Summarises `samples` of a run that sent for `seconds`. */
export function summarize(samples: SampleLine[], seconds: number): Summary {
  const first = samples[0], last = samples[samples.length - 1];
  const half = samples.reduce((a, b) =>
    Math.abs(b.t - seconds / 2) < Math.abs(a.t - seconds / 2) ? b : a
  );
  const second = samples.filter((s) => s.t >= half.t);
  const rss2 = second.map((s) => s.rss);
  return {
    rssStart: first.rss,
    rssHalf: half.rss,
    rssEnd: last.rss,
    slope2MBperMin: slope(second.map((s) => s.t / 60), rss2.map((r) => r / MB)),
    range2: Math.max(...rss2) - Math.min(...rss2),
    fdsStart: first.fds,
    fdsEnd: last.fds,
  };
}
