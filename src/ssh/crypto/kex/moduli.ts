/**
 * The groups offered by diffie-hellman-group-exchange (RFC 4419): a built-in
 * set (the RFC 3526 safe primes of 2048–8192 bits), a parser for OpenSSH's
 * moduli file format (`/etc/ssh/moduli`, see moduli(5)), and the choice of a
 * group for a client's (min, n, max) request the way OpenSSH's `choose_dh` makes it.
 *
 * A moduli line is `time type tests tries size generator modulus`: `type` 2
 * means a safe prime, `tests` is a bit set of the tests passed (bit 0x01 =
 * found composite), `size` is the modulus size in bits minus one, and the
 * generator and modulus are hexadecimal.
 *
 * @module
 */
import { bitLength } from "./bigint.ts";
import { type DhGroup, RFC3526_GROUPS } from "./dh_groups.ts";

/**
 * Smallest group size served (OpenSSH's DH_GRP_MIN): requests are clamped up to it.
 *
 * @example
 * ```ts
 * Math.max(GEX_MIN_BITS, 1024); // 2048
 * ```
 */
export const GEX_MIN_BITS = 2048;

/**
 * Largest group size served (OpenSSH's DH_GRP_MAX): requests are clamped down to it.
 *
 * @example
 * ```ts
 * Math.min(GEX_MAX_BITS, 16384); // 8192
 * ```
 */
export const GEX_MAX_BITS = 8192;

/**
 * The built-in moduli: the RFC 3526 groups of 2048, 3072, 4096, 6144 and 8192 bits.
 *
 * @example
 * ```ts
 * chooseModulus(BUILTIN_MODULI, 2048, 3072, 8192)?.bits; // 3072
 * ```
 */
export const BUILTIN_MODULI: readonly DhGroup[] = RFC3526_GROUPS;

/**
 * What {@link parseModuli} found: the usable groups and one warning per skipped line.
 *
 * @example
 * ```ts
 * const file: ModuliFile = parseModuli("# no groups\n");
 * file.moduli.length; // 0
 * ```
 */
export interface ModuliFile {
  moduli: DhGroup[];
  /** `moduli line N: reason` for each malformed or unusable line. */
  warnings: string[];
}

const MODULI_TYPE_SAFE = 2;
const MODULI_TESTS_COMPOSITE = 0x01;

function decimal(text: string, lo: number, hi: number): number | undefined {
  if (!/^\d{1,10}$/.test(text)) return undefined;
  const v = Number(text);
  return v >= lo && v <= hi ? v : undefined;
}

function hex(text: string): bigint | undefined {
  return /^[0-9a-fA-F]+$/.test(text) ? BigInt("0x" + text) : undefined;
}

/** The group on one line, or the reason it is skipped. */
function parseLine(fields: string[]): DhGroup | string {
  if (fields.length !== 7) return `expected 7 fields, got ${fields.length}`;
  const [time, type, tests, tries, size, gen, modulus] = fields;
  if (!/^\d+$/.test(time)) return "invalid timestamp";
  if (decimal(type, 0, 5) !== MODULI_TYPE_SAFE) return `type is not ${MODULI_TYPE_SAFE} (safe prime)`;
  const t = decimal(tests, 0, 0x1f);
  if (t === undefined || t & MODULI_TESTS_COMPOSITE || !(t & ~MODULI_TESTS_COMPOSITE)) {
    return "invalid tests flags (untested or composite)";
  }
  if (!decimal(tries, 1, 1 << 30)) return "invalid primality trial count";
  const sizeBits = decimal(size, 1, 64 * 1024);
  if (!sizeBits) return "invalid prime length";
  const bits = sizeBits + 1; // the size field is one less than the modulus's bit length
  const g = hex(gen);
  if (g === undefined || g <= 1n) return "invalid generator";
  const p = hex(modulus);
  if (p === undefined || p % 2n === 0n) return "invalid modulus";
  if (bitLength(p) !== bits) return `modulus has ${bitLength(p)} bits, the line says ${bits}`;
  if (g >= p - 1n) return "generator is not smaller than the modulus";
  return { bits, p, g };
}

/**
 * Parse a moduli file. Blank lines and `#` comments are ignored; malformed or
 * unusable lines are skipped with a warning (as sshd logs "Bad prime description").
 *
 * @example
 * ```ts
 * const { moduli, warnings } = parseModuli(await Deno.readTextFile("/etc/ssh/moduli"));
 * for (const w of warnings) console.warn(w);
 * const kex = dhGexKex(moduli);
 * ```
 */
export function parseModuli(text: string): ModuliFile {
  const moduli: DhGroup[] = [];
  const warnings: string[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === "" || line.startsWith("#")) continue;
    const result = parseLine(line.split(/\s+/));
    if (typeof result === "string") warnings.push(`moduli line ${i + 1}: ${result}`);
    else moduli.push(result);
  }
  return { moduli, warnings };
}

function randomIndex(n: number): number {
  const word = new Uint32Array(1);
  crypto.getRandomValues(word);
  return word[0] % n;
}

/**
 * The group for a client asking for `n` bits within [`min`, `max`] (already
 * clamped to [{@link GEX_MIN_BITS}, {@link GEX_MAX_BITS}]): of the sizes in
 * range, exactly `n` if present, else the smallest above `n`, else the largest
 * below it; one group of that size at random. When `moduli` has nothing in
 * range the built-in set is tried (as OpenSSH falls back to its fixed groups).
 * Undefined when neither has a group in range.
 *
 * @example
 * ```ts
 * chooseModulus(BUILTIN_MODULI, 2048, 7680, 8192)?.bits; // 8192
 * chooseModulus(BUILTIN_MODULI, 2500, 2500, 2600); // undefined
 * ```
 */
export function chooseModulus(
  moduli: readonly DhGroup[],
  min: number,
  n: number,
  max: number,
  pick: (count: number) => number = randomIndex,
): DhGroup | undefined {
  for (const set of moduli === BUILTIN_MODULI ? [moduli] : [moduli, BUILTIN_MODULI]) {
    const inRange = set.filter((g) => g.bits >= min && g.bits <= max);
    if (inRange.length === 0) continue;
    const atLeast = inRange.filter((g) => g.bits >= n).map((g) => g.bits);
    const best = atLeast.length ? Math.min(...atLeast) : Math.max(...inRange.map((g) => g.bits));
    const choices = inRange.filter((g) => g.bits === best);
    return choices[pick(choices.length)];
  }
  return undefined;
}
