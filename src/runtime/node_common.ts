/**
 * Helpers shared by the Deno and Bun runtimes. They only use `node:*`
 * modules that both runtimes implement, and never name `Deno` or `Bun`.
 *
 * @module
 */
import { constants as osConstants, userInfo } from "node:os";
import { readFileSync, readlinkSync } from "node:fs";
import { type ExitInfo, ListenError, type NetAddr, type UserInfo } from "./types.ts";

/**
 * Why a child process could not be started.
 *
 * @example
 * ```ts
 * try { rt.spawn(opts); } catch (e) { if (e instanceof SpawnError && e.code === "ENOENT") console.error(e.message); }
 * ```
 */
export class SpawnError extends Error {
  /** The message names the file and the cause; `code` classifies it. */
  constructor(
    message: string,
    /** `ENOENT` (no such file or cwd), `EACCES` (not executable) or `OTHER`. */
    readonly code: "ENOENT" | "EACCES" | "OTHER",
    /** The executable that was asked for. */
    readonly file: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = "SpawnError";
  }
}

/**
 * Wrap an error thrown by a runtime's spawn call in a {@link SpawnError} whose
 * message names the file and the working directory.
 *
 * @example
 * ```ts
 * try { spawnSomething(); } catch (e) { throw toSpawnError(e, "/bin/sh", "/"); }
 * ```
 */
export function toSpawnError(error: unknown, file: string, cwd: string): SpawnError {
  const code = errorCode(error);
  const mapped = code === "ENOENT" || code === "EACCES" ? code : "OTHER";
  const reason = error instanceof Error ? error.message : String(error);
  return new SpawnError(`cannot execute "${file}" in "${cwd}": ${reason}`, mapped, file, { cause: error });
}

/**
 * The `code` property of a Node-style system error (`"EADDRINUSE"`…), if any.
 *
 * @example
 * ```ts
 * errorCode(Object.assign(new Error("x"), { code: "EACCES" })); // "EACCES"
 * ```
 */
export function errorCode(error: unknown): string | undefined {
  if (typeof error !== "object" || error === null || !("code" in error)) return undefined;
  const code = (error as { code: unknown }).code;
  return typeof code === "string" ? code : undefined;
}

/**
 * The account this process runs as. The uid and gid come from `node:os`
 * `userInfo()`; name, home and shell from that uid's `/etc/passwd` entry when
 * there is one, because Bun 1.4.5's `userInfo()` takes the name and shell
 * from the `USER` and `SHELL` environment variables (measured: `"unknown"`
 * when unset). Without an entry (e.g. NSS-only accounts) `userInfo()` is
 * used as is. The shell falls back to `/bin/sh`.
 *
 * @example
 * ```ts
 * currentUserFromOs().home; // "/root"
 * ```
 */
export function currentUserFromOs(): UserInfo {
  const info = userInfo();
  const entry = passwdEntry(info.uid);
  const shell = entry?.shell || info.shell;
  return {
    name: entry?.name ?? info.username,
    uid: info.uid,
    gid: info.gid,
    home: entry?.home || info.homedir,
    shell: shell && shell !== "unknown" ? shell : "/bin/sh",
  };
}

/**
 * The `/etc/passwd` entry for `uid`, or `undefined` if there is none or the
 * file cannot be read.
 *
 * @example
 * ```ts
 * passwdEntry(0); // { name: "root", home: "/root", shell: "/bin/bash" }
 * ```
 */
export function passwdEntry(
  uid: number,
  path = "/etc/passwd",
): { name: string; home: string; shell: string } | undefined {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
  for (const line of text.split("\n")) {
    // name:password:uid:gid:gecos:home:shell
    const fields = line.split(":");
    if (fields.length >= 7 && fields[2] === String(uid)) {
      return { name: fields[0], home: fields[5], shell: fields[6] };
    }
  }
  return undefined;
}

/**
 * True if `name` (without `SIG`) is a signal this platform knows, e.g. `"INT"`.
 *
 * @example
 * ```ts
 * isSignalName("TERM"); // true
 * isSignalName("BOGUS"); // false
 * ```
 */
export function isSignalName(name: string): boolean {
  return Object.hasOwn(osConstants.signals, `SIG${name}`);
}

/**
 * Check a signal name given without `SIG` and return it with the prefix.
 * Throws a `TypeError` for names this platform does not know.
 *
 * @example
 * ```ts
 * signalWithPrefix("KILL"); // "SIGKILL"
 * ```
 */
export function signalWithPrefix(name: string): string {
  if (!isSignalName(name)) throw new TypeError(`unknown signal name "${name}" (expected e.g. "TERM", "INT", "KILL")`);
  return `SIG${name}`;
}

/**
 * Build an {@link ExitInfo} from what a runtime reports: an exit code, or a
 * signal name with or without the `SIG` prefix (the signal wins).
 *
 * @example
 * ```ts
 * exitInfo(137, "SIGKILL"); // { code: null, signal: "KILL", coreDumped: false }
 * exitInfo(7, null);        // { code: 7, signal: null, coreDumped: false }
 * ```
 */
