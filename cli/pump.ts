/**
 * stdin to messages: each line (or, with `--raw`, each chunk read) is one
 * message, sent once an association is up. Empty lines are skipped (SCTP
 * has no empty messages).
 *
 * @module
 */
import { describeError } from "./errors.ts";
import { stdinChunks, stdinLines } from "./io.ts";
import type { Session } from "./session.ts";

/**
 * Sends stdin's messages through `session` in the background; calls
 * `onEnd` when stdin ends.
 */
export function pumpStdin(
  session: Session,
  raw: boolean,
  onEnd: (() => void) | undefined,
): void {
  (async () => {
    const src: AsyncIterable<string | Uint8Array> = raw
      ? stdinChunks()
      : stdinLines();
    for await (const msg of src) {
      if (msg.length === 0) continue;
      await session.ready();
      if (session.closing) return;
      await session.send(msg);
    }
    onEnd?.();
  })().catch((e) => session.fail(describeError(e, "stdin")));
}
