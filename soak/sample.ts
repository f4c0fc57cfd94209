/**
 * One memory/fd sample of this process: process.memoryUsage() fields, the
 * kernel's view (/proc/self/status: RssAnon, RssFile, Threads; smaps_rollup:
 * AnonHugePages) and open fds.
 *
 * @module
 */
import { readdirSync, readFileSync } from "node:fs";
import process from "node:process";

/** A sample; byte counts in bytes. */
export interface Sample {
  rss: number;
  heapTotal: number;
  heapUsed: number;
  external: number;
  arrayBuffers: number;
  rssAnon: number;
  rssFile: number;
  threads: number;
  /** Anonymous memory backed by transparent huge pages. */
  anonHuge: number;
  fds: number;
}

/** kB field `name` of /proc/self/status, in bytes (0 when absent). */
function statusField(status: string, name: string): number {
  const m = status.match(new RegExp(`^${name}:\\s+(\\d+)`, "m"));
  return m ? Number(m[1]) * (name === "Threads" ? 1 : 1024) : 0;
}

/** Takes a sample now. */
export function sample(): Sample {
  const mu = process.memoryUsage();
  const status = readFileSync("/proc/self/status", "utf8");
  let rollup = "";
  try {
    rollup = readFileSync("/proc/self/smaps_rollup", "utf8");
  } catch { /* no smaps_rollup */ }
  return {
    rss: mu.rss,
    heapTotal: mu.heapTotal,
    heapUsed: mu.heapUsed,
    external: mu.external,
    arrayBuffers: mu.arrayBuffers ?? 0,
    rssAnon: statusField(status, "RssAnon"),
    rssFile: statusField(status, "RssFile"),
    threads: statusField(status, "Threads"),
    anonHuge: statusField(rollup, "AnonHugePages"),
    fds: readdirSync("/proc/self/fd").length,
  };
}
