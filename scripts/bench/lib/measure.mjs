/**
 * One measurement = one ssh run: connection latency (`ssh HOST true`), bulk upload
 * (`ssh -c CIPHER HOST 'wc -c'` fed random bytes) and bulk download
 * (`ssh -c CIPHER HOST 'head -c N /dev/zero'`).
 *
 * Throughput is over the transfer by default: upload from the moment ssh has taken the first
 * MiB from its stdin to its exit, download from the first to the last byte on its stdout, so the
 * handshake (measured by the latency row) does not dilute it. `wall` uses the whole command instead.
 *
 * @module
 */
import { once } from "node:events";
import { performance } from "node:perf_hooks";
import { randomFillSync } from "node:crypto";
import { spawnSync } from "node:child_process";
import { expectSuccess, runSsh, SshRunError } from "./client.mjs";
import { median } from "./stats.mjs";

/** Upload chunk size; the first chunk is the warm-up excluded from transfer timing. */
const CHUNK = 1 << 20;
/** Size of the random block repeated as upload data (the transport has no compression). */
const RANDOM_BLOCK = 16 * CHUNK;

/** MB/s with MB = 1e6 bytes. */
const mbps = (/** @type {number} */ bytes, /** @type {number} */ ms) => bytes / 1e6 / (ms / 1000);

/**
 * A block of random bytes to upload, made once (so generating it is not on the timed path).
 *
 * @example
 * ```js
 * const data = randomBlock(); // 16 MiB
 * ```
 * @returns {Uint8Array}
 */
export function randomBlock() {
  const block = new Uint8Array(RANDOM_BLOCK);
  for (let off = 0; off < block.length; off += 65536) randomFillSync(block, off, 65536);
  return block;
}

/** A generous time limit for moving `bytes`: 30 s plus 1 MB/s. */
const limitFor = (/** @type {number} */ bytes) => 30_000 + bytes / 1000;

/**
 * Wall-clock milliseconds of one `ssh HOST true`.
 *
 * @example
 * ```js
 * const ms = await latency(cfg, "openssh"); // e.g. 95.3
 * const ms2 = await latency(cfg, "openssh", ["-o", "KexAlgorithms=curve25519-sha256"]);
 * ```
 * @param {string} config
 * @param {string} host
 * @param {string[]} [sshOptions] extra ssh options before the host
 * @returns {Promise<number>}
 */
export async function latency(config, host, sshOptions = []) {
  const run = runSsh(config, [...sshOptions, host, "true"], { timeoutMs: 30_000 });
  run.child.stdin.end();
  const r = await run.done;
  expectSuccess(`${host} true`, r);
  return r.closedAt - run.spawnedAt;
}

/**
 * Upload `bytes` of `data` (repeated) to `wc -c` on the server; MB/s. Checks the count the server saw.
 *
 * @example
 * ```js
 * const rate = await upload(cfg, "openssh", "aes128-gcm@openssh.com", 256 << 20, randomBlock(), false);
 * ```
 * @param {string} config
 * @param {string} host
 * @param {string} cipher
 * @param {number} bytes
 * @param {Uint8Array} data a multiple of 1 MiB
 * @param {boolean} wall
 * @returns {Promise<number>}
 */
export async function upload(config, host, cipher, bytes, data, wall) {
  const run = runSsh(config, ["-c", cipher, host, "wc -c"], { timeoutMs: limitFor(bytes) });
  const stdin = run.child.stdin;
  stdin.on("error", () => {}); // EPIPE when ssh dies early: reported through its exit below
  let closed = false;
  const closedP = run.done.then(() => (closed = true), () => (closed = true));
  let firstChunkAt = 0;
  for (let sent = 0, i = 0; sent < bytes && !closed; i++) {
    const n = Math.min(CHUNK, bytes - sent);
    const off = (i * CHUNK) % data.length;
    const ok = stdin.write(data.subarray(off, off + n), i === 0 ? () => (firstChunkAt = performance.now()) : undefined);
    sent += n;
    if (!ok) await Promise.race([once(stdin, "drain").catch(() => {}), closedP]);
  }
  stdin.end();
  const r = await run.done;
  expectSuccess(`${host} upload ${cipher}`, r);
  const seen = Number(r.stdout.trim());
  if (seen !== bytes) {
    throw new SshRunError(`${host} upload ${cipher}: server counted ${r.stdout.trim()} bytes, sent ${bytes}`);
  }
  if (wall || bytes <= CHUNK || firstChunkAt === 0) return mbps(bytes, r.closedAt - run.spawnedAt);
  return mbps(bytes - CHUNK, r.closedAt - firstChunkAt);
}

