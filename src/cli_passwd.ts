/**
 * `tsshd passwd USER [--password-file FILE]`: set USER's password in
 * tsshd's password file (default `~/.config/tsshd/passwords`), adding or
 * replacing the user's line atomically (mode 0600). The hash is argon2id
 * (m = 19456 KiB, t = 2, p = 1, random salt).
 *
 * The password is read twice from the terminal with echo off when stdin
 * is a terminal, or once — the first line of stdin — when it is not
 * (`printf '%s\n' "$PW" | tsshd passwd alice`). It is never taken from a
 * flag (it would show in `ps` and shell history). Empty passwords are
 * refused. Every failure is one line on stderr.
 *
 * @example
 * ```ts
 * // in cli.ts, before parsing server flags:
 * if (argv[0] === "passwd") return await runPasswdCommand(argv.slice(1), processPasswdIo(user.home));
 * ```
 * @module
 */
import process from "node:process";
import { isatty } from "node:tty";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { hashPassword } from "./ops/password/hash.ts";
import { setPasswordHash, userNameProblem } from "./ops/password/password_file.ts";

/**
 * What `tsshd passwd` needs from the outside world (files are written with `node:fs`).
 *
 * @example
 * ```ts
 * const io: PasswdIo = { ...processPasswdIo("/home/me"), out: (l) => lines.push(l) };
 * ```
 */
export interface PasswdIo {
  /** Print one line to stdout. */
  out(line: string): void;
  /** Print one line to stderr. */
  err(line: string): void;
  /** The home directory the default password file lives under. */
  home: string;
  /** Whether stdin is a terminal (then the password is asked twice, without echo). */
  stdinIsTerminal: boolean;
  /** Show `prompt` and read one line from the terminal without echo; `undefined` if cancelled (^C, ^D). */
  readHidden(prompt: string): Promise<string | undefined>;
  /** The first line of stdin without its line ending; `undefined` if stdin is empty. */
  readLine(): Promise<string | undefined>;
}

/**
 * The help text of `tsshd passwd`.
 *
 * @example
 * ```ts
 * console.log(PASSWD_USAGE);
 * ```
 */
export const PASSWD_USAGE = `Usage: tsshd passwd USER [--password-file FILE]

Set USER's password for tsshd's password authentication (--password-file).
Adds or replaces USER's line in FILE (default ~/.config/tsshd/passwords,
mode 0600) with an argon2id hash. The password is asked twice on a terminal;
when stdin is not a terminal its first line is the password.

  --password-file FILE   the password file to update
`;

/**
 * The default password file under `home`.
 *
 * @example
 * ```ts
 * defaultPasswordFile("/home/me"); // "/home/me/.config/tsshd/passwords"
 * ```
 */
export function defaultPasswordFile(home: string): string {
  return join(home, ".config", "tsshd", "passwords");
}

/** A failure with its exit code (2: usage). */
class PasswdError extends Error {
  constructor(message: string, readonly exitCode = 1) {
    super(message);
  }
}

/**
 * Run `tsshd passwd` with `args` (after the word `passwd`). Returns the exit
 * code: 0 on success, 1 on failure, 2 on a usage error. Never throws.
 *
 * @example
 * ```ts
 * const code = await runPasswdCommand(["alice", "--password-file", "/etc/tsshd/passwords"], io);
 * ```
 */
export async function runPasswdCommand(args: string[], io: PasswdIo): Promise<number> {
  try {
    return await passwd(args, io);
  } catch (e) {
    const line = e instanceof PasswdError ? e.message : `unexpected error: ${e instanceof Error ? e.message : e}`;
    io.err(`tsshd passwd: ${line}`);
    return e instanceof PasswdError ? e.exitCode : 1;
  }
}

async function passwd(args: string[], io: PasswdIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      options: { "password-file": { type: "string" }, help: { type: "boolean", short: "h" } },
      strict: true,
      allowPositionals: true,
    });
  } catch (e) {
    const msg = (e as Error).message.split("\n")[0].replace(/\. To specify a positional argument.*$/, "");
    throw new PasswdError(`${msg} (see tsshd passwd --help)`, 2);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.out(PASSWD_USAGE.trimEnd());
    return 0;
  }
  if (positionals.length !== 1) throw new PasswdError("give exactly one USER (see tsshd passwd --help)", 2);
  const user = positionals[0];
  const badUser = userNameProblem(user);
  if (badUser) throw new PasswdError(`invalid user name '${user}': ${badUser}`, 2);
  const file = values["password-file"] ?? defaultPasswordFile(io.home);

  const password = await readNewPassword(user, io);
  if (password === "") throw new PasswdError("empty password; nothing changed");
  const hash = await hashPassword(password);
  let replaced: boolean;
  try {
    replaced = await setPasswordHash(file, user, hash);
  } catch (e) {
    throw new PasswdError(`cannot update ${file}: ${fsReason(e)}`);
  }
  io.out(`${replaced ? "Updated" : "Added"} password for ${user} in ${file}`);
  return 0;
}

