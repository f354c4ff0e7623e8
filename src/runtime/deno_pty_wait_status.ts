/**
 * Decoding of the `int` status `waitpid(2)` stores (Linux encoding) into an
 * {@link ExitInfo}.
 *
 * @example
 * ```ts
 * decodeWaitStatus(3 << 8); // { code: 3, signal: null, coreDumped: false }
 * ```
 * @module
 */
import type { ExitInfo } from "./types.ts";
import { signalName } from "./deno_pty_signals.ts";

/** The low 7 bits of a status that means "stopped", not "terminated". */
const STOPPED = 0x7f;
/** Bit set when a signal death dumped core. */
const CORE_FLAG = 0x80;

/**
 * Turns a wait status into how the process ended, or `null` if the status
 * reports a stop or continue (only seen with `WUNTRACED`/`WCONTINUED`).
 *
 * @example
 * ```ts
 * decodeWaitStatus(9); // { code: null, signal: "KILL", coreDumped: false }
 * decodeWaitStatus(0x8b); // { code: null, signal: "SEGV", coreDumped: true }
 * ```
 */
export function decodeWaitStatus(status: number): ExitInfo | null {
  const low = status & 0x7f;
  if (low === 0) return { code: (status >> 8) & 0xff, signal: null, coreDumped: false };
  if (low === STOPPED || status === 0xffff) return null;
  return { code: null, signal: signalName(low), coreDumped: (status & CORE_FLAG) !== 0 };
}
