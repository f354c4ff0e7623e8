/**
 * Where benchmarks keep their keys and files. tsshd run as root checks
 * StrictModes on the authorized_keys file, so its directories must not be
 * world-writable (/tmp is): a 0700 directory under the home directory then;
 * the system temp dir otherwise.
 *
 * @module
 */
import { chmodSync, mkdirSync, mkdtempSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { trackPath } from "./cleanup.mjs";

/**
 * The parent directory for scratch directories.
 *
 * @example
 * ```js
 * const dir = mkdtempSync(join(scratchParent(), "tsshd-bench-"));
 * ```
 * @returns {string}
 */
export function scratchParent() {
  if (process.getuid?.() !== 0) return tmpdir();
  const parent = join(homedir(), ".cache", "tsshd-bench");
  mkdirSync(parent, { recursive: true, mode: 0o700 });
  chmodSync(parent, 0o700);
  return parent;
}

/**
 * A fresh scratch directory `parent/PREFIXxxxxxx`, registered for removal at clean-up.
 *
 * @example
 * ```js
 * const dir = makeScratchDir("tsshd-bench-"); // e.g. /root/.cache/tsshd-bench/tsshd-bench-Ab12Cd
 * ```
 * @param {string} prefix
 * @param {string} [parent] default {@link scratchParent}()
 * @returns {string}
 */
export function makeScratchDir(prefix, parent = scratchParent()) {
  return trackPath(mkdtempSync(join(parent, prefix)), "tree");
}
