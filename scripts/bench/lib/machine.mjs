/**
 * What the numbers were measured on: CPU count and model, kernel, and the versions of the
 * client, the servers and the runtimes.
 *
 * @module
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { loadavg, release } from "node:os";
import { join } from "node:path";

/**
 * First line of a command's combined output, or `"n/a (…)"` if it cannot run.
 *
 * @param {string} command
 * @param {string[]} args
 * @returns {string}
 */
function firstLine(command, args) {
  try {
    const out = execFileSync(command, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], timeout: 20_000 });
    return out.trim().split("\n")[0] ?? "";
  } catch (e) {
    const err = /** @type {{stderr?: string, message: string}} */ (e);
    const text = (err.stderr ?? "").trim().split("\n")[0];
    return text || `n/a (${err.message.split("\n")[0]})`;
  }
}

/**
 * `ssh -V` prints to stderr, so capture both streams.
 *
 * @returns {string}
 */
function sshVersion() {
  try {
    const out = execFileSync("sh", ["-c", "ssh -V 2>&1"], { encoding: "utf8" });
    return out.trim();
  } catch {
    return "n/a";
  }
}

/**
 * Lines describing the machine and versions, ready to print.
 *
 * @example
 * ```js
 * for (const line of machineReport("/repo", ["deno", "bun"])) console.log(line);
 * ```
 * @param {string} repo
 * @param {string[]} variants
 * @returns {string[]}
 */
export function machineReport(repo, variants) {
  let cpu = "?";
  try {
    cpu = /model name\s*:\s*(.+)/.exec(readFileSync("/proc/cpuinfo", "utf8"))?.[1] ?? "?";
  } catch {
    // not Linux
  }
  const lines = [
    `machine: nproc ${firstLine("nproc", [])}, ${cpu}, Linux ${release()}`,
    `client:  ${sshVersion()} (OpenSSH sshd is the same package: /usr/sbin/sshd)`,
    `node:    ${process.version} (runs the benchmark only)`,
  ];
  if (variants.includes("deno")) {
    lines.push(`deno:    ${firstLine(join(repo, "node_modules/.bin/deno"), ["--version"])}`);
  }
  if (variants.includes("bun")) lines.push(`bun:     ${firstLine(join(repo, "node_modules/.bin/bun"), ["--version"])}`);
  if (variants.includes("binary")) {
    lines.push(`binary:  dist/tsshd: ${firstLine(join(repo, "dist/tsshd"), ["--version"])}`);
  }
  return lines;
}

/**
 * The 1, 5 and 15-minute load averages, e.g. `"0.52 0.61 0.40"`.
 *
 * @example
 * ```js
 * console.log(`load at end: ${loadAverage()}`);
 * ```
 * @returns {string}
 */
export function loadAverage() {
  return loadavg().map((l) => l.toFixed(2)).join(" ");
}
