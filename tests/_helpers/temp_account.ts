/**
 * Throwaway system accounts for tests that need root: `useradd -m` with a
 * unique `tsshd-t-XXXXXX` name, removed again with `userdel -r`.
 *
 * @module
 */

/** A created account. */
export interface TempAccount {
  name: string;
  uid: number;
  gid: number;
  home: string;
  /** `id -G NAME` as root sees it. */
  gids: number[];
}

/** Whether this process runs as root (the tests that switch users need it). */
export function isRoot(): boolean {
  return Deno.uid() === 0;
}

function run(cmd: string, args: string[]): string {
  const out = new Deno.Command(cmd, { args, stdout: "piped", stderr: "piped" }).outputSync();
  const text = new TextDecoder().decode(out.stdout);
  if (!out.success) throw new Error(`${cmd} ${args.join(" ")} failed: ${new TextDecoder().decode(out.stderr)}`);
  return text.trim();
}

/**
 * Create an account with a home directory and the given supplementary
 * groups (which must exist), call `fn`, then delete the account and its home.
 */
export async function withTempAccount<T>(
  groups: string[],
  fn: (account: TempAccount) => Promise<T>,
): Promise<T> {
  const suffix = Array.from(crypto.getRandomValues(new Uint8Array(3)), (b) => b.toString(16).padStart(2, "0")).join("");
  const name = `tsshd-t-${suffix}`;
  const args = ["-m", "-s", "/bin/bash", ...(groups.length ? ["-G", groups.join(",")] : []), name];
  run("useradd", args);
  try {
    const uid = Number(run("id", ["-u", name]));
    const gid = Number(run("id", ["-g", name]));
    const gids = run("id", ["-G", name]).split(" ").map(Number);
    const home = run("getent", ["passwd", name]).split(":")[5];
    return await fn({ name, uid, gid, home, gids });
  } finally {
    run("userdel", ["-r", "-f", name]);
  }
}
