/**
 * Server configuration with its documented defaults (russh-style: every
 * default is written next to its field).
 *
 * @module
 */
import type { CryptoProvider } from "./crypto/provider.ts";
import type { HostKey } from "./keys/host_key.ts";
import type { ServerOps } from "./ops.ts";
import { DEFAULT_KEX } from "./crypto/kex/registry.ts";
import { BUILTIN_MODULI } from "./crypto/kex/moduli.ts";
import { DEFAULT_COMPRESSION } from "./transport/compression.ts";
import type { DhGroup } from "./crypto/kex/dh_groups.ts";
import { DEFAULT_CIPHERS } from "./crypto/ciphers.ts";
import { DEFAULT_MACS } from "./crypto/macs.ts";

/** Where the engine writes its log lines. */
export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  debug(message: string): void;
  /**
   * Optional: a logger for one connection (`peer` is `ADDR port P`), so log
   * lines can carry a per-connection id the way sshd's carry its child's pid.
   */
  forConnection?(peer: string): Logger;
}

/** A logger that drops everything. */
export const silentLogger: Logger = { info() {}, warn() {}, debug() {} };

/** Engine limits. */
export interface Limits {
  /** Time from connect to successful auth. Default 120 000 ms (OpenSSH LoginGraceTime). */
  loginGraceMs: number;
  /** Failed auth attempts before disconnect. Default 6 (OpenSSH MaxAuthTries). */
  maxAuthTries: number;
  /** Minimum time before answering a failed auth attempt. Default 100 ms. */
  authRejectionDelayMs: number;
  /** Unauthenticated connections at once, in all. Default 100. */
  maxUnauthenticated: number;
  /** Unauthenticated connections at once from one address. Default 10. */
  maxUnauthenticatedPerSource: number;
  /** Open channels per connection. Default 64. */
  maxChannels: number;
  /** Session channels per connection. Default 10 (OpenSSH MaxSessions). */
  maxSessions: number;
  /** Our receive window per channel when it opens (OpenSSH's session window). Default 2 MiB. */
  channelWindow: number;
  /**
   * The most a channel's receive window grows to, by trial, where a larger one moves data faster
   * (latency; see channel_window.ts). Unread data per channel never exceeds it, so a connection
   * buffers at most `maxChannels` × `channelWindow` + `connectionWindowGrowth`. `channelWindow` or less =
   * fixed windows. Default 16 MiB.
   */
  channelMaxWindow: number;
  /** How much all the windows of one connection may grow in all, beyond their initial size. Default 64 MiB. */
  connectionWindowGrowth: number;
  /** Largest CHANNEL_DATA payload we accept. Default 32 KiB (OpenSSH's clients send no more even when allowed). */
  channelMaxPacket: number;
  /** Idle time (no packet from the client) before disconnect; 0 = never. Default 0. */
  idleTimeoutMs: number;
  /** Start a key exchange after this many bytes in either direction. Default 1 GiB (OpenSSH RekeyLimit default for AES/ChaCha). */
  rekeyBytes: number;
  /** Start a key exchange after this much time; 0 = never. Default 1 hour. */
  rekeyIntervalMs: number;
  /** Send `keepalive@openssh.com` after this much silence from the client; 0 = off. Default 0 (OpenSSH ClientAliveInterval). */
  clientAliveIntervalMs: number;
  /** Unanswered keepalives before disconnect. Default 3 (OpenSSH ClientAliveCountMax). */
  clientAliveCountMax: number;
}

/** Default limits. */
export const DEFAULT_LIMITS: Readonly<Limits> = Object.freeze({
  loginGraceMs: 120_000,
  maxAuthTries: 6,
  authRejectionDelayMs: 100,
  maxUnauthenticated: 100,
  maxUnauthenticatedPerSource: 10,
  maxChannels: 64,
  maxSessions: 10,
  channelWindow: 2 * 1024 * 1024,
  channelMaxWindow: 16 * 1024 * 1024,
  connectionWindowGrowth: 64 * 1024 * 1024,
  channelMaxPacket: 32 * 1024,
  idleTimeoutMs: 0,
  rekeyBytes: 1024 * 1024 * 1024,
  rekeyIntervalMs: 3_600_000,
  clientAliveIntervalMs: 0,
  clientAliveCountMax: 3,
});

