/**
 * The file-transfer cases of the SFTP benchmark (`scripts/bench/sftp.mjs`): `sftp` put/get,
 * `scp` (SFTP mode, the default since OpenSSH 9.0) up/down and `scp -O` (the legacy rcp protocol)
 * up/down, each as one client command line, plus running such a command and timing it.
 *
 * @module
 */
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { performance } from "node:perf_hooks";
import { trackChild } from "./cleanup.mjs";

/**
 * @typedef {object} TransferCase
 * @property {string} name row label, e.g. `"sftp put"`
 * @property {"up" | "down"} dir whether the file goes to the server (`up`) or comes from it (`down`)
 * @property {"sftp" | "scp"} tool the client program
 * @property {string[]} flags extra client flags (`-O` for legacy scp)
 */

/** Every case, in row order. */
/** @type {readonly TransferCase[]} */
export const CASES = Object.freeze([
  { name: "sftp put", dir: "up", tool: "sftp", flags: [] },
  { name: "sftp get", dir: "down", tool: "sftp", flags: [] },
  { name: "scp up", dir: "up", tool: "scp", flags: [] },
  { name: "scp down", dir: "down", tool: "scp", flags: [] },
  { name: "scp -O up", dir: "up", tool: "scp", flags: ["-O"] },
  { name: "scp -O down", dir: "down", tool: "scp", flags: ["-O"] },
]);

/**
 * The command line (and stdin text) that copies `from` to `to` for case `c`; `from` is local for
 * uploads and remote for downloads. `cipher` `"default"` lets the client pick.
 *
 * @example
 * ```js
 * const cmd = transferCommand(CASES[0], { config: "/tmp/x/ssh_config", host: "openssh",
 *   cipher: "aes128-gcm@openssh.com", from: "/dev/shm/x/src.bin", to: "/dev/shm/x/up.bin" });
 * // { command: "sftp", args: ["-F", …, "-b", "-", "openssh"], input: "put /dev/shm/x/src.bin …\n" }
 * ```
 * @param {TransferCase} c
 * @param {{config: string, host: string, cipher: string, from: string, to: string}} o
 * @returns {{command: string, args: string[], input: string}}
 */
export function transferCommand(c, o) {
  const common = ["-F", o.config, ...(o.cipher === "default" ? [] : ["-c", o.cipher]), "-q", ...c.flags];
  if (c.tool === "sftp") {
    const verb = c.dir === "up" ? "put" : "get";
    return { command: "sftp", args: [...common, "-b", "-", o.host], input: `${verb} ${o.from} ${o.to}\n` };
  }
  const [src, dst] = c.dir === "up" ? [o.from, `${o.host}:${o.to}`] : [`${o.host}:${o.from}`, o.to];
  return { command: "scp", args: [...common, src, dst], input: "" };
}

/** A client run that failed: non-zero exit or time-out. */
export class TransferError extends Error {
  /** @param {string} message */
  constructor(message) {
    super(message);
    this.name = "TransferError";
  }
}

/**
 * Run a client command to completion; resolves with its wall-clock milliseconds, rejects with a
 * {@link TransferError} (carrying the last stderr lines) unless it exits 0 within `timeoutMs`.
 *
 * @example
 * ```js
 * const ms = await timeCommand({ command: "scp", args: ["-F", cfg, "-q", "a", "openssh:/tmp/b"], input: "" });
 * ```
 * @param {{command: string, args: string[], input: string}} cmd
 * @param {number} [timeoutMs]
 * @returns {Promise<number>}
 */
export function timeCommand(cmd, timeoutMs = 300_000) {
  const env = { ...process.env };
  delete env.SSH_AUTH_SOCK;
  const t0 = performance.now();
  const child = trackChild(spawn(cmd.command, cmd.args, { env, stdio: ["pipe", "ignore", "pipe"] }), false);
  let stderr = "";
  child.stderr.on("data", (d) => (stderr += d));
  child.stdin.on("error", () => {}); // EPIPE when the client dies early: reported through its exit
  child.stdin.end(cmd.input);
  const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
  return new Promise((resolve, reject) => {
    child.once("error", (e) => {
      clearTimeout(timer);
      reject(new TransferError(`cannot run ${cmd.command}: ${e.message}`));
    });
    child.once("close", (code, signal) => {
      clearTimeout(timer);
      const ms = performance.now() - t0;
      if (code === 0) return resolve(ms);
      const tail = stderr.trim().split("\n").slice(-3).join(" | ");
      reject(new TransferError(`${cmd.command} exited ${signal ?? code}${tail ? `: ${tail}` : ""}`));
    });
  });
}

/**
 * SHA-256 of a file, hex.
 *
 * @example
 * ```js
 * await sha256File("/etc/hostname"); // "3f…"
 * ```
 * @param {string} path
 * @returns {Promise<string>}
 */
export function sha256File(path) {
  return new Promise((resolve, reject) => {
    const h = createHash("sha256");
    createReadStream(path, { highWaterMark: 1 << 20 })
      .on("data", (d) => h.update(d))
      .once("error", reject)
      .once("end", () => resolve(h.digest("hex")));
  });
}
