/**
 * The runtime interface: everything that differs between Deno and Bun.
 *
 * The engine (`src/ssh/`) never imports this file's implementations; it is
 * handed a {@link ByteStream} per connection and a crypto provider. The
 * default ops (`src/ops/`) and the CLI use the whole {@link Runtime}.
 *
 * @module
 */
import type { CryptoProvider } from "../ssh/crypto/provider.ts";
import type { ByteFs } from "./byte_fs.ts";

export type { ByteFs, ByteFsStat, ByteFsStatVfs } from "./byte_fs.ts";

/** A network address as seen by a socket. */
export interface NetAddr {
  hostname: string;
  port: number;
}

/**
 * A duplex byte stream with pull-style reads (back-pressure: the producer is
 * not read from until `read()` is called) and writes that resolve once the
 * bytes were accepted by the kernel or a bounded buffer.
 *
 * @example
 * ```ts
 * for (let c = await s.read(); c; c = await s.read()) await s.write(c); // echo
 * ```
 */
export interface ByteStream {
  /** The next chunk of bytes, or `null` at end of stream. The chunk is owned by the caller. */
  read(): Promise<Uint8Array | null>;
  /** Write all of `data`; resolves when it is accepted. Rejects if the stream is closed. */
  write(data: Uint8Array): Promise<void>;
  /** Half-close: no more writes (TCP FIN). Safe to call twice. */
  closeWrite(): Promise<void>;
  /** Close both directions and release resources. Safe to call twice. */
  close(): void;
}

/** An accepted TCP connection. */
export interface Conn extends ByteStream {
  readonly remoteAddr: NetAddr;
  readonly localAddr: NetAddr;
}

/** A listening TCP socket. */
export interface Listener {
  readonly addr: NetAddr;
  /** Accepted connections until `close()`. */
  accept(): AsyncIterable<Conn>;
  close(): void;
}

/** Why a listener could not be opened. */
export class ListenError extends Error {
  constructor(
    message: string,
    /** `EADDRINUSE`, `EACCES`, `EADDRNOTAVAIL` or `OTHER`. */
    readonly code: "EADDRINUSE" | "EACCES" | "EADDRNOTAVAIL" | "OTHER",
  ) {
    super(message);
    this.name = "ListenError";
  }
}

/** Why an outgoing connection could not be made. */
export class ConnectError extends Error {
  constructor(
    message: string,
    /**
     * `ECONNREFUSED`, `ENOTFOUND` (name does not resolve), `ETIMEDOUT`, `EHOSTUNREACH`/`ENETUNREACH`,
     * `ENOENT` (unix socket path missing), `EACCES` or `OTHER`.
     */
    readonly code:
      | "ECONNREFUSED"
      | "ENOTFOUND"
      | "ETIMEDOUT"
      | "EHOSTUNREACH"
      | "ENETUNREACH"
      | "ENOENT"
      | "EACCES"
      | "OTHER",
  ) {
    super(message);
    this.name = "ConnectError";
  }
}

/** A listening unix-domain stream socket. */
export interface UnixListener {
  /** The socket's path. */
  readonly path: string;
  /** Accepted connections until `close()`. */
  accept(): AsyncIterable<ByteStream>;
  /** Stop listening and remove the socket file. Safe to call twice. */
  close(): void;
}

/** How a child process ended. Exactly one of `code` and `signal` is non-null. */
export interface ExitInfo {
  code: number | null;
  /** Signal name without the `SIG` prefix, e.g. `"TERM"`. */
  signal: string | null;
  coreDumped: boolean;
}

/** Options common to piped and PTY processes. */
export interface SpawnOptions {
  /** Executable (looked up in PATH of `env` if not absolute). */
  file: string;
  /** argv[1..] */
  args: string[];
  /** argv[0]; defaults to `file`. A login shell gets `-bash` style argv0. */
  argv0?: string;
  /** The complete environment of the child (nothing is inherited). */
  env: Record<string, string>;
  cwd: string;
  /**
   * Run the child as this account (uid, gid, supplementary groups) instead of
   * the server's; needs root (see `privilege_drop.ts`). A PTY slave is given
   * to the user (group `tty`, mode 0620) before the child runs.
   */
  user?: RunAs;
}

/**
 * An account to run a child as.
 *
 * @example
 * ```ts
 * const alice: RunAs = { uid: 1000, gid: 1000, name: "alice" }; // groups from initgroups("alice")
 * ```
 */