export function exitInfo(code: number | null, signal: string | null, coreDumped = false): ExitInfo {
  if (signal) return { code: null, signal: signal.replace(/^SIG/, ""), coreDumped };
  return { code: code ?? 0, signal: null, coreDumped: false };
}

/**
 * Arguments for a runtime that cannot set `argv[0]`: when the caller asked
 * for a login-shell style argv0 (`"-bash"`), add `-l`, which every common
 * shell (bash, dash, zsh, ksh, fish) reads as "be a login shell". It goes
 * after any leading long options, because bash only accepts long options
 * before single-letter ones. Otherwise the arguments are returned unchanged.
 *
 * @example
 * ```ts
 * argsWithoutArgv0({ file: "/bin/bash", args: ["--noprofile", "-c", "id"], argv0: "-bash" });
 * // ["--noprofile", "-l", "-c", "id"]
 * ```
 */
export function argsWithoutArgv0(opts: { file: string; args: string[]; argv0?: string }): string[] {
  if (!opts.argv0?.startsWith("-")) return opts.args;
  let at = 0;
  while (at < opts.args.length && opts.args[at].startsWith("--") && opts.args[at] !== "--") at++;
  return [...opts.args.slice(0, at), "-l", ...opts.args.slice(at)];
}

/**
 * The terminal device of a running process: the target of `/proc/PID/fd/0`
 * when that is a pts, else derived from the controlling tty in
 * `/proc/PID/stat`. `undefined` if neither is available (Linux only).
 *
 * @example
 * ```ts
 * ttyPathOf(child.pid); // "/dev/pts/3"
 * ```
 */
export function ttyPathOf(pid: number): string | undefined {
  for (const fd of [0, 1, 2]) {
    try {
      const target = readlinkSync(`/proc/${pid}/fd/${fd}`);
      if (target.startsWith("/dev/pts/")) return target;
    } catch {
      // process gone or fd closed: try the next source
    }
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the parenthesised command name: state ppid pgrp session tty_nr …
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const ttyNr = Number(fields[4]);
    const major = (ttyNr >> 8) & 0xfff;
    const minor = (ttyNr & 0xff) | ((ttyNr >> 12) & 0xfff00);
    // Unix98 pty slaves use majors 136–143.
    if (major >= 136 && major <= 143) return `/dev/pts/${(major - 136) * 256 + minor}`;
  } catch {
    // no /proc or process gone
  }
  return undefined;
}

/**
 * Map a runtime's bind error to a {@link ListenError} whose message names the
 * address and port, or the path of a unix-domain socket.
 *
 * @example
 * ```ts
 * try { bind(); } catch (e) { throw toListenError(e, { hostname: "0.0.0.0", port: 22 }); }
 * try { bindUnix(); } catch (e) { throw toListenError(e, "/run/app.sock"); }
 * ```
 */
export function toListenError(error: unknown, addr: NetAddr | string): ListenError {
  const code = errorCode(error);
  const mapped = code === "EADDRINUSE" || code === "EACCES" || code === "EADDRNOTAVAIL" ? code : "OTHER";
  const reason = error instanceof Error ? error.message : String(error);
  const unix = typeof addr === "string";
  const hint = LISTEN_HINTS[mapped]?.[unix ? 1 : 0];
  const where = unix ? `unix socket ${addr}` : formatAddr(addr);
  return new ListenError(`cannot listen on ${where}: ${reason}${hint ? ` (${hint})` : ""}`, mapped);
}

/** What to do about a listen error: [for TCP, for a unix socket]. */
const LISTEN_HINTS: Partial<Record<ListenError["code"], [string, string]>> = {
  EADDRINUSE: ["another process is listening there; pick another port or stop it", "the path exists; remove it first"],
  EACCES: ["ports below 1024 need root or CAP_NET_BIND_SERVICE", "no permission to create the socket file there"],
  EADDRNOTAVAIL: ["no local interface has that address", ""],
};

/**
 * `host:port`, with IPv6 hosts in brackets.
 *
 * @example
 * ```ts
 * formatAddr({ hostname: "::", port: 22 }); // "[::]:22"
 * ```
 */
export function formatAddr(addr: NetAddr): string {
  return addr.hostname.includes(":") ? `[${addr.hostname}]:${addr.port}` : `${addr.hostname}:${addr.port}`;
}

/**
 * Keep a timer from holding the process open (Deno returns a number, Bun a
 * timer object with `unref()`).
 *
 * @example
 * ```ts
 * unrefTimer(setTimeout(() => {}, 1000));
 * ```
 */
export function unrefTimer(timer: unknown): void {
  if (typeof timer === "object" && timer !== null && "unref" in timer) {
    (timer as { unref(): void }).unref();
  }
}
