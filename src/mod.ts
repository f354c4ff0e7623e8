/**
 * tsshd's public library entry: the SSH server engine and its ops contract.
 *
 * @example
 * ```ts
 * import { accept, reject, Server } from "./src/mod.ts";
 * const server = new Server({ hostKeys, ops: { authenticate: () => reject() }, crypto });
 * ```
 * @module
 */
export { Server } from "./ssh/server.ts";
export {
  accept,
  type AuthRequest,
  type AuthResult,
  type ConnectionInfo,
  type ExitStatus,
  isAccept,
  type PeerInfo,
  type Permissions,
  type PtyRequest,
  type PublicKeyInfo,
  reject,
  type ServerOps,
  type SessionChannel,
  type SessionHandler,
  type WindowSize,
} from "./ssh/ops.ts";
export {
  DEFAULT_LIMITS,
  type Limits,
  type Logger,
  type ServerConfig,
  silentLogger,
  TSSHD_VERSION,
} from "./ssh/config.ts";
export type { CryptoProvider } from "./ssh/crypto/provider.ts";
export { createHostKey, type HostKey } from "./ssh/keys/host_key.ts";
export { encodeOpenSshPrivateKey, parseOpenSshPrivateKey } from "./ssh/keys/openssh_key.ts";
export { generateEd25519 } from "./ssh/keys/keygen.ts";
export { fingerprintSha256 } from "./ssh/keys/fingerprint.ts";
export type { ByteStream } from "./runtime/types.ts";
