/**
 * KEX methods by SSH name, the default server preference order, and the
 * methods that are implemented but off unless configured.
 *
 * @module
 */
import type { KexMethod } from "./method.ts";
import { curve25519Kex } from "./curve25519.ts";
import { mlkem768x25519Kex } from "./mlkem768x25519.ts";
import { sntrup761x25519Kex } from "./sntrup761x25519.ts";
import { ecdhNistKex } from "./ecdh_nist.ts";
import { dhFixedKex } from "./dh_fixed.ts";
import { dhGexKex } from "./dh_gex.ts";
import { MODP_2048, MODP_4096, MODP_8192 } from "./dh_groups.ts";
import type { DhGroup } from "./dh_groups.ts";
import { BUILTIN_MODULI } from "./moduli.ts";

/**
 * Options for {@link kexRegistry}.
 *
 * @example
 * ```ts
 * const options: KexRegistryOptions = { moduli: parseModuli(text).moduli };
 * ```
 */
export interface KexRegistryOptions {
  /** Groups for diffie-hellman-group-exchange-sha256 (default: the built-in RFC 3526 set). */
  moduli?: readonly DhGroup[];
}

/**
 * Every implemented method, keyed by SSH name, with group exchange drawing
 * on `options.moduli`.
 *
 * @example
 * ```ts
 * const methods = kexRegistry({ moduli: parseModuli(text).moduli });
 * methods.get("diffie-hellman-group-exchange-sha256")?.name;
 * ```
 */
export function kexRegistry(options: KexRegistryOptions = {}): ReadonlyMap<string, KexMethod> {
  const methods: KexMethod[] = [
    mlkem768x25519Kex("mlkem768x25519-sha256"),
    sntrup761x25519Kex("sntrup761x25519-sha512"),
    sntrup761x25519Kex("sntrup761x25519-sha512@openssh.com"),
    curve25519Kex("curve25519-sha256"),
    curve25519Kex("curve25519-sha256@libssh.org"),
    ecdhNistKex("ecdh-sha2-nistp256", "P-256", "sha256"),
    ecdhNistKex("ecdh-sha2-nistp384", "P-384", "sha384"),
    ecdhNistKex("ecdh-sha2-nistp521", "P-521", "sha512"),
    dhGexKex(options.moduli ?? BUILTIN_MODULI, "diffie-hellman-group-exchange-sha256", "sha256"),
    dhFixedKex("diffie-hellman-group16-sha512", MODP_4096, "sha512"),
    dhFixedKex("diffie-hellman-group18-sha512", MODP_8192, "sha512"),
    dhFixedKex("diffie-hellman-group14-sha256", MODP_2048, "sha256"),
  ];
  return new Map(methods.map((m) => [m.name, m]));
}

const METHODS = kexRegistry();

/** Server preference, strongest first; names not (yet) registered are left out of {@link DEFAULT_KEX}. */
const PREFERENCE: readonly string[] = [
  "mlkem768x25519-sha256",
  "sntrup761x25519-sha512",
  "sntrup761x25519-sha512@openssh.com",
  "curve25519-sha256",
  "curve25519-sha256@libssh.org",
  "ecdh-sha2-nistp256",
  "ecdh-sha2-nistp384",
  "ecdh-sha2-nistp521",
];

/**
 * Default KEX preference, strongest first: post-quantum hybrids, then
 * curve25519, then the NIST curves.
 *
 * @example
 * ```ts
 * DEFAULT_KEX[0]; // "mlkem768x25519-sha256"
 * ```
 */
export const DEFAULT_KEX: readonly string[] = PREFERENCE.filter((n) => METHODS.has(n));

/**
 * Methods implemented but off by default (OpenSSH's sshd dropped finite-field
 * DH from its default list); a server config may name them, in this order of strength.
 *
 * @example
 * ```ts
 * const kex = [...DEFAULT_KEX, ...OPTIONAL_KEX]; // everything, e.g. for old clients
 * ```
 */
export const OPTIONAL_KEX: readonly string[] = [
  "diffie-hellman-group-exchange-sha256",
  "diffie-hellman-group16-sha512",
  "diffie-hellman-group18-sha512",
  "diffie-hellman-group14-sha256",
];

/**
 * The method for `name`, or undefined.
 *
 * @example
 * ```ts
 * kexMethod("ecdh-sha2-nistp256")?.hash; // "sha256"
 * ```
 */
export function kexMethod(name: string): KexMethod | undefined {
  return METHODS.get(name);
}

/**
 * Every KEX name this build implements (defaults and optional ones).
 *
 * @example
 * ```ts
 * supportedKex().includes("diffie-hellman-group14-sha256"); // true
 * ```
 */
export function supportedKex(): string[] {
  return [...METHODS.keys()];
}