async function readNewPassword(user: string, io: PasswdIo): Promise<string> {
  if (!io.stdinIsTerminal) {
    const line = await io.readLine();
    if (line === undefined) throw new PasswdError("no password on stdin; nothing changed");
    return line;
  }
  const first = await io.readHidden(`New password for ${user}: `);
  if (first === undefined) throw new PasswdError("cancelled; nothing changed");
  if (first === "") return "";
  const second = await io.readHidden("Retype new password: ");
  if (second === undefined) throw new PasswdError("cancelled; nothing changed");
  if (first !== second) throw new PasswdError("passwords do not match; nothing changed");
  return first;
}

function fsReason(e: unknown): string {
  const code = (e as { code?: string }).code;
  if (code === "ENOENT") return "No such file or directory";
  if (code === "EACCES") return "Permission denied";
  if (code === "EISDIR") return "Is a directory";
  if (code === "ENOTDIR") return "Not a directory";
  return e instanceof Error ? e.message : String(e);
}

/**
 * {@link PasswdIo} on this process's stdin/stdout/stderr (node:process,
 * so the same code runs on Deno and Bun).
 *
 * @example
 * ```ts
 * await runPasswdCommand(argv.slice(1), processPasswdIo(runtime.currentUser().home));
 * ```
 */
export function processPasswdIo(home: string): PasswdIo {
  return {
    out: (line) => console.log(line),
    err: (line) => console.error(line),
    home,
    stdinIsTerminal: isatty(0),
    readHidden,
    readLine,
  };
}

/** Key bytes the hidden reader acts on. */
const KEY = { ETX: 0x03, EOT: 0x04, BS: 0x08, LF: 0x0a, CR: 0x0d, NAK: 0x15, DEL: 0x7f };

/** One line from the terminal in raw mode (so nothing is echoed); ^C/^D cancel, ^U clears, backspace edits. */
function readHidden(prompt: string): Promise<string | undefined> {
  const stdin = process.stdin;
  return new Promise((resolve) => {
    const bytes: number[] = [];
    const finish = (value: string | undefined) => {
      stdin.off("data", onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write("\n");
      resolve(value);
    };
    const onData = (chunk: Uint8Array) => {
      for (const b of chunk) {
        if (b === KEY.CR || b === KEY.LF) return finish(new TextDecoder().decode(new Uint8Array(bytes)));
        if (b === KEY.ETX || (b === KEY.EOT && bytes.length === 0)) return finish(undefined);
        if (b === KEY.NAK) bytes.length = 0;
        else if (b === KEY.DEL || b === KEY.BS) {
          // Drop one whole UTF-8 character: its continuation bytes, then its lead byte.
          while (bytes.length > 0 && (bytes[bytes.length - 1] & 0xc0) === 0x80) bytes.pop();
          bytes.pop();
        } else if (b >= 0x20 || b === 0x09) bytes.push(b);
      }
    };
    // Echo goes off before the prompt shows, so nothing typed after it is ever echoed.
    stdin.setRawMode(true);
    process.stderr.write(prompt);
    stdin.on("data", onData);
    stdin.resume();
  });
}

/** The first line of stdin (reading stops at the first newline or at end of input). */
async function readLine(): Promise<string | undefined> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  let sawData = false;
  for await (const chunk of process.stdin as AsyncIterable<Uint8Array>) {
    sawData = true;
    chunks.push(chunk);
    total += chunk.length;
    if (chunk.includes(0x0a) || total > 1 << 20) break;
  }
  if (!sawData) return undefined;
  const all = new Uint8Array(total);
  let o = 0;
  for (const c of chunks) {
    all.set(c, o);
    o += c.length;
  }
  let end = all.indexOf(0x0a);
  if (end < 0) end = all.length;
  if (end > 0 && all[end - 1] === 0x0d) end--;
  return new TextDecoder().decode(all.subarray(0, end));
}
