/**
 * The {@link Runtime} for Deno: TCP and unix sockets via `Deno.listen` and
 * `Deno.connect`, pipes via `Deno.Command`, PTYs via FFI (`deno_pty.ts`),
 * byte-path file calls via FFI (`deno_byte_fs.ts`, x86_64 Linux only),
 * signals via `Deno.addSignalListener`. Load it only on Deno (see `mod.ts`).
 *
 * @module
 */
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
import { spawnPtyDeno } from "./deno_pty.ts";
import { listenDeno } from "./deno_tcp.ts";
import { connectDeno } from "./deno_connect.ts";
import { connectUnixDeno, listenUnixDeno } from "./deno_unix.ts";
import { spawnDeno } from "./deno_process.ts";
import { currentUserFromOs } from "./node_common.ts";
import { createDenoByteFs } from "./deno_byte_fs.ts";

/**
 * Create the Deno runtime. The crypto provider is built on first use.
 *
 * @example
 * ```ts
 * const rt = createDenoRuntime();
 * const listener = await rt.listen({ hostname: "127.0.0.1", port: 2222 });
 * ```
 */
export function createDenoRuntime(): Runtime {
  let crypto: CryptoProvider | undefined;
  return {
    name: "deno",
    get crypto(): CryptoProvider {
      crypto ??= createCryptoProvider();
      return crypto;
    },
    byteFs: Deno.build.os === "linux" && Deno.build.arch === "x86_64" ? createDenoByteFs() : undefined,
    listen: (addr: NetAddr): Promise<Listener> => Promise.resolve().then(() => listenDeno(addr)),
    connect: (addr: NetAddr, opts?: { timeoutMs?: number }): Promise<Conn> => connectDeno(addr, opts),
    connectUnix: (path: string): Promise<ByteStream> => connectUnixDeno(path),
    listenUnix: (path: string): Promise<UnixListener> => Promise.resolve().then(() => listenUnixDeno(path)),
    spawn: (opts: SpawnOptions): ChildProcess => spawnDeno(opts),
    spawnPty: (opts: PtySpawnOptions): ChildProcess => spawnPtyDeno(opts),
    currentUser: (): UserInfo => currentUserFromOs(),
    onSignal(signal: "SIGINT" | "SIGTERM" | "SIGHUP", handler: () => void): void {
      Deno.addSignalListener(signal, handler);
    },
    args: (): string[] => [...Deno.args],
    selfCommand(args: readonly string[]) {
      // A `deno compile` binary is the program itself; otherwise `deno run` the same entry module.
      const main = Deno.mainModule;
      if (!main.startsWith("file:")) return { file: Deno.execPath(), args: [...args] };
      return { file: Deno.execPath(), args: ["run", "-A", "--quiet", new URL(main).pathname, ...args] };
    },
    env(name: string): string | undefined {
      try {
        return Deno.env.get(name);
      } catch {
        return undefined; // no --allow-env for this name
      }
    },
    exit: (code: number): never => Deno.exit(code),
  };
}
