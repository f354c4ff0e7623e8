/**
 * The key subcommands of the `tsshd` binary:
 *
 * - `tsshd keygen [-t ed25519|ecdsa|rsa] [-b BITS] -f FILE [-C COMMENT] [-a ROUNDS]
 *   [--passphrase-file FILE | --passphrase-env NAME]` writes FILE (0600, OpenSSH
 *   format, encrypted with aes256-ctr + bcrypt when a passphrase is given) and
 *   FILE.pub (0644), refuses to overwrite either, and prints the key's
 *   `ssh-keygen -l` line.
 * - `tsshd fingerprint FILE [--passphrase-file FILE | --passphrase-env NAME]`
 *   prints `BITS SHA256:… COMMENT (TYPE)` like `ssh-keygen -lf FILE` for a
 *   private or public key file in any supported format, or one line per key
 *   of an authorized_keys file.
 *
 * Passphrases never come as a flag value (they would show in `ps` and shell
 * history): only from the first line of a file, or from an environment
 * variable, each named by a flag. Every failure is one line on stderr.
 *
 * @example
 * ```ts
 * const code = await runKeyCommand(["keygen", "-t", "ed25519", "-f", "id_test"], {
 *   provider: runtime.crypto,
 *   out: (line) => console.log(line),
 *   err: (line) => console.error(line),
 *   env: (name) => Deno.env.get(name),
 * });
 * ```
 * @module
 */
