/**
 * The JSR package as a user gets it: the file set `deno publish` would upload,
 * served over HTTP on 127.0.0.1, imported by URL from a script run with
 * README's permission line: once without `cc` on PATH (the prebuilt shim,
 * fetched and checksum-verified into the cache) and once building from
 * source with `cc`; a tampered prebuilt, a shim of another ABI, and each
 * permission left out give errors that say so.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import {
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import {
  baseEnv,
  DENO,
  jsrFiles,
  permissions,
  readSet,
  ROOT,
  run,
  serve,
  type Served,
} from "./fixtures/package_util.ts";

const X64 = "prebuilt/linux-x64/libsctp_shim.so";

describe("package: JSR import over HTTP", () => {
  let tmp = "";
  let srv: Served;
  let files: string[] = [];
  let host = "";
  let echo = "";
  let tampered = "";
  let env: Record<string, string> = {};
  const empty = () => mkdtempSync(join(tmp, "bin-")); // a PATH without cc

  before(async () => {
    tmp = mkdtempSync(join(tmpdir(), "gen-sctp-jsr-"));
    files = await jsrFiles();
    const set = readSet(files);
    // a second copy of the set under tampered/ whose x64 prebuilt has one
    // byte changed
    for (const [k, v] of [...set]) {
      const c = new Uint8Array(v);
      if (k === X64) c[c.length - 1] ^= 0xff;
      set.set(`tampered/${k}`, c);
    }
    srv = await serve(set);
    host = `127.0.0.1:${srv.port}`;
    const tpl = readFileSync(
      join(ROOT, "tests/fixtures/package_echo.ts.txt"),
      "utf8",
    );
    echo = join(tmp, "echo.ts");
    writeFileSync(echo, tpl.replaceAll("__SPEC__", `http://${host}/mod.ts`));
    tampered = join(tmp, "echo_tampered.ts");
    writeFileSync(
      tampered,
      tpl.replaceAll("__SPEC__", `http://${host}/tampered/mod.ts`),
    );
    env = baseEnv(empty(), tmp);
  });
  after(async () => {
    await srv?.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  const deno = (
    script: string,
    cache: string,
    perms: string[],
    extra: Record<string, string> = {},
    path?: string,
  ) =>
    run(DENO, [
      "run",
      "--no-prompt",
      "--no-check",
      // jsr.io is allowed by default; a test server is not
      ...(perms.includes("-A") ? [] : [`--allow-import=${host}`]),
      ...perms,
      script,
    ], {
      env: { ...env, PATH: path ?? env.PATH, SCTP_SHIM_CACHE: cache, ...extra },
    });

  it("serves exactly the publish set, with the prebuilt shims, docs and examples", () => {
    for (
      const f of [
        X64,
        "prebuilt/linux-arm64/libsctp_shim.so",
        "LICENSE",
        "docs/options.md",
        "examples/echo_demo.ts",
        "c/sctp_shim.c",
        "shim/manifest.ts",
        "cli/sctpcat.ts",
      ]
    ) {
      assert.ok(files.includes(f), `${f} in the JSR file set`);
    }
    assert.ok(!files.some((f) => f.startsWith("tests/")), "no tests published");
    // the two entry points: the library and the sctpcat tool
    const meta = JSON.parse(readFileSync(join(ROOT, "deno.json"), "utf8"));
    assert.deepEqual(meta.exports, {
      ".": "./mod.ts",
      "./sctpcat": "./cli/sctpcat.ts",
    });
  });

  it("runs the sctpcat entry point from the served set: --help and check", async () => {
    const cache = mkdtempSync(join(tmp, "cache-"));
    const url = `http://${host}/cli/sctpcat.ts`;
    const help = await deno(url, cache, ["-A"], {}, process.env.PATH);
    assert.equal(help.code, 2, help.stderr); // no command: the usage
    assert.match(help.stderr, /^usage:$/m);
    const check = await run(DENO, [
      "run",
      "--no-prompt",
      "--no-check",
      "-A",
      url,
      "check",
    ], { env: { ...env, SCTP_SHIM_CACHE: cache } });
    assert.equal(check.code, 0, check.stdout + check.stderr);
    assert.match(check.stdout, /^SCTP: available/m);
    // the prebuilt shim, fetched from the served set into the cache
    assert.match(check.stdout, new RegExp(`^shim: ${cache}/prebuilt-`, "m"));
  });

  it("echoes with the prebuilt shim, no cc on PATH; a second run needs no network", async () => {
    const cache = mkdtempSync(join(tmp, "cache-"));
    const first = await deno(echo, cache, permissions(cache, host, false));
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /echo ok ping/);
    const dirs = readdirSync(cache);
    assert.ok(
      dirs.some((d) => d.startsWith("prebuilt-")),
      `prebuilt fetched: ${dirs}`,
    );
    assert.ok(!dirs.some((d) => d.startsWith("src-")), "no C source fetched");
    const fetched = srv.hits.filter((h) => h.startsWith("prebuilt/")).length;
    // the cache holds it now: no --allow-net at all
    const again = await deno(
      echo,
      cache,
      permissions(cache, host, false).filter((p) =>
        !p.startsWith("--allow-net")
      ),
    );
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /echo ok ping/);
    assert.equal(
      srv.hits.filter((h) => h.startsWith("prebuilt/")).length,
      fetched,
    );
    console.log(
      `jsr import, prebuilt: first run ${first.ms.toFixed(0)} ms, cached ${
        again.ms.toFixed(0)
      } ms`,
    );
  });

  it("echoes with a build from source with cc (SCTP_SHIM_PREBUILT=0)", async () => {
    const cache = mkdtempSync(join(tmp, "cache-"));
    const r = await deno(echo, cache, permissions(cache, host, true), {
      SCTP_SHIM_PREBUILT: "0",
    }, process.env.PATH);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /echo ok ping/);
    const dirs = readdirSync(cache);
    assert.ok(
      dirs.some((d) => d.startsWith("src-")),
      `C sources fetched: ${dirs}`,
    );
    assert.ok(!dirs.some((d) => d.startsWith("prebuilt-")), "no prebuilt");
    console.log(
      `jsr import, build from source: first run ${r.ms.toFixed(0)} ms`,
    );
  });

  it("refuses a prebuilt with the wrong checksum", async () => {
    const cache = mkdtempSync(join(tmp, "cache-"));
    const r = await deno(tampered, cache, permissions(cache, host, false));
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /wrong checksum/);
    assert.ok(
      !readdirSync(cache).some((d) => d.startsWith("prebuilt-")),
      "nothing kept",
    );
  });

  it("refuses a shim of another ABI version, and a library that is no shim", async () => {
    const cache = mkdtempSync(join(tmp, "cache-"));
    const src = join(tmp, "abi.c");
    writeFileSync(src, "int sctp_shim_abi_version(void) { return 99; }\n");
    const wrong = join(tmp, "libwrong.so");
    execFileSync("cc", ["-shared", "-fPIC", "-o", wrong, src]);
    const r = await deno(echo, cache, ["-A"], { SCTP_SHIM_LIB: wrong });
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /ABI version 99, this library needs \d+/);
    writeFileSync(src, "int not_a_shim(void) { return 0; }\n");
    const none = join(tmp, "libnone.so");
    execFileSync("cc", ["-shared", "-fPIC", "-o", none, src]);
    const n = await deno(echo, cache, ["-A"], { SCTP_SHIM_LIB: none });
    assert.notEqual(n.code, 0);
    assert.match(n.stderr, /not a gen_sctp shim/);
  });

  it("names each permission left out of the documented line", async () => {
    const cases: [boolean, string][] = [
      [false, "--allow-ffi"],
      [false, "--allow-env"],
      [false, "--allow-net"],
      [false, "--allow-read"],
      [false, "--allow-write"],
      [true, "--allow-run"],
    ];
    const results = await Promise.all(cases.map(async ([cc, flag]) => {
      const cache = mkdtempSync(join(tmp, "cache-"));
      const perms = permissions(cache, host, cc).filter((p) =>
        !p.startsWith(flag)
      );
      const extra: Record<string, string> = cc
        ? { SCTP_SHIM_PREBUILT: "0" }
        : {};
      return [
        flag,
        await deno(
          echo,
          cache,
          perms,
          extra,
          cc ? process.env.PATH : undefined,
        ),
      ] as const;
    }));
    // a local import with --allow-read short of the library: refused at
    // import, naming the poll worker's module, not by the worker later
    const cache = mkdtempSync(join(tmp, "cache-"));
    const local = join(tmp, "echo_local.ts");
    writeFileSync(
      local,
      readFileSync(echo, "utf8").replaceAll(
        `http://${host}/mod.ts`,
        join(ROOT, "mod.ts"),
      ),
    );
    const short = await deno(
      local,
      cache,
      [
        "--allow-ffi",
        "--allow-env",
        `--allow-read=${join(ROOT, "prebuilt")},${join(ROOT, "c")},${cache}`,
        `--allow-write=${cache}`,
        "--allow-run=cc",
      ],
      {},
      process.env.PATH,
    );
    assert.notEqual(short.code, 0);
    assert.match(
      short.stderr,
      /poller_worker\.ts", run again with the --allow-read flag/,
    );
    assert.doesNotMatch(short.stdout, /echo ok/);
    for (const [flag, r] of results) {
      assert.notEqual(r.code, 0, `${flag} left out: ran anyway`);
      assert.ok(
        r.stderr.includes(`${flag} flag`),
        `${flag} left out:\n${r.stderr}`,
      );
    }
  });
});
