/**
 * One legacy-scp conversation over a session channel: buffered reads of
 * lines, acknowledgements and data chunks from the client, and the replies
 * (`\0`, `\1…`, `\2…`) written with the channel's flow control.
 *
 * @module
 */
import type { SessionChannel } from "../ssh/ops.ts";
import { ACK_OK, formatError, MAX_LINE, ScpProtocolError } from "./scp_protocol.ts";

/** The client sent `\2` (fatal): stop at once with exit status 1, replying nothing. */
export class ScpAbort extends Error {
  override name = "ScpAbort";
}

/**
 * The state of a conversation shared by the sink and the source.
 *
 * @example
 * ```ts
 * const s = new ScpSession(channel);
 * await s.ok();                       // "\0"
 * if (!(await s.response())) return;  // the client refused
 * ```
 */
export class ScpSession {
  /** Errors reported so far; the exit status is 1 when any. */
  errors = 0;
  #buf: Uint8Array = new Uint8Array(0);
  #eof = false;

  constructor(readonly channel: SessionChannel) {}

  async #fill(): Promise<boolean> {
    while (this.#buf.length === 0) {
      if (this.#eof) return false;
      const c = await this.channel.read();
      if (c === null) {
        this.#eof = true;
        return false;
      }
      this.#buf = c;
    }
    return true;
  }

  /** Next byte from the client, or `null` at end of input. */
  async byte(): Promise<number | null> {
    if (!(await this.#fill())) return null;
    const b = this.#buf[0];
    this.#buf = this.#buf.subarray(1);
    return b;
  }

  /**
   * The rest of a line (without the newline), at most {@link MAX_LINE} bytes.
   * Throws {@link ScpProtocolError} on end of input or an over-long line.
   */
  async line(): Promise<Uint8Array> {
    const parts: Uint8Array[] = [];
    let total = 0;
    for (;;) {
      if (!(await this.#fill())) throw new ScpProtocolError("lost connection");
      const nl = this.#buf.indexOf(0x0a);
      const take = nl < 0 ? this.#buf.length : nl;
      total += take;
      if (total >= MAX_LINE) throw new ScpProtocolError("protocol error: line too long");
      parts.push(this.#buf.subarray(0, take));
      this.#buf = this.#buf.subarray(nl < 0 ? take : take + 1);
      if (nl >= 0) break;
    }
    if (parts.length === 1) return parts[0];
    const out = new Uint8Array(total);
    let off = 0;
    for (const p of parts) {
      out.set(p, off);
      off += p.length;
    }
    return out;
  }

  /** Up to `max` bytes of data as they arrive (no copy); `null` at end of input. */
  async chunk(max: number): Promise<Uint8Array | null> {
    if (!(await this.#fill())) return null;
    const n = Math.min(max, this.#buf.length);
    const c = this.#buf.subarray(0, n);
    this.#buf = this.#buf.subarray(n);
    return c;
  }

  /** Send raw bytes (resolves when the client's window took them). */
  send(data: Uint8Array): Promise<void> {
    return this.channel.write(data);
  }

  /** Send the `\0` acknowledgement. */
  ok(): Promise<void> {
    return this.channel.write(ACK_OK);
  }

  /** Report a non-fatal error (`\1scp: message\n`) and count it. */
  warn(message: string): Promise<void> {
    this.errors++;
    return this.channel.write(formatError(message));
  }

  /**
   * Read the client's acknowledgement: `true` for `\0`, `false` for `\1…`
   * (counted as an error). Throws {@link ScpAbort} for `\2…` and
   * {@link ScpProtocolError} on end of input or any other byte.
   */
  async response(): Promise<boolean> {
    const b = await this.byte();
    if (b === 0) return true;
    if (b === null) throw new ScpProtocolError("lost connection");
    if (b !== 1 && b !== 2) throw new ScpProtocolError("protocol error: bad acknowledgement");
    await this.line();
    this.errors++;
    if (b === 2) throw new ScpAbort("fatal error from the client");
    return false;
  }
}
