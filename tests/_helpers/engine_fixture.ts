/**
 * An engine {@link Server} on an in-memory pair with the npm `ssh2` Client on
 * the other end: the independent client implementation of the integration tests.
 *
 * @module
 */
import { Client, type ConnectConfig } from "ssh2";
import { createCryptoProvider } from "../../src/runtime/crypto.ts";
import { Server } from "../../src/ssh/server.ts";
import type { ServerConfig } from "../../src/ssh/config.ts";
import type { ServerOps } from "../../src/ssh/ops.ts";
import { generateEd25519 } from "../../src/ssh/keys/keygen.ts";
import { createHostKey } from "../../src/ssh/keys/host_key.ts";
import { encodeOpenSshPrivateKey } from "../../src/ssh/keys/openssh_key.ts";
import type { Ed25519PrivateKey } from "../../src/ssh/keys/private_key.ts";
import { memoryPair } from "./memory_pair.ts";
import type { ByteStream } from "../../src/runtime/types.ts";
import { toNodeDuplex } from "./node_duplex.ts";

export const crypto = createCryptoProvider();
export const hostKey = generateEd25519(crypto, "host");
export const clientKey: Ed25519PrivateKey = generateEd25519(crypto, "client");
export const clientKeyText = encodeOpenSshPrivateKey(clientKey);

/** Log lines captured from the server. */
export interface Captured {
  lines: string[];
}

/** A server on a memory pair plus a connected ssh2 client. */
export interface Fixture {
  client: Client;
  server: Server;
  done: Promise<void>;
  log: Captured;
  close(): Promise<void>;
}

/** Start a server with `ops` and connect an ssh2 client with `cfg` (defaults: user "u", the client key). */
export async function connect(
  ops: ServerOps,
  cfg: Partial<ConnectConfig> = {},
  extra: Partial<ServerConfig> = {},
  wrapServerSide: (s: ByteStream) => ByteStream = (s) => s,
  /** Called with the client before it connects (to add event listeners). */
  onClient?: (client: Client) => void,
): Promise<Fixture> {
  const log: Captured = { lines: [] };
  const logger = {
    info: (m: string) => log.lines.push(`INFO ${m}`),
    warn: (m: string) => log.lines.push(`WARN ${m}`),
    debug: (m: string) => log.lines.push(`DEBUG ${m}`),
  };
  const server = new Server({ hostKeys: [createHostKey(crypto, hostKey)], ops, crypto, logger, ...extra });
  const [a, b] = memoryPair();
  const done = server.handle(wrapServerSide(a), {
    address: "127.0.0.1",
    port: 50000,
    localAddress: "127.0.0.1",
    localPort: 2200,
  });
  const client = new Client();
  onClient?.(client);
  await new Promise<void>((resolve, reject) => {
    client.once("ready", () => resolve());
    client.once("error", reject);
    client.connect({ sock: toNodeDuplex(b), username: "u", privateKey: clientKeyText, readyTimeout: 10000, ...cfg });
  });
  return {
    client,
    server,
    done,
    log,
    async close() {
      client.end();
      await done;
    },
  };
}
