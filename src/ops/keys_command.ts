/**
 * Running an `AuthorizedKeysCommand` (sshd_config(5)): a program whose
 * standard output is read as authorized_keys lines. Only a clean run counts:
 * a program that cannot be started, exits non-zero, dies from a signal,
 * prints more than the output limit or does not finish within the time
 * limit yields a failure (and is killed) — never keys.
 *
 * @module
 */
import type { RunAs, Runtime } from "../runtime/types.ts";

/**
 * How to run the command.
 *
 * @example
 * ```ts
 * const run: KeysCommandRun = { argv: ["/usr/local/bin/keys-for", "alice"], timeoutMs: 5000 };
 * ```
 */
export interface KeysCommandRun {
  /** Program (absolute path) and its arguments, tokens already expanded. */
  argv: readonly string[];
  /** Run as this account instead of the server's (sshd's `AuthorizedKeysCommandUser`). */
  runAs?: RunAs;
  /** Give up and kill the program after this long. Default {@link KEYS_COMMAND_TIMEOUT_MS}. */
  timeoutMs?: number;
  /** Most standard output accepted, in bytes. Default {@link KEYS_COMMAND_MAX_OUTPUT}. */
  maxOutputBytes?: number;
}

/**
 * The outcome: the program's standard output, or why there is none to use.
 *
 * @example
 * ```ts
 * const r: KeysCommandResult = { ok: false, reason: "exited with status 1" };
 * ```
 */
export type KeysCommandResult = { ok: true; stdout: string } | { ok: false; reason: string };

/** Default time limit of a keys command: 10 seconds. */
export const KEYS_COMMAND_TIMEOUT_MS = 10_000;
/** Default output limit of a keys command: 1 MiB. */
export const KEYS_COMMAND_MAX_OUTPUT = 1 << 20;
/** The whole environment of the program (sshd gives it as little). */
const COMMAND_ENV = { PATH: "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin", LC_ALL: "C" };
/** How much of the program's standard error is kept for the log. */
const STDERR_KEEP = 512;

/**
 * Run a keys command to completion. Never throws for the program's
 * failures; they come back as `{ ok: false, reason }` for the log.
 *
 * @example
 * ```ts
 * const r = await runKeysCommand(runtime, { argv: ["/usr/local/bin/keys-for", "alice"], timeoutMs: 5000 });
 * if (r.ok) parseAuthorizedKeys(r.stdout, "AuthorizedKeysCommand");
 * else logger.info(`AuthorizedKeysCommand failed: ${r.reason}`);
 * ```
 */
export async function runKeysCommand(runtime: Pick<Runtime, "spawn">, run: KeysCommandRun): Promise<KeysCommandResult> {
  const [file, ...args] = run.argv;
  if (!file) return { ok: false, reason: "empty command" };
  let child;
  try {
    child = runtime.spawn({ file, args, env: { ...COMMAND_ENV }, cwd: "/", user: run.runAs });
  } catch (e) {
    return { ok: false, reason: `cannot run: ${(e as Error).message}` };
  }
  child.closeStdin();
  const limit = run.maxOutputBytes ?? KEYS_COMMAND_MAX_OUTPUT;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const stopped = new Promise<KeysCommandResult>((resolve) => {
    const ms = run.timeoutMs ?? KEYS_COMMAND_TIMEOUT_MS;
    timer = setTimeout(() => resolve({ ok: false, reason: `timed out after ${ms} ms` }), ms);
  });
  const finished = (async (): Promise<KeysCommandResult> => {
    const [out, err, status] = await Promise.all([
      readAll(() => child.read(), limit).then((o) => {
        if (o === undefined) child.kill("KILL"); // over the limit: stop it now, not at the timeout
        return o;
      }),
      readAll(() => child.readErr?.() ?? Promise.resolve(null), STDERR_KEEP, true),
      child.exited,
    ]);
    if (out === undefined) return { ok: false, reason: `printed more than ${limit} bytes` };
    const said = err && err.length ? `: ${firstLine(err)}` : "";
    if (status.signal !== null) return { ok: false, reason: `killed by signal ${status.signal}${said}` };
    if (status.code !== 0) return { ok: false, reason: `exited with status ${status.code}${said}` };
    return { ok: true, stdout: new TextDecoder().decode(out) };
  })();
  try {
    const result = await Promise.race([finished, stopped]);
    // A program cut off (time or output limit) must not linger. Descendants that
    // keep the pipes open are not waited for: the decision is already made.
    if (!result.ok) child.kill("KILL");
    return result;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * All chunks until EOF, concatenated; `undefined` once more than `limit`
 * bytes arrive (or, with `truncate`, the first `limit` bytes, still reading
 * to EOF so the program never blocks on a full pipe).
 */
async function readAll(
  next: () => Promise<Uint8Array | null>,
  limit: number,
  truncate = false,
): Promise<Uint8Array | undefined> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (let c = await next(); c; c = await next()) {
    if (total + c.length > limit) {
      if (!truncate) return undefined;
      c = c.subarray(0, Math.max(0, limit - total));
    }
    total += c.length;
    if (c.length) chunks.push(c);
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** The first line of standard error, printable, for the log. */
function firstLine(bytes: Uint8Array): string {
  const line = new TextDecoder().decode(bytes).split("\n")[0];
  return line.replace(/[^\x20-\x7e]/g, "?");
}