/** Signature algorithms the engine verifies for publickey auth (`server-sig-algs`). */
export const DEFAULT_USER_SIG_ALGS: readonly string[] = [
  "ssh-ed25519",
  "ecdsa-sha2-nistp256",
  "ecdsa-sha2-nistp384",
  "ecdsa-sha2-nistp521",
  "sk-ssh-ed25519@openssh.com",
  "sk-ecdsa-sha2-nistp256@openssh.com",
  "rsa-sha2-512",
  "rsa-sha2-256",
];

/** Host key signature algorithms offered by default (ssh-rsa, SHA-1, only when configured). */
export const DEFAULT_HOST_KEY_ALGS: readonly string[] = [
  "ssh-ed25519",
  "ecdsa-sha2-nistp256",
  "ecdsa-sha2-nistp384",
  "ecdsa-sha2-nistp521",
  "rsa-sha2-512",
  "rsa-sha2-256",
];

/** Everything a {@link Server} needs. */
export interface ServerConfig {
  hostKeys: readonly HostKey[];
  ops: ServerOps;
  crypto: CryptoProvider;
  logger?: Logger;
  /** Identification string. Default `SSH-2.0-tsshd_<version>`. */
  serverVersion?: string;
  limits?: Partial<Limits>;
  /** KEX preference. Default {@link DEFAULT_KEX}. */
  kex?: readonly string[];
  /** Cipher preference. Default {@link DEFAULT_CIPHERS}. */
  ciphers?: readonly string[];
  /** MAC preference (used only with non-AEAD ciphers). Default {@link DEFAULT_MACS} (SHA-1 MACs are opt-in). */
  macs?: readonly string[];
  /** Compression offered. Default `none`, `zlib@openssh.com` (delayed until after authentication). */
  compression?: readonly string[];
  /** Groups for `diffie-hellman-group-exchange-sha256` (OpenSSH's moduli file); default the RFC 3526 groups. */
  dhGexModuli?: readonly DhGroup[];
  /**
   * Host key algorithms to offer, in order; only those some host key can sign with are offered.
   * Default: every algorithm of the loaded keys, in key order.
   */
  hostKeyAlgorithms?: readonly string[];
  /** Accepted user signature algorithms. Default {@link DEFAULT_USER_SIG_ALGS}. */
  userSigAlgs?: readonly string[];
  /** Text sent to clients before authentication (USERAUTH_BANNER, sshd's `Banner`). Default none. */
  banner?: string;
}

/** The version this build reports. */
export const TSSHD_VERSION = "0.1.0";

/** Fill in defaults. */
export function resolveConfig(
  c: ServerConfig,
): Required<Omit<ServerConfig, "limits" | "hostKeyAlgorithms" | "banner">> & {
  limits: Limits;
  hostKeyAlgorithms?: readonly string[];
  banner?: string;
} {
  return {
    hostKeys: c.hostKeys,
    ops: c.ops,
    crypto: c.crypto,
    logger: c.logger ?? silentLogger,
    serverVersion: c.serverVersion ?? `SSH-2.0-tsshd_${TSSHD_VERSION}`,
    limits: { ...DEFAULT_LIMITS, ...c.limits },
    kex: c.kex ?? DEFAULT_KEX,
    ciphers: c.ciphers ?? DEFAULT_CIPHERS,
    macs: c.macs ?? DEFAULT_MACS,
    userSigAlgs: c.userSigAlgs ?? DEFAULT_USER_SIG_ALGS,
    dhGexModuli: c.dhGexModuli ?? BUILTIN_MODULI,
    compression: c.compression ?? DEFAULT_COMPRESSION,
    hostKeyAlgorithms: c.hostKeyAlgorithms,
    banner: c.banner,
  };
}