import { lstat, readFile, unlink, writeFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import type { CryptoProvider } from "./ssh/crypto/provider.ts";
import { parseAuthorizedKeys } from "./ssh/keys/authorized_keys.ts";
import { EncryptedKeyError, KeyError, NotAPrivateKeyError, WrongPassphraseError } from "./ssh/keys/errors.ts";
import { fingerprintLine } from "./ssh/keys/fingerprint.ts";
import { detectKeyFileFormat, parsePublicKeyFile } from "./ssh/keys/key_file.ts";
import { generateKey, type KeygenType } from "./ssh/keys/keygen.ts";
import { encodeOpenSshPrivateKey } from "./ssh/keys/openssh_key.ts";
import { formatPublicKeyLine } from "./ssh/keys/public_key_line.ts";

/** What the key commands need from the outside world (files are read and written with `node:fs`). */
export interface KeyCommandIo {
  provider: CryptoProvider;
  /** Print one line to stdout. */
  out(line: string): void;
  /** Print one line to stderr. */
  err(line: string): void;
  /** Look up an environment variable (for `--passphrase-env`); may throw if not permitted. */
  env(name: string): string | undefined;
  /** Comment for new keys without `-C` (ssh-keygen uses `user@host`). Default: none. */
  defaultComment?: string;
}

/** Where a passphrase comes from: at most one of the two. */
export interface PassphraseSource {
  /** `--passphrase-file FILE`: the first line of FILE, without its line ending. */
  passphraseFile?: string;
  /** `--passphrase-env NAME`: the value of environment variable NAME. */
  passphraseEnv?: string;
}

/**
 * A failure of a key command; `message` is the one line to print.
 *
 * @example
 * ```ts
 * throw new KeyCommandError("-f FILE is required", 2); // exit code 2: usage error
 * ```
 */
export class KeyCommandError extends Error {
  constructor(message: string, readonly exitCode = 1) {
    super(message);
    this.name = "KeyCommandError";
  }
}

/**
 * The help text of `tsshd keygen`.
 *
 * @example
 * ```ts
 * console.log(KEYGEN_USAGE);
 * ```
 */
export const KEYGEN_USAGE = `Usage: tsshd keygen [-t ed25519|ecdsa|rsa] [-b BITS] -f FILE [-C COMMENT] [-a ROUNDS]
                    [--passphrase-file FILE | --passphrase-env NAME]

Generate a key pair: FILE (private, mode 0600, OpenSSH format) and FILE.pub.
Existing files are never overwritten. Prints the new key's fingerprint.

  -t TYPE                  ed25519 (default), ecdsa or rsa
  -b BITS                  ecdsa: 256 (default), 384 or 521; rsa: 2048..16384 (default 3072)
  -f FILE                  where to write the private key
  -C COMMENT               comment stored with the key
  -a ROUNDS                bcrypt rounds for an encrypted key (default 16)
  --passphrase-file FILE   encrypt with the first line of FILE as passphrase
  --passphrase-env NAME    encrypt with the value of environment variable NAME
Without a passphrase option, or with an empty passphrase, the key is written unencrypted.
`;

/**
 * The help text of `tsshd fingerprint`.
 *
 * @example
 * ```ts
 * console.log(FINGERPRINT_USAGE);
 * ```
 */
export const FINGERPRINT_USAGE = `Usage: tsshd fingerprint FILE [--passphrase-file FILE | --passphrase-env NAME]

Print "BITS SHA256:... COMMENT (TYPE)" for each key in FILE, like ssh-keygen -lf:
a private key (OpenSSH, PEM, PKCS#8, PuTTY), a public key (.pub, RFC 4716, PEM)
or an authorized_keys file. A passphrase is needed only for encrypted PEM/PKCS#8
keys that have no FILE.pub beside them.
`;

const PASSPHRASE_HINT = "use --passphrase-file FILE or --passphrase-env NAME";

/**
 * Read a passphrase from the source the flags name, or `undefined` if none
 * is named. Throws {@link KeyCommandError} (usage, exit code 2) if both are
 * named, and {@link KeyCommandError} if the file or variable cannot be read.
 *
 * @example
 * ```ts
 * const passphrase = await readPassphrase({ passphraseFile: "/run/secrets/hostkey" }, (n) => Deno.env.get(n));
 * const key = parsePrivateKeyFile(text, { passphrase });
 * ```
 */
export async function readPassphrase(
  source: PassphraseSource,
  env: (name: string) => string | undefined,
): Promise<Uint8Array | undefined> {
  if (source.passphraseFile !== undefined && source.passphraseEnv !== undefined) {
    throw new KeyCommandError("give --passphrase-file or --passphrase-env, not both", 2);
  }
  if (source.passphraseFile !== undefined) {
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(await readFile(source.passphraseFile));
    } catch (e) {
      throw new KeyCommandError(`cannot read passphrase file ${source.passphraseFile}: ${fsReason(e)}`);
    }
    let end = bytes.indexOf(0x0a);
    if (end < 0) end = bytes.length;
    if (end > 0 && bytes[end - 1] === 0x0d) end--;
    return bytes.slice(0, end);
  }
  if (source.passphraseEnv !== undefined) {
    let value: string | undefined;
    try {
      value = env(source.passphraseEnv);
    } catch (e) {
      throw new KeyCommandError(`cannot read environment variable ${source.passphraseEnv}: ${fsReason(e)}`);
    }
    if (value === undefined) throw new KeyCommandError(`environment variable ${source.passphraseEnv} is not set`);
    return new TextEncoder().encode(value);
  }
  return undefined;
}

/**
 * The one line to print for a key file that could not be used, naming the
 * file and saying what to do (for `keygen`, `fingerprint` and the server's
 * `-k` host keys).
 *
 * @example
 * ```ts
 * try {
 *   key = parsePrivateKeyFile(text, { passphrase });
 * } catch (e) {
 *   if (e instanceof KeyError) console.error(`tsshd: ${keyFileErrorLine(e, path)}`);
 * }
 * ```
 */
export function keyFileErrorLine(err: KeyError, path: string): string {
  if (err instanceof WrongPassphraseError) return `incorrect passphrase supplied to decrypt private key ${path}`;
  if (err instanceof EncryptedKeyError) return `${path}: ${err.message}; ${PASSPHRASE_HINT}`;
  if (err instanceof NotAPrivateKeyError) return `${path} is a public key; give the private key file`;
  return `${path}: ${err.message}`;
}

