/**
 * The {@link Runtime} for Deno: TCP via `Deno.listen`, pipes via
 * `Deno.Command`, PTYs via FFI (`deno_pty.ts`), signals via
 * `Deno.addSignalListener`. Load it only on Deno (see `mod.ts`).
 *
 * @module
 */
import type { CryptoProvider } from "../ssh/crypto/provider.ts";
import type { ChildProcess, Listener, NetAddr, PtySpawnOptions, Runtime, SpawnOptions, UserInfo } from "./types.ts";
import { createCryptoProvider } from "./crypto.ts";
import { spawnPtyDeno } from "./deno_pty.ts";
import { listenDeno } from "./deno_tcp.ts";
import { spawnDeno } from "./deno_process.ts";
import { currentUserFromOs } from "./node_common.ts";

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
    listen: (addr: NetAddr): Promise<Listener> => Promise.resolve().then(() => listenDeno(addr)),
    spawn: (opts: SpawnOptions): ChildProcess => spawnDeno(opts),
    spawnPty: (opts: PtySpawnOptions): ChildProcess => spawnPtyDeno(opts),
    currentUser: (): UserInfo => currentUserFromOs(),
    onSignal(signal: "SIGINT" | "SIGTERM" | "SIGHUP", handler: () => void): void {
      Deno.addSignalListener(signal, handler);
    },
    args: (): string[] => [...Deno.args],
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
