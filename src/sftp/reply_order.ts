/**
 * In-order replies per open handle. The server runs requests concurrently
 * and answers most of them as they finish, but replies to requests that name
 * the same handle (READ, WRITE, FSTAT, FSETSTAT, READDIR, CLOSE) leave in the
 * order the requests arrived.
 *
 * Why: OpenSSH's `scp` and `sftp` before 9.4 track the highest *contiguous*
 * acknowledged offset of a transfer and stop tracking once a reply arrives
 * out of order; `scp` (which transfers in place) then truncates the file to
 * that offset even after a fully successful transfer. With a runtime whose
 * positional file writes complete out of order (Bun's `node:fs`), a 100 MiB
 * `scp` upload ended up about 10 MiB long. OpenSSH's own sftp-server answers
 * strictly in order, so those clients never met the case (fixed upstream in
 * OpenSSH 9.4, "adjust ftruncate() logic to handle servers that reorder
 * requests").
 *
 * @example
 * ```ts
 * const order = new HandleReplyOrder();
 * const turn = order.claim(packet); // undefined when the packet names no handle
 * const reply = await handle(packet);
 * await turn?.ready;
 * const sent = send(reply);
 * turn?.done();
 * await sent;
 * ```
 * @module
 */
import { FXP } from "./codec.ts";

/** One request's place in its handle's reply queue. */
export interface ReplyTurn {
  /** Settles when every earlier request on the same handle has queued its reply. */
  readonly ready: Promise<void>;
  /** Call once this request's reply is queued (or dropped): lets the next one go. */
  done(): void;
}

/** Request types whose first field after the id is a handle. */
const HANDLE_FIRST = new Set<number>([FXP.CLOSE, FXP.READ, FXP.WRITE, FXP.FSTAT, FXP.FSETSTAT, FXP.READDIR]);

/**
 * The handle a request packet (type byte, uint32 id, then fields) names, as a
 * map key, or undefined when its type names none or the packet is too short.
 */
function handleKey(pkt: Uint8Array): string | undefined {
  if (!HANDLE_FIRST.has(pkt[0]) || pkt.length < 9) return undefined;
  const len = ((pkt[5] << 24) | (pkt[6] << 16) | (pkt[7] << 8) | pkt[8]) >>> 0;
  if (len > 256 || 9 + len > pkt.length) return undefined;
  let key = "";
  for (let i = 9; i < 9 + len; i++) key += String.fromCharCode(pkt[i]);
  return key;
}

const SETTLED = Promise.resolve();

/**
 * Per-handle reply queues for one SFTP session.
 *
 * @example
 * ```ts
 * const order = new HandleReplyOrder();
 * const a = order.claim(write1)!, b = order.claim(write2)!; // same handle
 * // b.ready settles only after a.done()
 * ```
 */
export class HandleReplyOrder {
  private readonly tails = new Map<string, Promise<void>>();

  /** Number of handles with replies still queued (for tests). */
  get pending(): number {
    return this.tails.size;
  }

  /** Take the next reply slot of the handle `pkt` names; undefined if it names none. */
  claim(pkt: Uint8Array): ReplyTurn | undefined {
    const key = handleKey(pkt);
    if (key === undefined) return undefined;
    const ready = this.tails.get(key) ?? SETTLED;
    let release!: () => void;
    const mine = new Promise<void>((r) => (release = r));
    this.tails.set(key, mine);
    return {
      ready,
      done: () => {
        release();
        if (this.tails.get(key) === mine) this.tails.delete(key);
      },
    };
  }
}