function fsReason(e: unknown): string {
  const code = (e as { code?: string }).code;
  if (code === "ENOENT") return "No such file or directory";
  if (code === "EACCES") return "Permission denied";
  if (code === "EISDIR") return "Is a directory";
  return e instanceof Error ? e.message : String(e);
}

async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * Run `tsshd keygen …` or `tsshd fingerprint …` (`args[0]` is the
 * subcommand). Returns the exit code: 0 on success, 1 on failure, 2 on a
 * usage error. Never throws for bad input: every failure is one line on
 * `io.err`.
 *
 * @example
 * ```ts
 * // in cli.ts, before parsing server flags:
 * if (argv[0] === "keygen" || argv[0] === "fingerprint") return await runKeyCommand(argv, io);
 * ```
 */
export async function runKeyCommand(args: string[], io: KeyCommandIo): Promise<number> {
  const [command, ...rest] = args;
  try {
    if (command === "keygen") return await keygen(rest, io);
    if (command === "fingerprint") return await fingerprint(rest, io);
    throw new KeyCommandError(`unknown key command '${command}' (keygen or fingerprint)`, 2);
  } catch (e) {
    // Whatever went wrong, the user gets one line, never a stack trace.
    const line = e instanceof KeyCommandError || e instanceof KeyError ? e.message : `unexpected error: ${String(e)}`;
    io.err(`${command ? `tsshd ${command}` : "tsshd"}: ${line}`);
    return e instanceof KeyCommandError ? e.exitCode : 1;
  }
}

type Options = NonNullable<NonNullable<Parameters<typeof parseArgs>[0]>["options"]>;

function parse(args: string[], options: Options, command: string) {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: true });
  } catch (e) {
    const msg = (e as Error).message.split("\n")[0].replace(/\. To specify a positional argument.*$/, "");
    throw new KeyCommandError(`${msg} (see tsshd ${command} --help)`, 2);
  }
}

