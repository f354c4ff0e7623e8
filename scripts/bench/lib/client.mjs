/**
 * The one ssh client every server is measured with: a generated `-F` config (identity,
 * known_hosts, BatchMode, no agent, no multiplexing) and a helper that runs `ssh` once.
 *
 * @module
 */
import { spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { trackChild } from "./cleanup.mjs";

/** An ssh run that failed: non-zero exit, time-out or wrong output. */
export class SshRunError extends Error {
  /** @param {string} message */
  constructor(message) {
    super(message);
    this.name = "SshRunError";
  }
}

/**
 * Write `dir/ssh_config` and `dir/known_hosts` for the given servers (all use the same host key)
 * and return the config path.
 *
 * @example
 * ```js
 * const cfg = writeClientConfig({ dir, user: "root", identity: `${dir}/client_ed25519`,
 *   hostKeyPub: `${dir}/host_ed25519.pub`, servers: [{ host: "openssh", port: 2222 }] });
 * // ssh -F cfg openssh true
 * ```
 * @param {{dir: string, user: string, identity: string, hostKeyPub: string,
 *   servers: {host: string, port: number}[]}} o
 * @returns {string}
 */
export function writeClientConfig(o) {
  const [type, blob] = readFileSync(o.hostKeyPub, "utf8").trim().split(/\s+/);
  const knownHosts = join(o.dir, "known_hosts");
  writeFileSync(knownHosts, `${o.servers.map((s) => `[127.0.0.1]:${s.port}`).join(",")} ${type} ${blob}\n`);
  const blocks = o.servers.map((s) => `Host ${s.host}\n  HostName 127.0.0.1\n  Port ${s.port}\n`);
  const common = [
    "Host *",
    `  User ${o.user}`,
    `  IdentityFile ${o.identity}`,
    "  IdentitiesOnly yes",
    "  IdentityAgent none",
    `  UserKnownHostsFile ${knownHosts}`,
    "  GlobalKnownHostsFile /dev/null",
    "  StrictHostKeyChecking yes",
    "  UpdateHostKeys no",
    "  BatchMode yes",
    "  Compression no",
    "  ControlMaster no",
    "  ControlPath none",
    "  ForwardAgent no",
    "  ForwardX11 no",
    "  RequestTTY no",
    "  ConnectTimeout 20",
    "  LogLevel ERROR",
    "",
  ];
  const config = join(o.dir, "ssh_config");
  writeFileSync(config, [...blocks, ...common].join("\n"), { mode: 0o600 });
  return config;
}

/**
 * @typedef {object} SshRun
 * @property {import("node:child_process").ChildProcessWithoutNullStreams} child
 * @property {number} spawnedAt `performance.now()` just before spawn
 * @property {Promise<{code: number | null, signal: string | null, closedAt: number, stdout: string,
 *   stderr: string}>} done resolves when the process exited and its pipes closed
 */

/**
 * Spawn `ssh -F config ...args` with piped stdio. Unless `rawStdout` is set, stdout is collected
 * as text (keep it small); stderr always is. A run that outlives `timeoutMs` is killed.
 *
 * @example
 * ```js
 * const run = runSsh(cfg, ["openssh", "true"]);
 * const { code } = await run.done;
 * ```
 * @param {string} config
 * @param {string[]} args
 * @param {{timeoutMs?: number, rawStdout?: boolean}} [opts]
 * @returns {SshRun}
 */
export function runSsh(config, args, opts = {}) {
  const { timeoutMs = 120_000, rawStdout = false } = opts;
  const env = { ...process.env };
  delete env.SSH_AUTH_SOCK;
  const spawnedAt = performance.now();
  const child = trackChild(spawn("ssh", ["-F", config, ...args], { env, stdio: ["pipe", "pipe", "pipe"] }), false);
  let stdout = "";
  let stderr = "";
  if (!rawStdout) child.stdout.on("data", (d) => (stdout += d));
  child.stderr.on("data", (d) => (stderr += d));
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill("SIGKILL");
  }, timeoutMs);
  const done = new Promise((resolve, reject) => {
    child.once("error", (e) => {
      clearTimeout(timer);
      reject(new SshRunError(`cannot run ssh: ${e.message}`));
    });
    child.once("close", (code, signal) => {
      clearTimeout(timer);
      if (timedOut) stderr += `\n(killed after ${timeoutMs} ms)`;
      resolve({ code, signal, closedAt: performance.now(), stdout, stderr });
    });
  });
  return { child, spawnedAt, done };
}

/**
 * Throw an {@link SshRunError} unless the run exited 0; the message carries the last stderr lines.
 *
 * @example
 * ```js
 * expectSuccess("openssh true", await runSsh(cfg, ["openssh", "true"]).done);
 * ```
 * @param {string} what
 * @param {{code: number | null, signal: string | null, stderr: string}} r
 */
export function expectSuccess(what, r) {
  if (r.code === 0) return;
  const tail = r.stderr.trim().split("\n").slice(-3).join(" | ");
  throw new SshRunError(`${what}: ssh exited ${r.signal ?? r.code}${tail ? `: ${tail}` : ""}`);
}
