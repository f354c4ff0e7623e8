/**
 * The command-line options every benchmark script shares (`--quick`, `--only`, `--mib`, `--runs`,
 * `--ciphers`, `--no-build`, `-h/--help`), the error a bad command line throws, and the readers of
 * a positive number, a comma-separated list and a choice among known names. Each script adds its own
 * options and writes its own usage text, ending with {@link USAGE_TAIL}.
 *
 * @module
 */
import { parseArgs } from "node:util";

/** Every tsshd variant the benchmarks know, in column order. */
export const VARIANTS = ["deno", "bun", "binary"];

/** The last lines of every script's `--help` text: the options of its own that every script has. */
export const USAGE_TAIL = `  --no-build          do not run 'deno task build'; use the existing dist/tsshd
  -h, --help          show this help
`;

/** A command-line problem: print the message and the usage, exit 2. */
export class UsageError extends Error {
  /** @param {string} message */
  constructor(message) {
    super(message);
    this.name = "UsageError";
  }
}

/**
 * A positive integer option, or `fallback` when it was not given.
 *
 * @example
 * ```js
 * positiveInt("--mib", "16", 256); // 16
 * positiveInt("--mib", undefined, 256); // 256
 * positiveInt("--mib", "0", 256); // throws UsageError("--mib: expected a positive integer, got '0'")
 * ```
 * @param {string} flag the option's name, for the message
 * @param {string | undefined} text
 * @param {number} fallback
 * @returns {number}
 */
export function positiveInt(flag, text, fallback) {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${flag}: expected a positive integer, got '${text}'`);
  return n;
}

/**
 * A comma-separated option as a list (entries trimmed, empty ones dropped), or a copy of `all` when
 * it was not given.
 *
 * @example
 * ```js
 * splitList(" deno, bun,", ["deno", "bun", "binary"]); // ["deno", "bun"]
 * splitList(undefined, ["L", "R"]); // ["L", "R"]
 * ```
 * @param {string | undefined} text
 * @param {readonly string[]} all
 * @returns {string[]}
 */
export function splitList(text, all) {
  return text === undefined ? [...all] : text.split(",").map((s) => s.trim()).filter(Boolean);
}

/**
 * A comma-separated choice among `all` (every one when not given), in the order of `all`; an entry
 * that is not in `all` (after `normalize`) is a {@link UsageError} `FLAG: unknown NOUN 'ENTRY'`,
 * followed by ` (HINT)` when there is a hint.
 *
 * @example
 * ```js
 * const variants = { flag: "--only", noun: "variant", all: ["deno", "bun", "binary"] };
 * pickChoices("bun,deno", variants); // ["deno", "bun"]
 * pickChoices(undefined, variants); // ["deno", "bun", "binary"]
 * const modes = { flag: "--modes", noun: "mode", all: ["L", "R"], hint: "L or R" };
 * pickChoices("-r", { ...modes, normalize: (m) => m.replace(/^-/, "").toUpperCase() }); // ["R"]
 * pickChoices("x", modes); // throws UsageError("--modes: unknown mode 'x' (L or R)")
 * ```
 * @param {string | undefined} text
 * @param {{flag: string, noun: string, all: readonly string[], hint?: string,
 *   normalize?: (entry: string) => string}} spec
 * @returns {string[]}
 */
export function pickChoices(text, spec) {
  const picked = splitList(text, spec.all).map(spec.normalize ?? ((entry) => entry));
  for (const entry of picked) {
    if (!spec.all.includes(entry)) {
      throw new UsageError(`${spec.flag}: unknown ${spec.noun} '${entry}'${spec.hint ? ` (${spec.hint})` : ""}`);
    }
  }
  return spec.all.filter((entry) => picked.includes(entry));
}

/**
 * @typedef {object} SharedOptions
 * @property {boolean} quick `--quick` was given
 * @property {string[]} variants tsshd variants to run, a subset of {@link VARIANTS} in its order
 * @property {number} mib MiB per transfer
 * @property {number} runs timed runs per cell
 * @property {string[]} ciphers ciphers for the throughput rows
 * @property {boolean} build build dist/tsshd first (no `--no-build`)
 * @property {boolean} help print usage and exit
 */

/**
 * @typedef {object} SharedSpec
 * @property {number} mib `--mib` default without `--quick`; with it 64 (`--runs`: 3, with `--quick` 1, for all)
 * @property {readonly string[]} ciphers `--ciphers` default
 * @property {string[]} [strings] the script's own options that take a value (`--rtt-ms N` → `"rtt-ms"`)
 * @property {string[]} [flags] the script's own boolean options (`--wall` → `"wall"`)
 */

/**
 * Parse argv (without `node` and the script path) with the shared options plus the script's own
 * (strict: an unknown option or a positional argument is a {@link UsageError}); checks `--only`,
 * `--mib` and `--runs`. The script's own options come back raw, for it to check.
 *
 * @example
 * ```js
 * const { shared, strings, flags } = parseSharedOptions(["--quick", "--only", "deno", "--wall"], {
 *   mib: 256,
 *   ciphers: ["aes128-gcm@openssh.com"],
 *   strings: ["latency-runs"],
 *   flags: ["wall"],
 * });
 * shared.mib; // 64
 * shared.variants; // ["deno"]
 * strings["latency-runs"]; // undefined
 * flags.wall; // true
 * ```
 * @param {string[]} argv
 * @param {SharedSpec} spec
 * @returns {{shared: SharedOptions, strings: Record<string, string | undefined>, flags: Record<string, boolean>}}
 */
export function parseSharedOptions(argv, spec) {
  /** @type {import("node:util").ParseArgsOptionsConfig} */
  const options = {
    quick: { type: "boolean", default: false },
    only: { type: "string" },
    mib: { type: "string" },
    runs: { type: "string" },
    ciphers: { type: "string" },
    "no-build": { type: "boolean", default: false },
    help: { type: "boolean", short: "h", default: false },
  };
  for (const name of spec.strings ?? []) options[name] = { type: "string" };
  for (const name of spec.flags ?? []) options[name] = { type: "boolean", default: false };
  /** @type {Record<string, string | boolean | (string | boolean)[] | undefined>} */
  let values;
  try {
    ({ values } = parseArgs({ args: argv, options, strict: true, allowPositionals: false }));
  } catch (e) {
    throw new UsageError(e instanceof Error ? e.message : String(e));
  }
  const text = (/** @type {string} */ name) => {
    const v = values[name];
    return typeof v === "string" ? v : undefined;
  };
  const quick = values.quick === true;
  const hint = `choose from ${VARIANTS.join(",")}`;
  const shared = {
    quick,
    variants: pickChoices(text("only"), { flag: "--only", noun: "variant", all: VARIANTS, hint }),
    mib: positiveInt("--mib", text("mib"), quick ? 64 : spec.mib),
    runs: positiveInt("--runs", text("runs"), quick ? 1 : 3),
    ciphers: splitList(text("ciphers"), spec.ciphers),
    build: values["no-build"] !== true,
    help: values.help === true,
  };
  /** @type {Record<string, string | undefined>} */
  const strings = {};
  for (const name of spec.strings ?? []) strings[name] = text(name);
  /** @type {Record<string, boolean>} */
  const flags = {};
  for (const name of spec.flags ?? []) flags[name] = values[name] === true;
  return { shared, strings, flags };
}
