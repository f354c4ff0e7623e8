/**
 * What a benchmark needs installed before it starts anything: server binaries (by path, with the
 * Debian package that has them) and client programs (on PATH). The benchmark installs nothing.
 *
 * @module
 */
import { accessSync, constants, existsSync } from "node:fs";
import { join } from "node:path";

/**
 * Whether an executable named `tool` is in one of the directories of `PATH`.
 *
 * @example
 * ```js
 * onPath("ssh"); // true where openssh-client is installed
 * ```
 * @param {string} tool
 * @returns {boolean}
 */
export function onPath(tool) {
  return (process.env.PATH ?? "").split(":").some((dir) => {
    if (dir === "") return false;
    try {
      accessSync(join(dir, tool), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/**
 * The message for the first missing prerequisite, naming the package to install, or `undefined`
 * when all are there.
 *
 * @example
 * ```js
 * const missing = missingPrerequisite({ files: [["/usr/sbin/sshd", "openssh-server"]], clients: ["ssh"] });
 * if (missing) console.error(missing); // "bench: /usr/sbin/sshd not found: install the openssh-server package (…)"
 * ```
 * @param {{files: [string, string][], clients: string[]}} o `files`: [absolute path, Debian package];
 *   `clients`: programs of the openssh-client package
 * @returns {string | undefined}
 */
export function missingPrerequisite(o) {
  for (const [path, pkg] of o.files) {
    if (!existsSync(path)) return `bench: ${path} not found: install the ${pkg} package (e.g. apt-get install ${pkg})`;
  }
  for (const tool of o.clients) {
    if (!onPath(tool)) return `bench: the ${tool} client was not found: install the openssh-client package`;
  }
  return undefined;
}
