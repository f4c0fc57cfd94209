/**
 * The npm package as a Bun user gets it: `scripts/build-npm`, `npm pack`, the
 * tarball installed offline into a fresh project with `bun add`, imported by
 * name for an echo over kernel SCTP (the prebuilt shim: no cc on PATH); a
 * consumer type-checked with `tsc --strict` against the shipped declarations;
 * Node.js refused at import.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import process from "node:process";
import { baseEnv, BUN, ROOT, run } from "./fixtures/package_util.ts";

const NAME = "@sctp/gen-sctp";

describe("package: npm tarball installed with bun", () => {
  let tmp = "";
  let proj = "";
  let tgz = "";
  let env: Record<string, string> = {};
  let installed = false;

  before(() => {
    tmp = mkdtempSync(join(tmpdir(), "gen-sctp-npm-"));
    env = baseEnv(process.env.PATH ?? "", tmp);
  });
  after(() => {
    rmSync(tmp, { recursive: true, force: true });
  });

  // A test, not a hook, so it gets its own bound (bun's hooks take only the
  // runner's): it builds the package when build/npm is stale (scripts/build-npm
  // skips an up-to-date one), minutes in the emulated VM.
  it(
    "builds, packs and installs the package offline with bun",
    { timeout: 900000 },
    async () => {
      const build = await run("bash", ["scripts/build-npm"], {
        env,
        timeoutMs: 850000,
      });
      assert.equal(build.code, 0, build.stderr);
      const pack = await run(
        "npm",
        ["pack", "--silent", "--pack-destination", tmp],
        {
          env: { ...env, npm_config_cache: join(tmp, "npm-cache") },
          cwd: join(ROOT, "build/npm"),
        },
      );
      assert.equal(pack.code, 0, pack.stderr);
      tgz = join(tmp, pack.stdout.trim().split("\n").pop()!);
      proj = join(tmp, "proj");
      mkdirSync(proj);
      writeFileSync(
        join(proj, "package.json"),
        JSON.stringify({ name: "consumer", private: true, type: "module" }),
      );
      const add = await run(BUN, ["add", "--offline", tgz], { env, cwd: proj });
      assert.equal(add.code, 0, add.stderr);
      installed = true;
    },
  );

  it("ships only runtime files and pulls no dependency", () => {
    assert.ok(
      installed,
      "the package was not installed (see the install test)",
    );
    const pkg = join(proj, "node_modules", NAME);
    const files = readdirSync(pkg).filter((f) => !f.startsWith(".")).sort();
    assert.deepEqual(files, [
      "CHANGELOG.md",
      "LICENSE",
      "README.md",
      "c",
      "mod.d.ts",
      "mod.js",
      "package.json",
      "poller_worker.js",
      "prebuilt",
      "sctpcat.js",
    ]);
    // nothing but the package itself in node_modules
    assert.deepEqual(
      readdirSync(join(proj, "node_modules")).filter((d) => !d.startsWith(".")),
      ["@sctp"],
    );
    const meta = JSON.parse(readFileSync(join(pkg, "package.json"), "utf8"));
    assert.equal(meta.name, NAME);
    assert.equal(meta.exports["."].types, "./mod.d.ts");
    assert.equal(meta.exports["./sctpcat"], "./sctpcat.js");
    assert.deepEqual(meta.bin, { sctpcat: "./sctpcat.js" });
    assert.equal(meta.dependencies, undefined);
    const deno = JSON.parse(readFileSync(join(ROOT, "deno.json"), "utf8"));
    assert.equal(deno.name, NAME);
    assert.equal(meta.version, deno.version);
    console.log(`npm tarball: ${statSync(tgz).size} bytes`);
  });

  it("imports by name and echoes under bun with no cc on PATH", async () => {
    assert.ok(
      installed,
      "the package was not installed (see the install test)",
    );
    const tpl = readFileSync(
      join(ROOT, "tests/fixtures/package_echo.ts.txt"),
      "utf8",
    );
    writeFileSync(join(proj, "echo.ts"), tpl.replaceAll("__SPEC__", NAME));
    const cache = mkdtempSync(join(tmp, "cache-"));
    const bin = mkdtempSync(join(tmp, "bin-")); // a PATH without cc
    const r = await run(BUN, ["echo.ts"], {
      env: { ...env, PATH: bin, SCTP_SHIM_CACHE: cache },
      cwd: proj,
    });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /echo ok ping/);
    // the prebuilt shim was used in place: nothing built into the cache
    assert.deepEqual(readdirSync(cache), []);
  });

  it("installs the sctpcat bin, which runs under bun by its shebang", async () => {
    assert.ok(
      installed,
      "the package was not installed (see the install test)",
    );
    const pkg = join(proj, "node_modules", NAME);
    const js = readFileSync(join(pkg, "sctpcat.js"), "utf8");
    assert.ok(js.startsWith("#!/usr/bin/env bun\n"), js.slice(0, 40));
    // the library is not bundled twice: the tool imports the package's mod.js
    assert.match(js, /from "\.\/mod\.js"/);
    assert.doesNotMatch(js, /mod\.ts/);
    const sctpcat = join(proj, "node_modules/.bin/sctpcat");
    assert.ok(statSync(sctpcat).isFile(), "node_modules/.bin/sctpcat");
    // `env bun` finds the project's bun; no cc on PATH
    const path = `${dirname(BUN)}:${mkdtempSync(join(tmp, "bin-"))}`;
    const help = await run(sctpcat, ["--help"], {
      env: { ...env, PATH: path },
      cwd: proj,
    });
    assert.equal(help.code, 0, help.stderr);
    assert.match(help.stdout, /^usage:\n {2}sctpcat listen/);
    const check = await run(sctpcat, ["check"], {
      env: { ...env, PATH: path, SCTP_SHIM_CACHE: join(tmp, "cache-check") },
      cwd: proj,
    });
    assert.equal(check.code, 0, check.stdout + check.stderr);
    assert.match(check.stdout, /^SCTP: available/m);
    assert.match(
      check.stdout,
      new RegExp(`^shim: ${pkg.replaceAll(".", "\\.")}/prebuilt/`, "m"),
    );
  });

  // tsc only loads for over a minute in the emulated VM: one run for both
  // files, under one runtime (the npm package is Bun's way in)
  const tscIt = "Bun" in globalThis ? it : it.skip;
  tscIt(
    "type-checks a consumer with tsc --strict against mod.d.ts",
    { timeout: 400000 },
    async () => {
      assert.ok(
        installed,
        "the package was not installed (see the install test)",
      );
      writeFileSync(
        join(proj, "consumer.ts"),
        readFileSync(join(ROOT, "tests/fixtures/package_consumer.ts")),
      );
      writeFileSync(
        join(proj, "bad.ts"),
        `import { errorString } from "${NAME}";\nexport const n: number = errorString(1);\n`,
      );
      const tsc = join(ROOT, "node_modules/typescript/bin/tsc");
      const r = await run("node", [
        tsc,
        "--strict",
        "--noEmit",
        "--pretty",
        "false",
        "--target",
        "es2022",
        "--module",
        "nodenext",
        "--moduleResolution",
        "nodenext",
        "consumer.ts",
        "bad.ts",
      ], { env, cwd: proj, timeoutMs: 380000 });
      // consumer.ts compiles (its @ts-expect-error line is an error), and
      // the one wrong type in bad.ts does not
      const errors = r.stdout.split("\n").filter((l) => /error TS/.test(l));
      assert.equal(errors.length, 1, r.stdout + r.stderr);
      assert.match(errors[0], /^bad\.ts\(2,14\): error TS2322/);
    },
  );

  it("refuses Node.js at import, before any shim work", async () => {
    assert.ok(
      installed,
      "the package was not installed (see the install test)",
    );
    const cache = join(tmp, "node-cache");
    const r = await run(
      "node",
      ["--input-type=module", "-e", `await import("${NAME}")`],
      { env: { ...env, SCTP_SHIM_CACHE: cache }, cwd: proj },
    );
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /runs on Deno and Bun/);
    assert.throws(() => statSync(cache), /ENOENT/);
  });
});
