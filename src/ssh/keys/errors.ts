/**
 * Typed errors for key handling. Every error thrown by `src/ssh/keys/` is a
 * {@link KeyError}; the subclass says what went wrong and the message says
 * what to do about it.
 *
 * @example
 * ```ts
 * try {
 *   parseOpenSshPrivateKey(text);
 * } catch (e) {
 *   if (e instanceof EncryptedKeyError) console.error("this key needs a passphrase");
 *   else throw e;
 * }
 * ```
 * @module
 */

/** Base class of all key errors. */
export class KeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "KeyError";
  }
}

/**
 * A key, key file or signature is malformed: truncated, garbage, bad base64,
 * inconsistent fields, wrong check-ints or padding.
 *
 * @example
 * ```ts
 * throw new KeyFormatError("private key section is truncated");
 * ```
 */
export class KeyFormatError extends KeyError {
  constructor(message: string) {
    super(message);
    this.name = "KeyFormatError";
  }
}

/**
 * The key type (or signature algorithm) is well formed but not one we support,
 * e.g. `ssh-dss` or a FIDO `sk-` key.
 *
 * @example
 * ```ts
 * throw new UnsupportedKeyTypeError("ssh-dss");
 * ```
 */
export class UnsupportedKeyTypeError extends KeyError {
  constructor(readonly keyType: string, detail = "") {
    super(`unsupported key type "${keyType}"${detail ? `: ${detail}` : ""}`);
    this.name = "UnsupportedKeyTypeError";
  }
}

/**
 * The private key file is protected by a passphrase and none was given. The
 * caller says where a passphrase can come from (tsshd: `--passphrase-file`
 * or `--passphrase-env`).
 *
 * @example
 * ```ts
 * throw new EncryptedKeyError("aes256-ctr", "bcrypt");
 * ```
 */
export class EncryptedKeyError extends KeyError {
  constructor(readonly cipherName: string, readonly kdfName: string) {
    super(
      `the private key is encrypted (cipher ${cipherName}, key derivation ${kdfName}) and a passphrase is needed to read it`,
    );
    this.name = "EncryptedKeyError";
  }
}

/**
 * The passphrase given for an encrypted private key is wrong (the check-ints,
 * padding or authentication tag did not come out right after decryption).
 *
 * @example
 * ```ts
 * throw new WrongPassphraseError();
 * ```
 */
export class WrongPassphraseError extends KeyError {
  constructor() {
    super("incorrect passphrase supplied to decrypt private key");
    this.name = "WrongPassphraseError";
  }
}

/**
 * A public key (a `.pub` line or an RFC 4716 block) was given where a private
 * key is needed.
 *
 * @example
 * ```ts
 * throw new NotAPrivateKeyError();
 * ```
 */
export class NotAPrivateKeyError extends KeyError {
  constructor(detail = "this is a public key; give the private key file (without .pub)") {
    super(detail);
    this.name = "NotAPrivateKeyError";
  }
}

/**
 * A key file in a container format, or protected by an encryption scheme, we
 * do not read (PuTTY v1, `3des-cbc`, PBES1, scrypt…). The message says how to
 * convert it; `hint` replaces the default advice.
 *
 * @example
 * ```ts
 * throw new UnsupportedKeyFormatError("PEM encryption DES-EDE3-CBC");
 * ```
 */
export class UnsupportedKeyFormatError extends KeyError {
  constructor(
    readonly format: string,
    hint = "convert it to the OpenSSH format with `ssh-keygen -p -f FILE` (keeps the key, rewrites the file)",
  ) {
    super(`private key format ${format} is not supported; ${hint}`);
    this.name = "UnsupportedKeyFormatError";
  }
}

/**
 * An RSA modulus is smaller than the configured minimum (OpenSSH: 1024 bits)
 * or larger than we accept (16384 bits).
 *
 * @example
 * ```ts
 * throw new KeySizeError(768, "RSA key of 768 bits is below the minimum of 1024");
 * ```
 */
export class KeySizeError extends KeyError {
  constructor(readonly bits: number, message: string) {
    super(message);
    this.name = "KeySizeError";
  }
}

/**
 * A signature algorithm was asked of a key that cannot make it, e.g.
 * `ssh-ed25519` from an RSA host key.
 *
 * @example
 * ```ts
 * throw new SignatureAlgorithmError("ssh-ed25519", "ssh-rsa");
 * ```
 */
export class SignatureAlgorithmError extends KeyError {
  constructor(readonly algorithm: string, readonly keyType: string) {
    super(`signature algorithm "${algorithm}" is not available for a ${keyType} key`);
    this.name = "SignatureAlgorithmError";
  }
}