/**
 * Download `bytes` zeros from `head -c bytes /dev/zero` on the server; MB/s. Checks the count received.
 *
 * @example
 * ```js
 * const rate = await download(cfg, "openssh", "chacha20-poly1305@openssh.com", 256 << 20, false);
 * ```
 * @param {string} config
 * @param {string} host
 * @param {string} cipher
 * @param {number} bytes
 * @param {boolean} wall
 * @returns {Promise<number>}
 */
export async function download(config, host, cipher, bytes, wall) {
  const run = runSsh(config, ["-c", cipher, host, `head -c ${bytes} /dev/zero`], {
    timeoutMs: limitFor(bytes),
    rawStdout: true,
  });
  run.child.stdin.end();
  let received = 0;
  let firstAt = 0;
  let firstBytes = 0;
  let lastAt = 0;
  run.child.stdout.on("data", (/** @type {Buffer} */ d) => {
    const now = performance.now();
    if (received === 0) {
      firstAt = now;
      firstBytes = d.length;
    }
    received += d.length;
    lastAt = now;
  });
  const r = await run.done;
  expectSuccess(`${host} download ${cipher}`, r);
  if (received !== bytes) {
    throw new SshRunError(`${host} download ${cipher}: received ${received} bytes, expected ${bytes}`);
  }
  if (wall || lastAt <= firstAt) return mbps(bytes, r.closedAt - run.spawnedAt);
  return mbps(bytes - firstBytes, lastAt - firstAt);
}

/**
 * The key exchange, host key and cipher a server negotiates with the client by default
 * (from `ssh -v`), e.g. `"sntrup761x25519-sha512@openssh.com / ssh-ed25519 / chacha20-poly1305@openssh.com"`.
 *
 * @example
 * ```js
 * await negotiated(cfg, "openssh");
 * ```
 * @param {string} config
 * @param {string} host
 * @returns {Promise<string>}
 */
export async function negotiated(config, host) {
  const run = runSsh(config, ["-v", host, "true"], { timeoutMs: 30_000 });
  run.child.stdin.end();
  const r = await run.done;
  expectSuccess(`${host} -v true`, r);
  const pick = (/** @type {RegExp} */ re) => re.exec(r.stderr)?.[1] ?? "?";
  return [
    pick(/kex: algorithm: (\S+)/),
    pick(/kex: host key algorithm: (\S+)/),
    pick(/kex: server->client cipher: (\S+)/),
  ].join(" / ");
}

/**
 * One line per server with what it {@link negotiated} with the client (or `?` and the error),
 * for the report's "negotiated" section.
 *
 * @example
 * ```js
 * await negotiatedReport(cfg, servers); // ["  OpenSSH       sntrup761x25519-sha512@openssh.com / …", …]
 * ```
 * @param {string} config
 * @param {{name: string, host: string}[]} servers
 * @returns {Promise<string[]>}
 */
export async function negotiatedReport(config, servers) {
  const lines = [];
  for (const s of servers) {
    try {
      lines.push(`  ${s.name.padEnd(13)} ${await negotiated(config, s.host)}`);
    } catch (e) {
      lines.push(`  ${s.name.padEnd(13)} ? (${e instanceof Error ? e.message : String(e)})`);
    }
  }
  return lines;
}

/**
 * Median milliseconds of `SHELL -c true` started the way both servers start a command: a bare
 * environment with SSH_CLIENT set, so bash sources ~/.bashrc (Debian's bash is built with
 * SSH_SOURCE_BASHRC). Part of every latency sample on both servers; printed so it can be told apart.
 *
 * @example
 * ```js
 * shellStartup("/bin/bash", "/root", "root"); // e.g. 3.1, or 150 with a heavy ~/.bashrc
 * ```
 * @param {string} shell
 * @param {string} home
 * @param {string} user
 * @param {number} [runs]
 * @returns {number}
 */
export function shellStartup(shell, home, user, runs = 7) {
  const env = { HOME: home, USER: user, LOGNAME: user, SHELL: shell, PATH: "/usr/local/bin:/usr/bin:/bin" };
  Object.assign(env, { SSH_CLIENT: "127.0.0.1 40000 22", SSH_CONNECTION: "127.0.0.1 40000 127.0.0.1 22" });
  const times = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    spawnSync(shell, ["-c", "true"], { env, cwd: home, stdio: "ignore", timeout: 10_000 });
    times.push(performance.now() - t0);
  }
  return median(times);
}
