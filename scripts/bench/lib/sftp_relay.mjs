/**
 * A TCP relay on loopback that delays every chunk by a fixed time in each direction: an emulated
 * round-trip time in front of a server, so the benchmark can show what a link with latency does
 * to transfers (channel windows) without touching the machine's network settings (no `tc netem`).
 * It buffers without bound, so only the SSH flow control (the channel windows) limits what is in flight.
 *
 * @module
 */
import { connect, createServer } from "node:net";

/**
 * @typedef {object} Relay
 * @property {number} port the loopback port the relay listens on
 * @property {() => void} close stop listening and drop every relayed connection
 */

/**
 * Listen on a free loopback port and relay each connection to `127.0.0.1:targetPort`, every chunk
 * delivered `oneWayMs` after it arrived (in order), both ways.
 *
 * @example
 * ```js
 * const relay = await startRelay(2222, 10); // 20 ms round trip in front of port 2222
 * // ssh -p relay.port 127.0.0.1 …
 * relay.close();
 * ```
 * @param {number} targetPort
 * @param {number} oneWayMs
 * @returns {Promise<Relay>}
 */
export function startRelay(targetPort, oneWayMs) {
  /** @type {Set<import("node:net").Socket>} */
  const sockets = new Set();
  /**
   * @param {import("node:net").Socket} from
   * @param {import("node:net").Socket} to
   */
  const pipe = (from, to) => {
    from.on("data", (chunk) => setTimeout(() => to.writable && to.write(chunk), oneWayMs));
    from.on("end", () => setTimeout(() => to.end(), oneWayMs));
    from.on("error", () => to.destroy());
    from.on("close", () => sockets.delete(from));
  };
  const server = createServer((client) => {
    const upstream = connect(targetPort, "127.0.0.1");
    for (const s of [client, upstream]) {
      s.setNoDelay(true);
      sockets.add(s);
    }
    pipe(client, upstream);
    pipe(upstream, client);
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const addr = server.address();
      resolve({
        port: typeof addr === "object" && addr !== null ? addr.port : 0,
        close: () => {
          server.close();
          for (const s of sockets) s.destroy();
        },
      });
    });
  });
}
