/**
 * The {@link Runtime} for Bun: TCP and unix sockets via `Bun.listen` and
 * `Bun.connect`, pipes and PTYs via `Bun.spawn`, signals via `node:process`.
 * Load it only on Bun (see `mod.ts`).
 *
 * @module
 */
import process from "node:process";
import type { CryptoProvider } from "../ssh/crypto/provider.ts";
import type {
  ByteStream,
  ChildProcess,
  Conn,
  Listener,
  NetAddr,
  PtySpawnOptions,
  Runtime,
  SpawnOptions,
  UnixListener,
  UserInfo,
} from "./types.ts";
import { createCryptoProvider } from "./crypto.ts";
import { bunGlobal } from "./bun_api.ts";
import { listenBun } from "./bun_tcp.ts";
import { connectBun } from "./bun_connect.ts";
import { connectUnixBun, listenUnixBun } from "./bun_unix.ts";
import { spawnBun } from "./bun_process.ts";
import { spawnPtyBun } from "./bun_pty.ts";
import { currentUserFromOs } from "./node_common.ts";

/**
 * Create the Bun runtime. The crypto provider is built on first use.
 *
 * @example
 * ```ts
 * const rt = createBunRuntime();
 * const listener = await rt.listen({ hostname: "127.0.0.1", port: 2222 });
 * ```
 */
export function createBunRuntime(): Runtime {
  const bun = bunGlobal();
  let crypto: CryptoProvider | undefined;
  return {
    name: "bun",
    get crypto(): CryptoProvider {
      crypto ??= createCryptoProvider();
      return crypto;
    },
    listen: (addr: NetAddr): Promise<Listener> => Promise.resolve().then(() => listenBun(addr)),
    connect: (addr: NetAddr, opts?: { timeoutMs?: number }): Promise<Conn> => connectBun(addr, opts),
    connectUnix: (path: string): Promise<ByteStream> => connectUnixBun(path),
    listenUnix: (path: string): Promise<UnixListener> => Promise.resolve().then(() => listenUnixBun(path)),
    spawn: (opts: SpawnOptions): ChildProcess => spawnBun(opts),
    spawnPty: (opts: PtySpawnOptions): ChildProcess => spawnPtyBun(opts),
    currentUser: (): UserInfo => currentUserFromOs(),
    onSignal(signal: "SIGINT" | "SIGTERM" | "SIGHUP", handler: () => void): void {
      process.on(signal, handler);
    },
    // argv is [bun, script, ...args], also in a `bun build --compile` binary.
    args: (): string[] => bun.argv.slice(2),
    selfCommand(args: readonly string[]) {
      // In a `bun build --compile` binary the entry lives in Bun's embedded file system.
      const main = bun.main;
      const compiled = main.startsWith("/$bunfs/") || main.startsWith("B:/~BUN/");
      return { file: process.execPath, args: compiled ? [...args] : [main, ...args] };
    },
    env: (name: string): string | undefined => bun.env[name],
    exit: (code: number): never => process.exit(code),
  };
}