const PASSPHRASE_OPTIONS = {
  "passphrase-file": { type: "string" },
  "passphrase-env": { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

function intFlag(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d{1,6}$/.test(text)) throw new KeyCommandError(`invalid ${flag} value '${text}'`, 2);
  return Number(text);
}

async function keygen(args: string[], io: KeyCommandIo): Promise<number> {
  const { values: v, positionals } = parse(args, {
    type: { type: "string", short: "t" },
    bits: { type: "string", short: "b" },
    file: { type: "string", short: "f" },
    comment: { type: "string", short: "C" },
    rounds: { type: "string", short: "a" },
    "new-passphrase": { type: "string", short: "N" },
    ...PASSPHRASE_OPTIONS,
  }, "keygen");
  if (v.help) {
    io.out(KEYGEN_USAGE.trimEnd());
    return 0;
  }
  if (v["new-passphrase"] !== undefined) {
    throw new KeyCommandError(`passphrases are not taken on the command line; ${PASSPHRASE_HINT}`, 2);
  }
  if (positionals.length > 0) throw new KeyCommandError(`unexpected argument '${positionals[0]}'`, 2);
  const file = v.file as string | undefined;
  if (!file) throw new KeyCommandError("-f FILE is required (where to write the new key)", 2);
  const type = (v.type as string | undefined) ?? "ed25519";
  if (type !== "ed25519" && type !== "ecdsa" && type !== "rsa") {
    throw new KeyCommandError(`unsupported key type '${type}' (ed25519, ecdsa or rsa)`, 2);
  }
  const bits = intFlag(v.bits as string | undefined, "-b");
  const rounds = intFlag(v.rounds as string | undefined, "-a");
  if (rounds !== undefined && (rounds < 1 || rounds > 10_000)) {
    throw new KeyCommandError(`invalid -a value '${rounds}' (1..10000 bcrypt rounds)`, 2);
  }
  for (const path of [file, `${file}.pub`]) {
    if (await exists(path)) throw new KeyCommandError(`${path} already exists; not overwriting it`);
  }
  const passphrase = await readPassphrase(
    {
      passphraseFile: v["passphrase-file"] as string | undefined,
      passphraseEnv: v["passphrase-env"] as string | undefined,
    },
    io.env,
  );
  let key;
  try {
    key = generateKey(io.provider, {
      type: type as KeygenType,
      bits,
      comment: (v.comment as string | undefined) ?? io.defaultComment ?? "",
    });
  } catch (e) {
    if (e instanceof KeyError) throw new KeyCommandError(e.message, 2);
    throw e;
  }
  const privateText = encodeOpenSshPrivateKey(key, { passphrase, rounds });
  const publicText = formatPublicKeyLine(key.publicKey, key.comment) + "\n";
  try {
    await writeFile(file, privateText, { mode: 0o600, flag: "wx" });
  } catch (e) {
    throw new KeyCommandError(`cannot write ${file}: ${fsReason(e)}`);
  }
  try {
    await writeFile(`${file}.pub`, publicText, { mode: 0o644, flag: "wx" });
  } catch (e) {
    await unlink(file).catch(() => {});
    throw new KeyCommandError(`cannot write ${file}.pub: ${fsReason(e)}`);
  }
  io.out(fingerprintLine(io.provider, key.publicKey, key.comment));
  return 0;
}

async function fingerprint(args: string[], io: KeyCommandIo): Promise<number> {
  const { values: v, positionals } = parse(args, PASSPHRASE_OPTIONS, "fingerprint");
  if (v.help) {
    io.out(FINGERPRINT_USAGE.trimEnd());
    return 0;
  }
  if (positionals.length !== 1) throw new KeyCommandError("give exactly one key file", 2);
  const path = positionals[0];
  const source = {
    passphraseFile: v["passphrase-file"] as string | undefined,
    passphraseEnv: v["passphrase-env"] as string | undefined,
  };
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (e) {
    throw new KeyCommandError(`${path}: ${fsReason(e)}`);
  }
  try {
    for (const line of await fingerprintLines(text, path, source, io)) io.out(line);
  } catch (e) {
    if (e instanceof KeyError) throw new KeyCommandError(keyFileErrorLine(e, path));
    throw e;
  }
  return 0;
}

/** Private-key formats: `ssh-keygen -l` prefers a FILE.pub beside them (its comment is the real one). */
const PRIVATE_FORMATS = new Set(["openssh", "pkcs1", "sec1", "pkcs8", "pkcs8-encrypted", "ppk"]);

async function fingerprintLines(
  text: string,
  path: string,
  source: PassphraseSource,
  io: KeyCommandIo,
): Promise<string[]> {
  const format = detectKeyFileFormat(text);
  if (format === "openssh-public") {
    const { entries, warnings } = parseAuthorizedKeys(text, path);
    for (const w of warnings) io.err(`tsshd fingerprint: skipped ${w}`);
    if (entries.length === 0) throw new KeyCommandError(`${path}: no usable public key in it`);
    return entries.map((e) => fingerprintLine(io.provider, e.key, e.comment));
  }
  if (PRIVATE_FORMATS.has(format) && format !== "ppk") {
    const pub = await readFile(`${path}.pub`, "utf8").catch(() => undefined);
    if (pub !== undefined) {
      try {
        const { key, comment } = parsePublicKeyFile(pub);
        // ssh-keygen names the .pub file when its line has no comment.
        return [fingerprintLine(io.provider, key, comment || `${path}.pub`)];
      } catch {
        // not a usable .pub: fall back to the key file itself, as ssh-keygen does
      }
    }
  }
  let passphrase: Uint8Array | undefined;
  try {
    return [fingerprintOf(text, undefined, io)];
  } catch (e) {
    if (!(e instanceof EncryptedKeyError)) throw e;
    passphrase = await readPassphrase(source, io.env);
    if (passphrase === undefined) throw e;
  }
  return [fingerprintOf(text, passphrase, io)];
}

function fingerprintOf(text: string, passphrase: Uint8Array | undefined, io: KeyCommandIo): string {
  const { key, comment } = parsePublicKeyFile(text, passphrase === undefined ? {} : { passphrase });
  return fingerprintLine(io.provider, key, comment);
}
