/**
 * The repository's test keys (`keys/`), copied into a benchmark's scratch directory with the modes
 * ssh and sshd insist on: every server gets the same host key, the client the same identity.
 *
 * @module
 */
import { chmodSync, copyFileSync } from "node:fs";
import { join } from "node:path";

/**
 * @typedef {object} TestKeys
 * @property {string} hostKey the servers' private host key (ed25519)
 * @property {string} hostKeyPub its public half, for the client's known_hosts
 * @property {string} identity the client's private key (ed25519)
 * @property {string} authorizedKeys the servers' authorized_keys, which holds the identity's public key
 */

/**
 * Copy the host key, client identity and authorized_keys from `repo/keys` into `dir`; the private
 * keys and authorized_keys are made 0600 (git keeps them 0644).
 *
 * @example
 * ```js
 * const { hostKey, hostKeyPub, identity, authorizedKeys } = copyTestKeys("/repo", dir);
 * ```
 * @param {string} repo the repository root
 * @param {string} dir the scratch directory
 * @returns {TestKeys}
 */
export function copyTestKeys(repo, dir) {
  const copy = (/** @type {string} */ name, /** @type {boolean} */ secret) => {
    const dst = join(dir, name);
    copyFileSync(join(repo, "keys", name), dst);
    if (secret) chmodSync(dst, 0o600);
    return dst;
  };
  return {
    hostKey: copy("host_ed25519", true),
    hostKeyPub: copy("host_ed25519.pub", false),
    identity: copy("client_ed25519", true),
    authorizedKeys: copy("authorized_keys", true),
  };
}
