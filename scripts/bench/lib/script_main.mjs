/**
 * The life of a benchmark script's process: progress on stderr (stdout holds only the report), the
 * options read or the usage printed, and the exit with everything cleaned up, after success, error
 * or a signal alike.
 *
 * @module
 */
import { cleanup, isStopping } from "./cleanup.mjs";
import { UsageError } from "./shared_options.mjs";

/**
 * Write progress to stderr, without a newline of its own.
 *
 * @example
 * ```js
 * progress("starting servers…\n");
 * ```
 * @param {string} text
 */
export function progress(text) {
  process.stderr.write(text);
}

/**
 * Parse the command line with `parse`, or say how to exit: 2 after printing a {@link UsageError}
 * and `usage` to stderr, 0 after printing `usage` to stdout for `--help`.
 *
 * @example
 * ```js
 * const opts = readOptions(process.argv.slice(2), parseOptions, USAGE);
 * if (typeof opts === "number") return opts;
 * ```
 * @template {{help: boolean}} T
 * @param {string[]} argv
 * @param {(argv: string[]) => T} parse
 * @param {string} usage
 * @returns {T | number} the options, or the exit code
 */
export function readOptions(argv, parse, usage) {
  let opts;
  try {
    opts = parse(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    console.error(`bench: ${e.message}\n\n${usage}`);
    return 2;
  }
  if (opts.help) {
    console.log(usage);
    return 0;
  }
  return opts;
}

/**
 * Run `main` and exit with its code; on an error print `bench: MESSAGE` and exit 1. Either way
 * `atEnd` runs first and then {@link cleanup}. After a signal the signal handler cleans up and exits.
 *
 * @example
 * ```js
 * runScript(async () => {
 *   console.log("report");
 *   return 0;
 * });
 * ```
 * @param {() => Promise<number>} main resolves with the exit code
 * @param {() => void} [atEnd] closes what clean-up does not know about (in-process servers…)
 */
export function runScript(main, atEnd = () => {}) {
  main().then(
    async (code) => {
      atEnd();
      await cleanup();
      process.exit(code);
    },
    async (e) => {
      if (isStopping()) return;
      console.error(`bench: ${e instanceof Error ? e.message : String(e)}`);
      atEnd();
      await cleanup();
      process.exit(1);
    },
  );
}
