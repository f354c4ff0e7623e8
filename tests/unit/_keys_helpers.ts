/**
 * Shared helpers for the keys_*_test.ts files: the real crypto provider,
 * reading files under keys/, and running OpenSSH's ssh-keygen.
 *
 * @module
 */

import { createCryptoProvider } from "../../src/runtime/crypto.ts";
import type { CryptoProvider } from "../../src/ssh/crypto/provider.ts";

/** The runtime's crypto provider (node:crypto based). */
export const provider: CryptoProvider = createCryptoProvider();

/** Absolute path of a file in the repository's keys/ directory. */
export function keyPath(name: string): string {
  return new URL(`../../keys/${name}`, import.meta.url).pathname;
}

/** Text of a file in keys/. */
export function readKeyFile(name: string): string {
  return Deno.readTextFileSync(keyPath(name));
}

/** The result of running a command. */
export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run a command to completion (no stdin). */
export async function run(cmd: string, args: string[]): Promise<RunResult> {
  const out = await new Deno.Command(cmd, { args, stdin: "null", stdout: "piped", stderr: "piped" }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

/** Run ssh-keygen and throw with its stderr if it fails. */
export async function sshKeygen(...args: string[]): Promise<string> {
  const r = await run("ssh-keygen", args);
  if (r.code !== 0) throw new Error(`ssh-keygen ${args.join(" ")} failed (${r.code}): ${r.stderr}`);
  return r.stdout;
}

/** A fresh temporary directory, removed by the returned function. */
export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = Deno.makeTempDirSync({ prefix: "tsshd-keys-" });
  return { dir, cleanup: () => Deno.removeSync(dir, { recursive: true }) };
}

/** The keys in keys/ as [file name, expected key type]. */
export const TEST_KEYS: readonly [string, string][] = [
  ["host_ed25519", "ssh-ed25519"],
  ["client_ed25519", "ssh-ed25519"],
  ["client_ecdsa", "ecdsa-sha2-nistp256"],
  ["client_rsa", "ssh-rsa"],
  ["other_ed25519", "ssh-ed25519"],
];

/** A class of errors, for {@link assertThrows}. */
type ErrorClass<E extends Error> = new (...args: never[]) => E;

/**
 * Assert that `fn` throws an instance of `cls` (whose message contains
 * `includes`, if given) and return the error.
 */
export function assertThrows<E extends Error>(fn: () => unknown, cls: ErrorClass<E>, includes?: string): E {
  let thrown: unknown;
  try {
    fn();
  } catch (e) {
    thrown = e;
  }
  if (thrown === undefined) throw new Error(`expected ${cls.name} to be thrown, but nothing was thrown`);
  if (!(thrown instanceof cls)) {
    throw new Error(
      `expected ${cls.name}, got ${thrown instanceof Error ? `${thrown.name}: ${thrown.message}` : thrown}`,
    );
  }
  if (includes !== undefined && !thrown.message.includes(includes)) {
    throw new Error(`expected the ${cls.name} message to contain "${includes}", got "${thrown.message}"`);
  }
  return thrown;
}
