/**
 * The two ways a key exchange ends badly: a client value that fails its checks
 * (KEY_EXCHANGE_FAILED, RFC 4253 §11.1 reason 3) and a message that does not
 * parse (PROTOCOL_ERROR, reason 2).
 *
 * @module
 */
import { DISCONNECT } from "../../messages.ts";
import { DisconnectError, protocolError } from "../../errors.ts";
import { WireError } from "../../wire.ts";

/**
 * A disconnect for a client key-exchange value that fails its checks.
 *
 * @example
 * ```ts
 * throw kexFailed("bad ecdh-sha2-nistp256 public key length 12");
 * ```
 */
export function kexFailed(message: string): DisconnectError {
  return new DisconnectError(DISCONNECT.KEY_EXCHANGE_FAILED, message);
}

/**
 * Run `parse` over a key-exchange message, turning a truncated or malformed
 * field (`WireError`) into a protocol-error disconnect that names the message.
 *
 * @example
 * ```ts
 * const e = parseKexMessage("KEXDH_INIT", () => {
 *   const v = reader.mpintBytes();
 *   reader.end();
 *   return v;
 * });
 * ```
 */
export function parseKexMessage<T>(what: string, parse: () => T): T {
  try {
    return parse();
  } catch (e) {
    if (e instanceof WireError) throw protocolError(`malformed ${what}: ${e.message}`);
    throw e;
  }
}
