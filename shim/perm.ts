/**
 * Deno permission checks made before an operation whose own failure would not
 * name the permission (a child process without `--allow-run` fails as "Command
 * failed"; a name lookup without `--allow-net` as EPERM). Under Bun these are
 * no-ops.
 *
 * @module
 */

interface Desc {
  name: string;
  command?: string;
  host?: string;
  path?: string | URL;
}

interface DenoPerms {
  permissions: {
    requestSync(d: Desc): { state: string };
  };
  errors: { NotCapable: new (msg: string) => Error };
}

function deno(): DenoPerms | undefined {
  return (globalThis as { Deno?: DenoPerms }).Deno;
}

/** True when Deno is running this, and a permission (kind, what) is denied. */
function denied(desc: Desc): boolean {
  const d = deno();
  if (!d?.permissions?.requestSync) return false;
  // prompts when Deno may prompt; "denied" with --no-prompt or no TTY
  return d.permissions.requestSync(desc).state !== "granted";
}

/** Throws Deno's NotCapable error naming `flag`. */
function notCapable(msg: string): never {
  const d = deno()!;
  throw new d.errors.NotCapable(msg);
}

/** Throws Deno's permission error if running `command` is not allowed. */
export function requireRun(command: string): void {
  if (denied({ name: "run", command })) {
    notCapable(
      `Requires run access to "${command}", run again with the --allow-run flag`,
    );
  }
}

/** Throws Deno's permission error if reading the file at `path` is not allowed. */
export function requireRead(path: string | URL): void {
  if (denied({ name: "read", path })) {
    const p = path instanceof URL ? decodeURIComponent(path.pathname) : path;
    notCapable(
      `Requires read access to "${p}", run again with the --allow-read flag`,
    );
  }
}

/** Throws Deno's permission error if resolving `host` is not allowed. */
export function requireNet(host: string): void {
  if (denied({ name: "net", host })) {
    notCapable(
      `Requires net access to "${host}", run again with the --allow-net flag`,
    );
  }
}

/** True for a runtime permission error (Deno's NotCapable/PermissionDenied). */
export function isPermissionError(e: unknown): boolean {
  const n = (e as { name?: string } | null)?.name;
  return n === "NotCapable" || n === "PermissionDenied";
}
