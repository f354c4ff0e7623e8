/**
 * The key exchange method contract. A method runs the server's side of the
 * exchange over a small I/O interface: it reads the client's KEX messages
 * (numbers 30–49), sends its replies, and returns the shared secret and the
 * exchange hash. The transport then signs nothing itself: methods call
 * `io.sign(H)` so each can place the signature where its reply needs it.
 *
 * One-round exchanges (ECDH, hybrid post-quantum, fixed-group DH) use
 * {@link oneRoundKex}; multi-message ones (DH group exchange) drive `io` themselves.
 *
 * @module
 */
import type { CryptoProvider, HashName } from "../provider.ts";
import { SshReader, SshWriter } from "../../wire.ts";
import { MSG } from "../../messages.ts";
import { protocolError } from "../../errors.ts";

/** What a method needs from the transport during one exchange. */
export interface KexIo {
  crypto: CryptoProvider;
  /** The next KEX message from the client (payload incl. message byte). */
  read(): Promise<Uint8Array>;
  /** Send a KEX message. */
  send(payload: Uint8Array): void;
  /** Our host key blob (K_S). */
  hostKeyBlob: Uint8Array;
  /** Sign the exchange hash with the negotiated host key algorithm; returns the signature blob. */
  sign(h: Uint8Array): Uint8Array;
  /** `string V_C ‖ string V_S ‖ string I_C ‖ string I_S ‖ string K_S`: the hash prefix shared by every method. */
  hashPrefix: Uint8Array;
}

/** The outcome of one exchange. */
export interface KexResult {
  /** `K` already wire-encoded as it enters key derivation (mpint or string). */
  sharedSecret: Uint8Array;
  /** The exchange hash H. */
  exchangeHash: Uint8Array;
}

/** One KEX algorithm. */
export interface KexMethod {
  readonly name: string;
  readonly hash: HashName;
  /** Run the server side. Throws a `DisconnectError` on a bad client value. */
  serve(io: KexIo): Promise<KexResult>;
}

/** The server's half of a one-round exchange, all values wire-encoded. */
export interface OneRoundValues {
  /** The client's value as it enters the exchange hash (e.g. `string Q_C`, `mpint e`). */
  clientValue: Uint8Array;
  /** The server's value as it enters the hash and the reply (e.g. `string Q_S`, `mpint f`). */
  serverValue: Uint8Array;
  /** `K` as it enters the hash and key derivation. */
  sharedSecret: Uint8Array;
}

/**
 * Build a one-round method: the client sends message 30 with its value; we
 * answer message 31 with `string K_S ‖ serverValue ‖ string signature` where
 * H = HASH(prefix ‖ clientValue ‖ serverValue ‖ K).
 *
 * @example
 * ```ts
 * const kex = oneRoundKex("curve25519-sha256", "sha256", (crypto, init) => computeValues(crypto, init));
 * ```
 */
export function oneRoundKex(
  name: string,
  hash: HashName,
  respond: (crypto: CryptoProvider, init: SshReader) => OneRoundValues,
): KexMethod {
  return {
    name,
    hash,
    async serve(io: KexIo): Promise<KexResult> {
      const init = await io.read();
      if (init[0] !== MSG.KEX_ECDH_INIT) throw protocolError(`expected KEX init (30), got ${init[0]}`);
      const v = respond(io.crypto, new SshReader(init, 1));
      const h = io.crypto.hash(
        hash,
        new SshWriter(4096).raw(io.hashPrefix).raw(v.clientValue).raw(v.serverValue).raw(v.sharedSecret).view_(),
      );
      io.send(
        new SshWriter(2048).byte(MSG.KEX_ECDH_REPLY).string(io.hostKeyBlob).raw(v.serverValue).string(io.sign(h))
          .bytes(),
      );
      return { sharedSecret: v.sharedSecret, exchangeHash: h };
    },
  };
}
