/**
 * The bridge from Bun's push-style `open` callback to the pull-style
 * `accept()` of {@link Listener} and {@link UnixListener}.
 *
 * @module
 */

/**
 * Connections opened by a Bun listener, waiting to be accepted.
 *
 * @example
 * ```ts
 * const queue = new AcceptQueue<BunConn>();
 * const handler = bunStreamHandler((socket) => new BunConn(socket), (conn) => queue.enqueue(conn));
 * for await (const conn of queue.accept()) handle(conn);
 * ```
 */
export class AcceptQueue<T extends { close(): void }> {
  #pending: T[] = [];
  #waiter: PromiseWithResolvers<T | null> | undefined;
  #closed = false;

  /** Hand a new connection to `accept()`; after {@link close} it is closed instead. */
  enqueue(conn: T): void {
    if (this.#closed) {
      conn.close();
    } else if (this.#waiter) {
      this.#waiter.resolve(conn);
      this.#waiter = undefined;
    } else {
      this.#pending.push(conn);
    }
  }

  /** The queued and future connections until {@link close}. */
  async *accept(): AsyncIterable<T> {
    while (true) {
      const conn = this.#pending.shift() ?? (this.#closed ? null : await this.#next());
      if (!conn) return;
      yield conn;
    }
  }

  #next(): Promise<T | null> {
    this.#waiter = Promise.withResolvers<T | null>();
    return this.#waiter.promise;
  }

  /** End `accept()` and close the connections nobody accepted. Safe to call twice. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const conn of this.#pending.splice(0)) conn.close();
    this.#waiter?.resolve(null);
    this.#waiter = undefined;
  }
}
