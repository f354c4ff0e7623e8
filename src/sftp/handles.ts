/**
 * The per-session handle table: opaque random handle strings mapped to open
 * files and directories, bounded in count. Handles from another session are
 * simply unknown here (each session owns its table and the strings are random).
 *
 * @example
 * ```ts
 * const table = new HandleTable(256);
 * const h = table.add({ kind: "file", file, path });
 * table.get(h); // the entry, or undefined
 * ```
 * @module
 */
import type { SftpDirHandle, SftpFileHandle } from "./backend.ts";

/** What a handle refers to. */
export type HandleEntry =
  | { kind: "file"; file: SftpFileHandle; path: Uint8Array; readable: boolean; writable: boolean }
  | { kind: "dir"; dir: SftpDirHandle; path: Uint8Array };

/** Bytes of randomness in a handle string. */
export const HANDLE_LENGTH = 16;

/** Map key for a handle string (latin1, lossless). */
function key(handle: Uint8Array): string {
  let s = "";
  for (let i = 0; i < handle.length; i++) s += String.fromCharCode(handle[i]);
  return s;
}

/** A bounded table of open handles for one SFTP session. */
export class HandleTable {
  private entries = new Map<string, HandleEntry>();

  /** @param max the most handles open at once */
  constructor(readonly max: number) {}

  /** Number of open handles. */
  get size(): number {
    return this.entries.size;
  }

  /** Whether another handle can be opened. */
  get full(): boolean {
    return this.entries.size >= this.max;
  }

  /** Register `entry` and return its new random handle string. Throws RangeError when full. */
  add(entry: HandleEntry): Uint8Array {
    if (this.full) throw new RangeError("too many open handles");
    for (;;) {
      const h = crypto.getRandomValues(new Uint8Array(HANDLE_LENGTH));
      const k = key(h);
      if (!this.entries.has(k)) {
        this.entries.set(k, entry);
        return h;
      }
    }
  }

  /** The entry for `handle`, if it is open in this session. */
  get(handle: Uint8Array): HandleEntry | undefined {
    return handle.length === HANDLE_LENGTH ? this.entries.get(key(handle)) : undefined;
  }

  /** Forget `handle`; returns its entry. */
  remove(handle: Uint8Array): HandleEntry | undefined {
    if (handle.length !== HANDLE_LENGTH) return undefined;
    const k = key(handle);
    const e = this.entries.get(k);
    this.entries.delete(k);
    return e;
  }

  /** Remove and return every entry (session end). */
  drain(): HandleEntry[] {
    const all = [...this.entries.values()];
    this.entries.clear();
    return all;
  }
}
