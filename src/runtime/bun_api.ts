/**
 * The subset of Bun 1.4.5's global `Bun` API that the Bun runtime uses,
 * typed here so the files type-check under Deno (which has no `bun-types`).
 * Shapes follow `bun-types@1.4.5` (`bun.d.ts`) and were checked by probing
 * Bun 1.4.5 on Linux.
 *
 * @module
 */

/**
 * A TCP or unix-domain socket from `Bun.listen` or `Bun.connect` (binaryType
 * `"uint8array"`). The address fields are meaningful for TCP only.
 *
 * @example
 * ```ts
 * socket.write(bytes) < bytes.length; // short write: wait for `drain`
 * ```
 */
export interface BunSocket {
  /** Write to the kernel without buffering; returns bytes written (may be short), `-1` if closed. */
  write(data: Uint8Array): number;
  /** Send FIN (`shutdown(SHUT_WR)`) when called without argument. */
  shutdown(halfClose?: boolean): void;
  /** Graceful close. */
  end(): void;
  /** Abortive close (RST). */
  terminate(): void;
  /** Stop reading from the socket (the kernel applies TCP back-pressure). */
  pause(): void;
  /** Resume reading after `pause()`. */
  resume(): void;
  setNoDelay(noDelay?: boolean): boolean;
  readonly remoteAddress: string;
  readonly remotePort: number;
  readonly localAddress: string;
  readonly localPort: number;
}

/**
 * Per-socket callbacks of `Bun.listen` and `Bun.connect`.
 *
 * @example
 * ```ts
 * const handler: BunSocketHandler = { binaryType: "uint8array", open() {}, data(s, d) {}, drain() {}, end() {}, close() {}, error() {} };
 * ```
 */
export interface BunSocketHandler {
  binaryType: "uint8array";
  open(socket: BunSocket): void;
  data(socket: BunSocket, data: Uint8Array): void;
  drain(socket: BunSocket): void;
  /** The peer sent FIN (with `allowHalfOpen`, the socket stays writable). */
  end(socket: BunSocket): void;
  close(socket: BunSocket, error?: Error): void;
  error(socket: BunSocket, error: Error): void;
  /** `Bun.connect` only: the connection failed (the returned promise rejects with the same error). */
  connectError?(socket: BunSocket, error: Error): void;
}

/**
 * Options of `Bun.listen` for TCP.
 *
 * @example
 * ```ts
 * bunGlobal().listen({ hostname: "127.0.0.1", port: 0, exclusive: true, allowHalfOpen: true, socket: handler });
 * ```
 */
export interface BunListenOptions {
  hostname: string;
  port: number;
  exclusive?: boolean;
  allowHalfOpen?: boolean;
  socket: BunSocketHandler;
}

/**
 * What `Bun.listen` returns.
 *
 * @example
 * ```ts
 * const { port } = bunGlobal().listen(options);
 * ```
 */
export interface BunTcpListener {
  readonly hostname: string;
  readonly port: number;
  /** Stop listening; with `true` also close the accepted sockets. */
  stop(closeActiveConnections?: boolean): void;
}

/**
 * Options of `Bun.listen` for a unix-domain stream socket.
 *
 * @example
 * ```ts
 * bunGlobal().listen({ unix: "/tmp/app.sock", allowHalfOpen: true, socket: handler });
 * ```
 */
export interface BunUnixListenOptions {
  /** The socket path (Bun unlinks it when the listener stops). */
  unix: string;
  allowHalfOpen?: boolean;
  socket: BunSocketHandler;
}

/**
 * What `Bun.listen` returns for a unix-domain socket.
 *
 * @example
 * ```ts
 * bunGlobal().listen({ unix: "/tmp/app.sock", socket: handler }).stop();
 * ```
 */
export interface BunUnixListener {
  readonly unix: string;
  /** Stop listening; with `true` also close the accepted sockets. */
  stop(closeActiveConnections?: boolean): void;
}

/**
 * Options of `Bun.connect`: TCP (`hostname` is resolved by Bun) or a
 * unix-domain socket path. The promise resolves after the handler's `open`.
 *
 * @example
 * ```ts
 * await bunGlobal().connect({ hostname: "::1", port: 22, allowHalfOpen: true, socket: handler });
 * await bunGlobal().connect({ unix: "/run/app.sock", allowHalfOpen: true, socket: handler });
 * ```
 */
export type BunConnectOptions =
  | { hostname: string; port: number; allowHalfOpen?: boolean; socket: BunSocketHandler }
  | { unix: string; allowHalfOpen?: boolean; socket: BunSocketHandler };

