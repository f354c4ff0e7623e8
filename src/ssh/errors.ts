/**
 * Typed errors of the engine.
 *
 * @module
 */
import { DISCONNECT } from "./messages.ts";

/**
 * The connection must end with an SSH DISCONNECT carrying `reason`.
 * Thrown anywhere in the engine; caught by the connection driver, which sends
 * the DISCONNECT (when the transport can still send), logs and closes.
 *
 * @example
 * ```ts
 * throw new DisconnectError(DISCONNECT.PROTOCOL_ERROR, "unexpected message 94 before auth");
 * ```
 */
export class DisconnectError extends Error {
  constructor(readonly reason: number, message: string) {
    super(message);
    this.name = "DisconnectError";
  }
}

/** Shorthand for a protocol-error disconnect. */
export function protocolError(message: string): DisconnectError {
  return new DisconnectError(DISCONNECT.PROTOCOL_ERROR, message);
}

/** The peer sent SSH_MSG_DISCONNECT. */
export class PeerDisconnectedError extends Error {
  constructor(readonly reason: number, readonly description: string) {
    super(`peer disconnected (reason ${reason}): ${description}`);
    this.name = "PeerDisconnectedError";
  }
}

/** The underlying byte stream ended. */
export class ConnectionLostError extends Error {
  constructor(message = "connection closed by peer") {
    super(message);
    this.name = "ConnectionLostError";
  }
}
