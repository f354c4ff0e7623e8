/**
 * Host keys for the binary: load a private key file in any supported format
 * (OpenSSH, PEM, PKCS#8, PuTTY; passphrase-protected too), or — when the
 * file does not exist — generate an Ed25519 key there (mode 0600, and the
 * `.pub` beside it), like lws-ssh-base's get/set_server_key.
 *
 * @module
 */
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import type { CryptoProvider } from "../ssh/crypto/provider.ts";
import { createHostKey, type HostKey } from "../ssh/keys/host_key.ts";
import { encodeOpenSshPrivateKey } from "../ssh/keys/openssh_key.ts";
import { parsePrivateKeyFile } from "../ssh/keys/key_file.ts";
import { generateEd25519 } from "../ssh/keys/keygen.ts";
import { formatPublicKeyLine } from "../ssh/keys/public_key_line.ts";
import { fingerprintSha256, keyTypeLabel } from "../ssh/keys/fingerprint.ts";
import { KeyError } from "../ssh/keys/errors.ts";
import { keyFileErrorLine } from "../cli_keys.ts";
import type { PrivateKey } from "../ssh/keys/private_key.ts";

/** A host key file could not be used; the message names the file and the reason. */
export class HostKeyFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "HostKeyFileError";
  }
}

/** A loaded host key with what the CLI prints about it. */
export interface LoadedHostKey {
  hostKey: HostKey;
  path: string;
  /** `SHA256:…` */
  fingerprint: string;
  /** `ED25519`, `ECDSA`, `RSA` */
  label: string;
  /** True when the file was just generated. */
  generated: boolean;
}

/**
 * Load the host key at `path`, generating an Ed25519 key if it does not exist.
 *
 * @example
 * ```ts
 * const k = await loadOrCreateHostKey(provider, "/etc/tsshd/host_ed25519");
 * console.log(`${k.label} ${k.fingerprint}`);
 * ```
 */
export async function loadOrCreateHostKey(
  provider: CryptoProvider,
  path: string,
  options: { passphrase?: Uint8Array; allowSshRsa?: boolean } = {},
): Promise<LoadedHostKey> {
  let text: string | undefined;
  try {
    text = await readFile(path, "utf8");
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code !== "ENOENT") throw new HostKeyFileError(`cannot read host key ${path}: ${(e as Error).message}`);
  }
  let key: PrivateKey;
  let generated = false;
  if (text === undefined) {
    key = generateEd25519(provider, "tsshd host key");
    try {
      await mkdir(dirname(path), { recursive: true, mode: 0o700 });
      await writeFile(path, encodeOpenSshPrivateKey(key), { mode: 0o600, flag: "wx" });
      await writeFile(path + ".pub", formatPublicKeyLine(key.publicKey, "tsshd host key") + "\n", { mode: 0o644 });
    } catch (e) {
      throw new HostKeyFileError(`cannot write new host key ${path}: ${(e as Error).message}`);
    }
    generated = true;
  } else {
    try {
      key = parsePrivateKeyFile(text, { passphrase: options.passphrase });
    } catch (e) {
      if (e instanceof KeyError) {
        const line = keyFileErrorLine(e, path);
        throw new HostKeyFileError(line.startsWith(path) ? `bad host key ${line}` : `bad host key ${path}: ${line}`);
      }
      throw e;
    }
  }
  let hostKey: HostKey;
  try {
    hostKey = createHostKey(provider, key, { allowSshRsa: options.allowSshRsa });
  } catch (e) {
    throw new HostKeyFileError(`bad host key ${path}: ${(e as Error).message}`);
  }
  return {
    hostKey,
    path,
    fingerprint: fingerprintSha256(provider, key.publicKey.blob),
    label: keyTypeLabel(key.publicKey),
    generated,
  };
}