/**
 * `new Bun.Terminal(options)` / the inline `terminal` option of `Bun.spawn`.
 *
 * @example
 * ```ts
 * const terminal: BunTerminalOptions = { cols: 80, rows: 24, data: (_t, d) => out.push(d), exit: () => {} };
 * ```
 */
export interface BunTerminalOptions {
  cols: number;
  rows: number;
  name?: string;
  data(terminal: BunTerminal, data: Uint8Array): void;
  /** The PTY stream ended (0 = EOF, 1 = read error such as EIO). Not the exit code. */
  exit(terminal: BunTerminal, status: number, signal: string | null): void;
  drain?(terminal: BunTerminal): void;
}

/**
 * A PTY master owned by Bun.
 *
 * @example
 * ```ts
 * proc.terminal?.resize(132, 43);
 * ```
 */
export interface BunTerminal {
  /** Accepts all bytes, buffering what the PTY cannot take now; returns the length. */
  write(data: Uint8Array | string): number;
  resize(cols: number, rows: number): void;
  close(): void;
  readonly closed: boolean;
  inputFlags: number;
  outputFlags: number;
  localFlags: number;
  controlFlags: number;
}

/**
 * A readable byte stream from a piped subprocess.
 *
 * @example
 * ```ts
 * const reader: ReadableStreamDefaultReader<Uint8Array> = (proc.stdout as BunReadable).getReader();
 * ```
 */
export type BunReadable = ReadableStream<Uint8Array>;

/**
 * A subprocess stdin opened with `stdin: "pipe"` (Bun's `FileSink`).
 *
 * @example
 * ```ts
 * await proc.stdin?.write(bytes); await proc.stdin?.flush();
 * ```
 */
export interface BunFileSink {
  /** Write or buffer `data`; a promise (measured for a 4 MiB write) while the pipe is full. */
  write(data: Uint8Array): number | Promise<number>;
  /** Flush buffered bytes; a promise when the kernel cannot take them yet. */
  flush(): number | Promise<number>;
  /** Flush and close. */
  end(): number | Promise<number>;
}

/**
 * What `Bun.spawn` returns (only the members used here).
 *
 * @example
 * ```ts
 * const code = await proc.exited; proc.signalCode; // "SIGKILL" if killed
 * ```
 */
export interface BunSubprocess {
  readonly pid: number;
  readonly exited: Promise<number>;
  readonly exitCode: number | null;
  /** e.g. `"SIGKILL"` once killed by a signal. */
  readonly signalCode: string | null;
  readonly stdin: BunFileSink | null;
  readonly stdout: BunReadable | null;
  readonly stderr: BunReadable | null;
  readonly terminal?: BunTerminal;
  kill(signal?: string | number): void;
}

/**
 * Options of `Bun.spawn` (only the members used here).
 *
 * @example
 * ```ts
 * bunGlobal().spawn({ cmd: ["sh", "-c", "echo hi"], env: {}, cwd: "/", stdout: "pipe" });
 * ```
 */
export interface BunSpawnOptions {
  cmd: string[];
  argv0?: string;
  env: Record<string, string>;
  cwd: string;
  stdin?: "pipe";
  stdout?: "pipe";
  stderr?: "pipe";
  terminal?: BunTerminalOptions;
}

/**
 * The global `Bun` object (only the members used here).
 *
 * @example
 * ```ts
 * const bun: BunGlobal = bunGlobal();
 * ```
 */
export interface BunGlobal {
  listen(options: BunListenOptions): BunTcpListener;
  listen(options: BunUnixListenOptions): BunUnixListener;
  /** Rejects with a Node-style error (`code` `ECONNREFUSED`, `ENOTFOUND`, `ENOENT`…). */
  connect(options: BunConnectOptions): Promise<BunSocket>;
  spawn(options: BunSpawnOptions): BunSubprocess;
  readonly argv: string[];
  /** Absolute path of the entry script (`/$bunfs/…` inside a compiled binary). */
  readonly main: string;
  readonly env: Record<string, string | undefined>;
}

/**
 * The global `Bun` object. Throws when not running on Bun.
 *
 * @example
 * ```ts
 * const proc = bunGlobal().spawn({ cmd: ["true"], env: {}, cwd: "/" });
 * ```
 */
export function bunGlobal(): BunGlobal {
  const bun = (globalThis as unknown as { Bun?: BunGlobal }).Bun;
  if (!bun) throw new Error("the Bun runtime is required (globalThis.Bun is missing)");
  return bun;
}