export interface RunAs {
  uid: number;
  /** Primary (real and effective) gid. */
  gid: number;
  name: string;
  /** Supplementary gids; default: initgroups for the uid's account, as `login` and sshd do. */
  groups?: number[];
}

/** Terminal settings for a PTY child. */
export interface PtySpawnOptions extends SpawnOptions {
  cols: number;
  rows: number;
  widthPx?: number;
  heightPx?: number;
  /** Decoded RFC 4254 §8 terminal modes: opcode → value. Applied where the runtime can. */
  modes?: Map<number, number>;
  /** Name of an environment variable to set to the slave's path in the child (sshd's `SSH_TTY`). */
  ttyEnv?: string;
}

/**
 * A running child process. For a PTY child, `read()` returns the terminal
 * output (stdout and stderr merged) and `readErr` is absent.
 */
export interface ChildProcess {
  readonly pid: number;
  /** The slave device path (`/dev/pts/N`) for a PTY child. */
  readonly ttyPath?: string;
  /** Next chunk of stdout / terminal output; `null` at EOF. Not reading = back-pressure on the child. */
  read(): Promise<Uint8Array | null>;
  /** Next chunk of stderr (piped children only); `null` at EOF. */
  readErr?(): Promise<Uint8Array | null>;
  /** Write to stdin / the terminal; resolves when accepted. */
  write(data: Uint8Array): Promise<void>;
  /** Close stdin (piped children); for a PTY this is a no-op. */
  closeStdin(): void;
  /** Change the terminal size (PTY only; no-op otherwise). */
  resize(cols: number, rows: number, widthPx?: number, heightPx?: number): void;
  /** Send a signal by name without `SIG` (e.g. `"INT"`). Ignores errors for exited children. */
  kill(signal: string): void;
  /** Resolves once the child has exited and been reaped. */
  readonly exited: Promise<ExitInfo>;
}

/** The account the server runs as. */
export interface UserInfo {
  name: string;
  uid: number;
  gid: number;
  home: string;
  shell: string;
}

/** Everything runtime-specific, chosen once at start-up. */
export interface Runtime {
  readonly name: "deno" | "bun";
  /** Fastest crypto backend for this runtime. */
  readonly crypto: CryptoProvider;
  /**
   * File calls on byte paths, for names that are not valid UTF-8 where this
   * runtime's `node:fs` would mangle them (Deno, via FFI). Absent where
   * `node:fs` keeps `Buffer` paths as bytes (Bun) or no implementation exists.
   */
  readonly byteFs?: ByteFs;
  /** Listen on TCP. Throws {@link ListenError}. */
  listen(addr: NetAddr): Promise<Listener>;
  /**
   * Open a TCP connection to a host name, IPv4 or IPv6 literal. Throws
   * {@link ConnectError}; gives up after `timeoutMs` (default 30 s) with `ETIMEDOUT`.
   */
  connect(addr: NetAddr, opts?: { timeoutMs?: number }): Promise<Conn>;
  /** Connect to a unix-domain stream socket. Throws {@link ConnectError}. */
  connectUnix(path: string): Promise<ByteStream>;
  /**
   * Listen on a unix-domain stream socket at `path` (permissions from the
   * umask; the caller chmods). Throws {@link ListenError} (`EADDRINUSE` when
   * the path exists).
   */
  listenUnix(path: string): Promise<UnixListener>;
  /** Spawn a child with stdin/stdout/stderr pipes. Throws if the file cannot be executed. */
  spawn(opts: SpawnOptions): ChildProcess;
  /** Spawn a child on a new PTY as session leader with it as controlling terminal. */
  spawnPty(opts: PtySpawnOptions): ChildProcess;
  /** The account this process runs as. */
  currentUser(): UserInfo;
  /** Register a handler for SIGINT/SIGTERM/SIGHUP. */
  onSignal(signal: "SIGINT" | "SIGTERM" | "SIGHUP", handler: () => void): void;
  /**
   * The command line that runs this same tsshd (same runtime, script or
   * single binary) with `args` — for helpers such as `internal-sftp-server`
   * that must run as another user.
   */
  selfCommand(args: readonly string[]): { file: string; args: string[] };
  /** Process arguments after the script name. */
  args(): string[];
  /** Environment variable or undefined. */
  env(name: string): string | undefined;
  exit(code: number): never;
}
