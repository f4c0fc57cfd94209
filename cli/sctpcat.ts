/**
 * `sctpcat`: netcat for SCTP, built on this library's public API. Lines of
 * stdin become messages and received messages go to stdout; a listener
 * serves one peer or, with `--one-to-many`, many (`--echo` sends back what
 * arrives); `--status` shows each association's paths (state, RTO, SRTT,
 * cwnd, MTU) once a second; `--bench SIZE COUNT` measures; `check` tells
 * whether the kernel has SCTP.
 *
 * ```sh
 * deno run -A jsr:@sctp/gen-sctp/sctpcat listen 127.0.0.1 9000 --echo
 * deno run -A jsr:@sctp/gen-sctp/sctpcat connect 127.0.0.1 9000 --status
 * bunx --package @sctp/gen-sctp sctpcat check
 * ```
 *
 * Exit codes: 0 done, 1 runtime error (one line on stderr with gen_sctp's
 * reason and what to do), 2 bad arguments (with the usage). Ctrl-C closes
 * the associations gracefully (exit code 0); a second Ctrl-C aborts them
 * (130).
 *
 * @module
 */
import process from "node:process";
import { parseArgs, USAGE, UsageError } from "./args.ts";
import { check } from "./check.ts";
import { connect } from "./connect.ts";
import { describeError, Fatal } from "./errors.ts";
import { onInterrupt, Output } from "./io.ts";
import { listen } from "./listen.ts";
import type { Session } from "./session.ts";

/**
 * Runs sctpcat with `argv` (the arguments after the script) and resolves
 * with its exit code; stdout, stderr and stdin are the process's. Ctrl-C
 * (SIGINT, SIGTERM) is handled while it runs.
 *
 * @example
 * ```ts ignore
 * import { main } from "./cli/sctpcat.ts";
 * Deno.exit(await main(["check"]));
 * ```
 */
export async function main(argv: string[]): Promise<number> {
  const out = new Output();
  const code = await run(argv, out);
  await out.flush();
  return code;
}

async function run(argv: string[], out: Output): Promise<number> {
  let cmd;
  try {
    cmd = parseArgs(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    out.note(`sctpcat: ${e.message}\n${USAGE}`);
    return 2;
  }
  if (cmd.cmd === "help") {
    await out.write(USAGE + "\n");
    return 0;
  }
  if (cmd.cmd === "check") return await check(out, cmd.json);
  let session: Session | undefined;
  const register = (s: Session) => session = s;
  onInterrupt((n) => {
    if (!session || session.ids.length === 0) {
      // nothing to close gracefully (listening, or still connecting)
      session?.socket.close();
      out.flush().then(() => process.exit(n === 1 ? 0 : 130));
    } else if (n === 1) {
      out.note("sctpcat: closing (Ctrl-C again to abort)");
      session.shutdown();
    } else {
      session.abort(130);
    }
  });
  try {
    return cmd.cmd === "listen"
      ? await listen(cmd, out, register)
      : await connect(cmd, out, register);
  } catch (e) {
    out.note(
      `sctpcat: ${e instanceof Fatal ? e.message : describeError(e, cmd.cmd)}`,
    );
    return 1;
  } finally {
    await session?.socket.close();
  }
}

if (import.meta.main) {
  process.exit(await main(process.argv.slice(2)));
}
