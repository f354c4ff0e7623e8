/**
 * The key exchange method contract for one-round exchanges (ECDH, hybrid
 * post-quantum, fixed-group DH): the client sends its public value in
 * message 30, the server answers with message 31 (`K_S`, its value, the
 * signature of the exchange hash).
 *
 * @module
 */
import type { CryptoProvider, HashName } from "../provider.ts";
import type { SshReader } from "../../wire.ts";

/** The server's half of one exchange. All values are already wire-encoded. */
export interface KexServerResult {
  /** The client's value as it enters the exchange hash (e.g. `string Q_C`). */
  clientValue: Uint8Array;
  /** The server's value as it enters the hash and the reply (e.g. `string Q_S`). */
  serverValue: Uint8Array;
  /** The shared secret `K` as it enters the hash and key derivation (e.g. `mpint K`). */
  sharedSecret: Uint8Array;
}

/** One KEX algorithm. */
export interface KexMethod {
  readonly name: string;
  readonly hash: HashName;
  /**
   * Read the client's init message body (after the message byte) and compute
   * the server's value and shared secret. Throws a `DisconnectError` on an
   * invalid client value.
   */
  respond(crypto: CryptoProvider, init: SshReader): KexServerResult;
}
