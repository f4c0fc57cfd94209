/**
 * sctpcat (cli/sctpcat.ts) as a user runs it: child processes of this
 * test's runtime talking over the kernel's SCTP on loopback through their
 * stdin and stdout. A listen/connect round trip both ways (IPv4 and IPv6),
 * `--echo` serving several clients in one-to-many mode, `--status --json`
 * with the two paths of a multi-homed association (and the status table),
 * Ctrl-C (graceful, then abort), `--bench`, `check` on this kernel, and
 * the exit codes: 2 with the usage for bad arguments, 1 with one line for
 * runtime errors.
 */
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { scriptArgs } from "./helpers.ts";

const CLI = fileURLToPath(new URL("../cli/sctpcat.ts", import.meta.url));
/** How long any one wait may take (a runtime starts in seconds in the VM). */
const WAIT = 120000;
/** Each test's bound (several waits each). */
const T = 600000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A running sctpcat: its output so far, its stdin, its exit. */
class Cat {
  readonly p: ChildProcess;
  out = "";
  err = "";
  outBytes = 0;
  exited: { code: number | null; signal: string | null } | undefined;
  readonly #exit: Promise<{ code: number | null; signal: string | null }>;

  /** Starts sctpcat with `args`; `keepOut` false counts stdout bytes only. */
  constructor(readonly args: string[], keepOut = true) {
    this.p = spawn(process.execPath, scriptArgs(CLI, ...args), {
      stdio: ["pipe", "pipe", "pipe"],
      env: { ...process.env, NO_COLOR: "1" },
    });
    this.p.stdout!.on("data", (b: Uint8Array) => {
      this.outBytes += b.length;
      if (keepOut) this.out += new TextDecoder().decode(b);
    });
    this.p.stderr!.on("data", (b: Uint8Array) => this.err += b);
    this.p.stdin!.on("error", () => {}); // EPIPE once it exited
    this.#exit = new Promise((resolve) =>
      this.p.on("close", (code, signal) => {
        this.exited = { code, signal };
        resolve(this.exited);
      })
    );
    all.push(this);
  }

  /** What it printed, for assertion messages. */
  get log(): string {
    return `sctpcat ${this.args.join(" ")}\n--- stdout\n${
      this.out.slice(-4000)
    }\n--- stderr\n${this.err.slice(-4000)}`;
  }

  /** Waits until `pred` holds (checked every 50 ms), at most `ms`. */
  async until(pred: () => boolean, what: string, ms = WAIT): Promise<void> {
    const end = Date.now() + ms;
    while (!pred()) {
      if (Date.now() > end) {
        assert.fail(`timed out waiting for ${what}\n${this.log}`);
      }
      if (this.exited) {
        assert.fail(`exited (${this.exited.code}) before ${what}\n${this.log}`);
      }
      await sleep(50);
    }
  }

  /** The port of "listening on ADDR:PORT" on stderr. */
  async port(): Promise<number> {
    await this.until(() => /listening on /.test(this.err), "listening");
    return Number(
      /listening on (?:\[[^\]]+\]|[^\s:]+):(\d+)/.exec(this.err)![1],
    );
  }

  /** Waits for the exit, at most `ms`. */
  async exit(
    ms = WAIT,
  ): Promise<{ code: number | null; signal: string | null }> {
    const r = await new Promise<
      { code: number | null; signal: string | null } | undefined
    >((resolve) => {
      const t = setTimeout(() => resolve(undefined), ms);
      this.#exit.then((x) => {
        clearTimeout(t);
        resolve(x);
      });
    });
    if (!r) assert.fail(`did not exit within ${ms} ms\n${this.log}`);
    return r;
  }

  /** Writes to its stdin. */
  write(s: string): void {
    this.p.stdin!.write(s);
  }

  /** Closes its stdin. */
  end(): void {
    this.p.stdin!.end();
  }

  /**
   * Sends a signal with process.kill (Deno's ChildProcess.kill sends only
   * the first signal and then reports the exit as that signal's).
   */
  signal(sig: "SIGINT" | "SIGSTOP" | "SIGCONT" | "SIGKILL"): void {
    if (this.exited) return;
    try {
      process.kill(this.p.pid!, sig);
    } catch {
      // already gone
    }
  }

  /** The JSON lines of its stdout. */
  json(): Record<string, unknown>[] {
    return this.out.split("\n").filter((l) => l.startsWith("{")).map((l) =>
      JSON.parse(l)
    );
  }
}

