// Interoperability with Erlang/OTP's own gen_sctp (tests/erlang/sctp_peer.erl)
// as the peer: an Erlang echo server for our client, and an Erlang client for
// our server. Streams and ppids must survive both directions.
import assert from "node:assert/strict";
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { SctpSndRcvInfo } from "../mod.ts";
import { open, recvData, server, text } from "./helpers.ts";

const src = new URL("./erlang/sctp_peer.erl", import.meta.url).pathname;
let dir = "";

/** A running `erl` with line-wise access to its stdout. */
class Erl {
  #child: ChildProcess;
  #lines: string[] = [];
  #buf = "";
  #err = "";
  #exited = false;
  #wake = new Set<() => void>();

  constructor(args: string[]) {
    this.#child = spawn(
      "erl",
      ["-noshell", "-pa", dir, "-run", "sctp_peer", "main", ...args],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    this.#child.stdout!.on("data", (d: Buffer) => {
      this.#buf += d.toString();
      const parts = this.#buf.split("\n");
      this.#buf = parts.pop()!;
      this.#lines.push(...parts);
      this.#poke();
    });
    this.#child.stderr!.on("data", (d: Buffer) => this.#err += d.toString());
    this.#child.on("exit", () => {
      this.#exited = true;
      this.#poke();
    });
  }

  #poke() {
    const ws = [...this.#wake];
    this.#wake.clear();
    for (const w of ws) w();
  }

  get lines(): string[] {
    return this.#lines;
  }

  /** Waits for a line matching `re` (the BEAM boots slowly in the VM). */
  async line(re: RegExp, timeout = 90000): Promise<RegExpMatchArray> {
    const end = Date.now() + timeout;
    for (;;) {
      for (const l of this.#lines) {
        const m = l.match(re);
        if (m) return m;
      }
      const bad = this.#lines.find((l) => l.startsWith("ERROR"));
      if (bad || this.#exited || Date.now() >= end) {
        assert.fail(
          `erl: no line matching ${re}${
            bad ? "" : this.#exited ? " (exited)" : " (timeout)"
          }\n` +
            `stdout: ${this.#lines.join("\n")}\nstderr: ${this.#err}`,
        );
      }
      await new Promise<void>((r) => {
        const t = setTimeout(r, Math.max(1, end - Date.now()));
        this.#wake.add(() => {
          clearTimeout(t);
          r();
        });
      });
    }
  }

  /** Rejects when the peer prints `ERROR` or exits (a failed peer must not
   * leave the test waiting for its recv timeout). */
  async failed(): Promise<never> {
    await this.line(/^(?!)/, 3600000);
    throw new Error("unreachable: the pattern matches no line");
  }

  kill(): void {
    if (!this.#exited) this.#child.kill("SIGKILL");
    this.#child.stdout?.destroy();
    this.#child.stderr?.destroy();
  }
}

describe("interop with Erlang's gen_sctp", () => {
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "sctp-erl-"));
    execFileSync("erlc", ["-o", dir, src], { stdio: "pipe" });
  });
  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("our client <-> an Erlang echo server: data, stream and ppid both ways", async () => {
    const erl = new Erl(["server"]);
    const cli = await open();
    try {
      const port = Number((await erl.line(/^PORT (\d+)$/))[1]);
      const up = await cli.connect("127.0.0.1", port, {
        sctp_initmsg: { num_ostreams: 5 },
      }, 20000);
      assert.equal(up.state, "comm_up");
      const n = 10;
      for (let i = 0; i < n; i++) {
        await cli.send(
          { stream: i % 5, ppid: 4242 + i, assoc_id: up.assoc_id },
          `hello erlang ${i}`,
        );
      }
      for (let i = 0; i < n; i++) {
        const m = await recvData(cli, 60000);
        const info = m.ancData[0] as SctpSndRcvInfo;
        // one stream's messages stay ordered; across streams any order
        const k = Number(text(m.data).replace("hello erlang ", ""));
        assert.equal(text(m.data), `hello erlang ${k}`);
        assert.equal(info.stream, k % 5);
        assert.equal(info.ppid, 4242 + k);
        assert.equal(m.fromPort, port);
      }
      await erl.line(/^ECHO 4 4251 14$/);
    } finally {
      await cli.close();
      erl.kill();
    }
  });

  it("an Erlang client -> our server, which echoes: stream and ppid both ways", async () => {
    const { s: srv, port } = await server();
    const n = 10;
    const erl = new Erl(["client", String(port), String(n)]);
    const failed = erl.failed();
    failed.catch(() => {});
    try {
      let got = 0;
      while (got < n) {
        const m = await Promise.race([recvData(srv, 90000), failed]);
        const info = m.ancData[0] as SctpSndRcvInfo;
        const i = Number(text(m.data).replace("msg ", ""));
        assert.equal(text(m.data), `msg ${i}`);
        assert.equal(info.stream, i % 5, `stream of msg ${i}`);
        assert.equal(info.ppid, 1000 + i, `ppid of msg ${i}`);
        await srv.send(
          { stream: info.stream, ppid: info.ppid, assoc_id: info.assoc_id },
          m.data as Uint8Array,
        );
        got++;
      }
      await erl.line(/^DONE$/);
      const replies = erl.lines.filter((l) => l.startsWith("REPLY "));
      assert.equal(replies.length, n);
      for (let i = 1; i <= n; i++) {
        assert.ok(
          replies.includes(`REPLY ${i % 5} ${1000 + i} msg ${i}`),
          `reply ${i} in ${replies.join(" | ")}`,
        );
      }
      const upLine = erl.lines.find((l) => l.startsWith("UP "));
      assert.ok(upLine, "the Erlang client saw comm_up");
      assert.equal(upLine.split(" ")[1], "5", "5 outbound streams");
    } finally {
      erl.kill();
      await srv.close();
    }
  });
});
