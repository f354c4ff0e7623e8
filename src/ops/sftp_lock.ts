/**
 * A readers–writer lock for the confined SFTP backend: path lookups and the
 * calls that use their result run shared; operations that can put a symlink in
 * the way of a lookup (symlink, rename, hardlink) run exclusive, so a client
 * cannot swap a checked directory for a link to "/" between check and use.
 * Waiting writers block new readers, so neither side starves.
 *
 * @module
 */

interface Waiter {
  exclusive: boolean;
  wake: () => void;
}

/**
 * A promise-based readers–writer lock.
 *
 * @example
 * ```ts
 * const lock = new RwLock();
 * const st = await lock.shared(() => lstat(p));
 * await lock.exclusive(() => symlink(target, p));
 * ```
 */
export class RwLock {
  private readers = 0;
  private writer = false;
  private queue: Waiter[] = [];

  /** Runs `fn` while holding the lock in shared mode. */
  async shared<T>(fn: () => Promise<T>): Promise<T> {
    await this.acquire(false);
    try {
      return await fn();
    } finally {
      this.readers--;
      this.drain();
    }
  }

  /** Runs `fn` while holding the lock alone. */
  async exclusive<T>(fn: () => Promise<T>): Promise<T> {
    await this.acquire(true);
    try {
      return await fn();
    } finally {
      this.writer = false;
      this.drain();
    }
  }

  private acquire(exclusive: boolean): Promise<void> {
    if (this.queue.length === 0 && !this.writer && (!exclusive || this.readers === 0)) {
      if (exclusive) this.writer = true;
      else this.readers++;
      return Promise.resolve();
    }
    return new Promise((wake) => this.queue.push({ exclusive, wake }));
  }

  private drain(): void {
    while (this.queue.length > 0 && !this.writer) {
      const head = this.queue[0];
      if (head.exclusive) {
        if (this.readers > 0) return;
        this.writer = true;
      } else {
        this.readers++;
      }
      this.queue.shift();
      head.wake();
    }
  }
}