/** Every process started, killed at the end of each test if still running. */
const all: Cat[] = [];
async function reap() {
  for (const c of all.splice(0)) {
    if (c.exited) continue;
    c.signal("SIGCONT");
    c.signal("SIGKILL");
    await c.exit(10000).catch(() => {});
  }
}
after(reap);

/** Runs sctpcat to its end with stdin closed. */
async function runToEnd(args: string[], ms = WAIT) {
  const c = new Cat(args);
  c.end();
  const r = await c.exit(ms);
  return { ...r, out: c.out, err: c.err, log: c.log };
}

type Json = Record<string, unknown>;
type PathJ = {
  addr: string;
  port: number;
  state: string;
  rto: number;
  srtt: number;
  cwnd: number;
  mtu: number;
  primary: boolean;
};
type AssocJ = {
  assoc_id: number;
  state: string;
  instrms: number;
  outstrms: number;
  paths: PathJ[];
};

describe("sctpcat", () => {
  it("listen/connect: lines both ways through pipes, then both exit 0", {
    timeout: T,
  }, async () => {
    try {
      const srv = new Cat(["listen", "127.0.0.1", "0"]);
      const port = await srv.port();
      const cli = new Cat([
        "connect",
        "127.0.0.1",
        String(port),
        "--count",
        "1",
      ]);
      cli.write("hello\nworld\n");
      cli.end(); // with --count, stdin's end does not close
      await srv.until(() => srv.out === "hello\nworld\n", "the client's lines");
      srv.write("back at you\n");
      const c = await cli.exit();
      assert.equal(c.code, 0, cli.log);
      assert.equal(cli.out, "back at you\n");
      // the client closed gracefully: the one association served is over
      const s = await srv.exit();
      assert.equal(s.code, 0, srv.log);
      assert.equal(srv.out, "hello\nworld\n");
    } finally {
      await reap();
    }
  });

  it(
    "IPv6: a round trip over ::1 with -v events on stderr",
    { timeout: T },
    async () => {
      try {
        const srv = new Cat(["listen", "::1", "0", "-v"]);
        const port = await srv.port();
        assert.match(srv.err, new RegExp(`listening on \\[::1\\]:${port}`));
        const cli = new Cat(["connect", "::1", String(port), "--count", "1"]);
        cli.write("over six\n");
        await srv.until(() => srv.out === "over six\n", "the line");
        srv.write("and back\n");
        assert.equal((await cli.exit()).code, 0, cli.log);
        assert.equal(cli.out, "and back\n");
        assert.equal((await srv.exit()).code, 0, srv.log);
        assert.match(
          srv.err,
          /assoc \d+ comm_up, streams in \d+ out \d+ \(\[::1\]:\d+\)/,
        );
        assert.match(srv.err, /assoc \d+ shutdown_comp/);
      } finally {
        await reap();
      }
    },
  );

  it(
    "--one-to-many --echo serves several clients at once, on their stream and ppid",
    { timeout: T },
    async () => {
      try {
        const srv = new Cat([
          "listen",
          "127.0.0.1",
          "0",
          "--one-to-many",
          "--echo",
          "--streams",
          "4",
        ]);
        const port = String(await srv.port());
        const n = 3;
        const clis = Array.from({ length: n }, (_, i) =>
          new Cat([
            "connect",
            "127.0.0.1",
            port,
            "--count",
            "2",
            "--streams",
            "4",
            "--stream",
            "2",
            "--ppid",
            "46",
            ...(i === 0 ? ["--json"] : []),
          ]));
        clis.forEach((c, i) => {
          c.write(`c${i} one\nc${i} two\n`);
          c.end();
        });
        for (const [i, c] of clis.entries()) {
          assert.equal((await c.exit()).code, 0, c.log);
          if (i === 0) {
            const data = c.json().filter((j) => j.type === "data");
            assert.deepEqual(data.map((d) => d.text), ["c0 one", "c0 two"]);
            for (const d of data) {
              assert.equal(d.stream, 2);
              assert.equal(d.ppid, 46);
            }
          } else assert.equal(c.out, `c${i} one\nc${i} two\n`);
        }
        // the server printed each line prefixed with its association and
        // stream, each client on an association of its own
        const lines = srv.out.trimEnd().split("\n");
        assert.equal(lines.length, 2 * n, srv.log);
        const byClient = new Map<string, Set<string>>();
        for (const l of lines) {
          const m = /^\[assoc (\d+) stream 2\] (c\d) (one|two)$/.exec(l);
          assert.ok(m, `line "${l}"\n${srv.log}`);
          byClient.set(m[2], (byClient.get(m[2]) ?? new Set()).add(m[1]));
        }
        assert.equal(byClient.size, n);
        const ids = [...byClient.values()].map((s) => {
          assert.equal(s.size, 1, "one association per client");
          return [...s][0];
        });
        assert.equal(new Set(ids).size, n, "a different association each");
        // still serving; Ctrl-C with no association left ends it at once
        assert.equal(srv.exited, undefined);
        srv.signal("SIGINT");
        assert.equal((await srv.exit()).code, 0, srv.log);
      } finally {
        await reap();
      }
    },
  );

  it(
    "--status --json: the association and its two paths to a multi-homed listener; Ctrl-C closes gracefully",
    { timeout: T },
    async () => {
      try {
        const srv = new Cat(["listen", "127.0.0.1,127.0.0.2", "0", "--status"]);
        const port = await srv.port();
        assert.match(
          srv.err,
          new RegExp(
            `listening on 127\\.0\\.0\\.1:${port}, 127\\.0\\.0\\.2:${port}`,
          ),
        );
        const cli = new Cat([
          "connect",
          "127.0.0.1,127.0.0.2",
          String(port),
          "--local",
          "127.0.0.3,127.0.0.4",
          "--status",
          "--json",
        ]);
        const twoPaths = () =>
          cli.json().find((j) =>
            j.type === "status" && (j.assocs as AssocJ[]).length === 1 &&
            (j.assocs as AssocJ[])[0].paths.length === 2 &&
            (j.assocs as AssocJ[])[0].paths.every((p) => p.state === "active")
          );
        await cli.until(
          () => !!twoPaths(),
          "a status line with two active paths",
        );
        const a = (twoPaths()!.assocs as AssocJ[])[0];
        assert.equal(a.state, "established");
        assert.ok(a.instrms > 0 && a.outstrms > 0, JSON.stringify(a));
        assert.deepEqual(a.paths.map((p) => p.addr).sort(), [
          "127.0.0.1",
          "127.0.0.2",
        ]);
        for (const p of a.paths) {
          assert.equal(p.port, port);
          assert.ok(p.rto > 0 && p.cwnd > 0 && p.mtu > 0, JSON.stringify(p));
          assert.equal(typeof p.srtt, "number");
        }
        assert.equal(a.paths.filter((p) => p.primary).length, 1);
        const up = cli.json().find((j) =>
          j.type === "event" &&
          (j.event as Json).type === "sctp_assoc_change" &&
          (j.event as Json).state === "comm_up"
        );
        assert.ok(up, cli.log);
        assert.equal((up.event as Json).assoc_id, a.assoc_id);
        // the listener's table: its association, with the client's two
        // local addresses as paths
        await srv.until(
          () =>
            /127\.0\.0\.3:\d+/.test(srv.err) &&
            /127\.0\.0\.4:\d+/.test(srv.err),
          "the status table with both client addresses",
        );
        assert.match(
          srv.err,
          /ASSOC +STATE +IN +OUT +RWND +UNACK +PATH +PSTATE +RTO +SRTT +CWND +MTU/,
        );
        assert.match(
          srv.err,
          /\d+ +established +\d+ +\d+ +\d+ +\d+ +[* ]127\.0\.0\.[34]:\d+ +active/,
        );
        assert.match(srv.err, /assoc \d+ comm_up, streams in \d+ out \d+/);
        // Ctrl-C: a graceful close, seen by both
        cli.signal("SIGINT");
        assert.equal((await cli.exit()).code, 0, cli.log);
        assert.match(cli.err, /closing \(Ctrl-C again to abort\)/);
        assert.ok(
          cli.json().some((j) =>
            j.type === "event" && (j.event as Json).state === "shutdown_comp"
          ),
          cli.log,
        );
        assert.equal((await srv.exit()).code, 0, srv.log);
        assert.match(srv.err, /assoc \d+ shutdown by the peer/);
        assert.match(srv.err, /assoc \d+ shutdown_comp/);
      } finally {
        await reap();
      }
    },
  );

  it(
    "a second Ctrl-C aborts when the graceful close cannot finish (peer stopped)",
    { timeout: T },
    async () => {
      try {
        const srv = new Cat(["listen", "127.0.0.1", "0", "--raw"], false);
        const port = await srv.port();
        const cli = new Cat([
          "connect",
          "127.0.0.1",
          String(port),
          "--bench",
          "64k",
          "1000000",
        ]);
        await srv.until(() => srv.outBytes > 0, "data at the listener");
        // the listener stops reading: its window closes, the client's data
        // stays unacknowledged, so its SHUTDOWN cannot go out
        srv.signal("SIGSTOP");
        await sleep(2000);
        cli.signal("SIGINT");
        await cli.until(() => /Ctrl-C again to abort/.test(cli.err), "closing");
        await sleep(1000);
        assert.equal(cli.exited, undefined, "still closing gracefully");
        cli.signal("SIGINT");
        const c = await cli.exit(20000);
        assert.equal(c.code, 130, cli.log);
        srv.signal("SIGCONT");
        // the listener learns of the abort: its association is lost
        const s = await srv.exit();
        assert.equal(s.code, 1, srv.log);
        assert.match(srv.err, /assoc \d+ comm_lost/);
      } finally {
        await reap();
      }
    },
  );

  it("--bench SIZE COUNT prints the rate and bandwidth; every byte arrives", {
    timeout: T,
  }, async () => {
    try {
      const srv = new Cat(["listen", "127.0.0.1", "0", "--raw"], false);
      const port = await srv.port();
      const count = 5000;
      const r = await runToEnd([
        "connect",
        "127.0.0.1",
        String(port),
        "--bench",
        "1k",
        String(count),
      ], 120000);
      assert.equal(r.code, 0, r.log);
      const m =
        /^sent 5,000 messages of 1,024 bytes in (\d+\.\d\d) s: ([\d,]+) msg\/s, ([\d,]+\.\d) MB\/s$/m
          .exec(r.out);
      assert.ok(m, r.log);
      console.log(m[0]);
      const secs = Number(m[1]);
      const rate = Number(m[2].replaceAll(",", ""));
      assert.ok(secs > 0 && rate > 0, r.out);
      assert.ok(Math.abs(rate * secs - count) / count < 0.05, r.out);
      // the progress line (stderr is a pipe here: one line a second)
      if (secs > 1.5) assert.match(r.err, /sent [\d,]+\/5,000 \(\d+%\)/);
      assert.equal((await srv.exit()).code, 0, srv.err);
      assert.equal(srv.outBytes, count * 1024);
    } finally {
      await reap();
    }
  });

  it(
    "check: this kernel has SCTP (exit 0), its features, the library and shim",
    { timeout: T },
    async () => {
      const r = await runToEnd(["check"]);
      assert.equal(r.code, 0, r.log);
      assert.match(r.out, /^SCTP: available \(kernel \S+\)$/m);
      assert.match(
        r.out,
        /^ {2}auth +(on|off) +net\.sctp\.auth_enable = \d+/m,
      );
      assert.match(r.out, /^library: @sctp\/gen-sctp \d+\.\d+\.\d+/m);
      assert.match(r.out, /^shim: \/\S+\.so \(ABI \d+\)$/m);
      const j = await runToEnd(["check", "--json"]);
      assert.equal(j.code, 0, j.log);
      const caps = JSON.parse(j.out);
      assert.equal(caps.available, true);
      for (
        const f of [
          "partial_reliability",
          "stream_reset",
          "interleaving",
          "auth",
          "asconf",
          "udp_encapsulation",
          "ecn",
        ]
      ) {
        assert.equal(typeof caps.features[f]?.enabled, "boolean", f);
      }
    },
  );

  it(
    "bad arguments: the usage on stderr, exit code 2",
    { timeout: T },
    async () => {
      const cases: [string[], RegExp][] = [
        [[], /no command given/],
        [["frob"], /unknown command "frob"/],
        [["listen"], /listen: PORT missing/],
        [
          ["connect", "127.0.0.1"],
          /PORT: expected an integer, got "127\.0\.0\.1"/,
        ],
        [
          ["connect", "127.0.0.1", "70000"],
          /PORT: 70000 is outside 1\.\.65535/,
        ],
        [["listen", "0", "--bogus"], /unknown option --bogus/],
        [["check", "now"], /check takes no argument/],
        [["connect", "127.0.0.1", "5000", "--echo"], /--echo is for listen/],
        [
          ["listen", "0", "--stream", "5", "--streams", "4"],
          /--stream 5 needs --streams 6 or more/,
        ],
        [
          ["connect", "127.0.0.1", "5000", "--bench", "1k"],
          /--bench needs SIZE and COUNT/,
        ],
      ];
      // two at a time: each is a runtime starting up, slow in the VM
      const results: Awaited<ReturnType<typeof runToEnd>>[] = [];
      for (let i = 0; i < cases.length; i += 2) {
        results.push(
          ...await Promise.all(cases.slice(i, i + 2).map(([a]) => runToEnd(a))),
        );
      }
      results.forEach((r, i) => {
        const [args, re] = cases[i];
        assert.equal(r.code, 2, `${args.join(" ")}: ${r.log}`);
        assert.match(r.err, re, args.join(" "));
        assert.match(r.err, /^usage:$/m);
        assert.match(r.err, /sctpcat connect HOST\[,HOST\.\.\.\] PORT/);
        assert.equal(r.out, "");
      });
      const help = await runToEnd(["--help"]);
      assert.equal(help.code, 0, help.log);
      assert.match(help.out, /^usage:/);
    },
  );

  it(
    "runtime errors: one line with gen_sctp's reason and what to do, exit code 1",
    { timeout: T },
    async () => {
      try {
        // nobody listens on port 9
        const r = await runToEnd([
          "connect",
          "127.0.0.1",
          "9",
          "--timeout",
          "20",
        ]);
        assert.equal(r.code, 1, r.log);
        assert.equal(r.err.trimEnd().split("\n").length, 1, r.log);
        assert.match(
          r.err,
          /^sctpcat: connect to 127\.0\.0\.1 port 9: (cant_assoc|econnrefused): .*server running/,
        );
        // a port in use
        const srv = new Cat(["listen", "127.0.0.1", "0"]);
        const port = await srv.port();
        const b = await runToEnd(["listen", "127.0.0.1", String(port)]);
        assert.equal(b.code, 1, b.log);
        assert.equal(b.err.trimEnd().split("\n").length, 1, b.log);
        assert.match(
          b.err,
          new RegExp(
            `^sctpcat: bind 127\\.0\\.0\\.1 port ${port}: eaddrinuse: the port is in use`,
          ),
        );
      } finally {
        await reap();
      }
    },
  );
});
