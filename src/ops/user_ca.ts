/**
 * OpenSSH user certificates for the default ops — sshd's `TrustedUserCAKeys`,
 * `AuthorizedPrincipalsFile` and `RevokedKeys`. The engine has already
 * verified the CA's signature; here the CA must be trusted, the certificate
 * valid now for this user (principals), its critical options understood and
 * satisfied (`source-address`), and neither the key nor the certificate
 * revoked. The files are re-read at every login; a revocation file that
 * cannot be read or parsed denies every key (fail closed).
 *
 * @module
 */
import { readFile } from "node:fs/promises";
import type { CryptoProvider } from "../ssh/crypto/provider.ts";
import type { Logger } from "../ssh/config.ts";
import type { Permissions, PublicKeyInfo } from "../ssh/ops.ts";
import type { UserInfo } from "../runtime/types.ts";
import { parsePublicKeyLine } from "../ssh/keys/public_key_line.ts";
import { parseUserKey } from "../ssh/keys/certificate.ts";
import { certificateProblem } from "../ssh/keys/cert_policy.ts";
import { isRevoked, loadRevokedKeys } from "../ssh/keys/krl.ts";
import { timingSafeEqual } from "../ssh/wire.ts";
import { authorizedKeysPath, certificateGrant } from "./key_store.ts";

/** Certificate settings. */
export interface UserCaOptions {
  crypto: CryptoProvider;
  logger: Logger;
  /** `--trusted-user-ca-keys FILE`: public keys of trusted CAs, one per line. */
  trustedCaKeys?: string;
  /** `--authorized-principals-file PATTERN` (%u, %h, %U, %% tokens). */
  authorizedPrincipalsFile?: string;
  /** `--revoked-keys FILE`: a KRL or a list of public keys. */
  revokedKeys?: string;
}

/**
 * Checks certificates and revocation.
 *
 * @example
 * ```ts
 * const ca = new UserCa({ crypto, logger, trustedCaKeys: "/etc/ssh/user_ca.pub" });
 * const perms = await ca.authorize(user, req.key, req.peer.address); // undefined = deny
 * ```
 */
export class UserCa {
  constructor(private o: UserCaOptions) {}

  /** Is `key` (a plain key or a certificate) revoked? True also when the revocation file is unusable. */
  async revoked(key: PublicKeyInfo): Promise<boolean> {
    if (!this.o.revokedKeys) return false;
    try {
      const list = loadRevokedKeys(new Uint8Array(await readFile(this.o.revokedKeys)));
      const { key: plain, certificate } = parseUserKey(key.blob);
      if (!isRevoked(this.o.crypto, list, plain, certificate)) return false;
      this.o.logger.info(`Authentication key ${key.label} ${key.fingerprint} revoked by file ${this.o.revokedKeys}`);
      return true;
    } catch (e) {
      this.o.logger.warn(
        `cannot use revoked keys file ${this.o.revokedKeys}: ${(e as Error).message}: denying all keys`,
      );
      return true;
    }
  }

  /** The permissions a certificate grants `user`, or undefined (with a log line saying why). */
  async authorize(user: UserInfo, key: PublicKeyInfo, address: string): Promise<Permissions | undefined> {
    const cert = key.certificate;
    if (!cert || !this.o.trustedCaKeys) return undefined;
    if (!(await this.trusted(cert.signatureKey.blob))) {
      this.o.logger.info(`certificate signed by an untrusted CA for ${user.name}`);
      return undefined;
    }
    const principals = await this.principals(user);
    const problem = certificateProblem(cert, {
      kind: "user",
      ...(principals ? { authorizedPrincipals: principals } : { principal: user.name }),
      sourceAddress: address,
    });
    if (problem) {
      this.o.logger.info(`Refused certificate ID "${cert.keyId}" (serial ${cert.serial}) for ${user.name}: ${problem}`);
      return undefined;
    }
    return certificateGrant(cert);
  }

  private async trusted(caBlob: Uint8Array): Promise<boolean> {
    let text: string;
    try {
      text = await readFile(this.o.trustedCaKeys!, "utf8");
    } catch (e) {
      this.o.logger.warn(`cannot read trusted CA keys ${this.o.trustedCaKeys}: ${(e as Error).message}`);
      return false;
    }
    for (const [i, line] of text.split("\n").entries()) {
      if (!line.trim() || line.trimStart().startsWith("#")) continue;
      try {
        if (timingSafeEqual(parsePublicKeyLine(line).key.blob, caBlob)) return true;
      } catch (e) {
        this.o.logger.warn(`${this.o.trustedCaKeys}:${i + 1}: ${(e as Error).message}`);
      }
    }
    return false;
  }

  /** The names in the user's authorized principals file, or undefined when none is configured. */
  private async principals(user: UserInfo): Promise<string[] | undefined> {
    if (!this.o.authorizedPrincipalsFile) return undefined;
    const path = authorizedKeysPath(this.o.authorizedPrincipalsFile, user);
    try {
      return (await readFile(path, "utf8")).split("\n").map((l) => l.trim()).filter((l) => l && !l.startsWith("#"));
    } catch {
      return []; // no file: no principal is authorized
    }
  }
}
