/**
 * Start a server process, wait until it says it listens, and keep the tail of its output
 * (the output is always drained, so a chatty server never blocks on a full pipe).
 *
 * @module
 */
import { spawn } from "node:child_process";
import { createServer } from "node:net";
import { trackChild } from "./cleanup.mjs";

/** A server that did not become ready. */
export class ServerStartError extends Error {
  /** @param {string} message */
  constructor(message) {
    super(message);
    this.name = "ServerStartError";
  }
}

/**
 * @typedef {object} RunningServer
 * @property {string} name column label, e.g. `"OpenSSH"` or `"tsshd-deno"`
 * @property {string} host the ssh config `Host` alias
 * @property {number} port the loopback port it listens on
 * @property {import("node:child_process").ChildProcess} child
 * @property {() => boolean} alive whether the process is still running
 * @property {() => string} tail the last lines it printed
 */

/**
 * A TCP port on 127.0.0.1 that was free a moment ago (bind port 0, read it, close).
 *
 * @example
 * ```js
 * const port = await freePort(); // e.g. 41237
 * ```
 * @returns {Promise<number>}
 */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      const port = typeof addr === "object" && addr !== null ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Spawn `command args` in its own process group (tracked for clean-up) and resolve once a line
 * matching `listening on ADDR port N` appears on its stdout or stderr.
 *
 * @example
 * ```js
 * const s = await startServer({ name: "OpenSSH", host: "openssh", port, command: "/usr/sbin/sshd",
 *   args: ["-D", "-e", "-f", cfg] });
 * ```
 * @param {{name: string, host: string, port: number, command: string, args: string[], cwd?: string,
 *   prefix?: string[], timeoutMs?: number}} spec `prefix` is a wrapper command line put before `command`
 * @returns {Promise<RunningServer>}
 */
export function startServer(spec) {
  const { name, host, port, cwd, timeoutMs = 60_000 } = spec;
  const [command, ...args] = [...(spec.prefix ?? []), spec.command, ...spec.args];
  const env = { ...process.env };
  delete env.SSH_AUTH_SOCK;
  const child = trackChild(spawn(command, args, { cwd, env, detached: true, stdio: ["ignore", "pipe", "pipe"] }), true);
  /** @type {string[]} */
  const lines = [];
  let ready = false;
  const server = {
    name,
    host,
    port,
    child,
    alive: () => child.exitCode === null && child.signalCode === null,
    tail: () => lines.slice(-15).join("\n"),
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(
        new ServerStartError(
          `${name} did not report 'listening on … port ${port}' within ${timeoutMs} ms:\n${server.tail()}`,
        ),
      );
    }, timeoutMs);
    /** @param {Buffer} chunk */
    const onData = (chunk) => {
      for (const line of chunk.toString("utf8").split("\n")) {
        if (line.trim() === "") continue;
        lines.push(line);
        if (lines.length > 200) lines.splice(0, lines.length - 100);
        const m = /listening on \S+ port (\d+)/.exec(line);
        if (!ready && m !== null && Number(m[1]) === port) {
          ready = true;
          clearTimeout(timer);
          resolve(server);
        }
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("error", (e) => {
      clearTimeout(timer);
      reject(new ServerStartError(`${name}: cannot run ${command}: ${e.message}`));
    });
    child.once("exit", (code, signal) => {
      if (ready) return;
      clearTimeout(timer);
      reject(new ServerStartError(`${name} exited (${signal ?? `code ${code}`}) before listening:\n${server.tail()}`));
    });
  });
}
