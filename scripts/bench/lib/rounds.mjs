/**
 * Measurement rounds interleaved across the servers: each round runs one step per server in turn,
 * so a slow phase of a shared machine hits all servers alike. A server whose step throws (or that
 * exited) drops out of the row with that error; the others go on.
 *
 * @module
 */
import { isStopping } from "./cleanup.mjs";
import { asError } from "./columns.mjs";
import { progress } from "./script_main.mjs";

/**
 * @template S
 * @typedef {object} RoundsSpec
 * @property {string} label printed to stderr before the rounds, followed by `:`
 * @property {number} first the first round's number (negative numbers for warm-ups, by convention)
 * @property {number} last the last round's number (inclusive)
 * @property {(round: number) => string} mark printed to stderr after each round, e.g. `w` or `.`
 * @property {(server: import("./server_process.mjs").RunningServer, state: S, round: number) => Promise<void>} step
 *   one measurement on one server; records its result in `state`
 * @property {(state: S) => Promise<void>} [drop] releases a state whose server failed
 */

/**
 * Run rounds `first..last` over the columns, calling `step` for each column whose entry in `states`
 * is not an Error (and that has a server); a throwing step replaces the entry with its error and
 * prints ` [NAME FAILED]`. Throws `stopped` once a signal asked the benchmark to stop.
 *
 * @example
 * ```js
 * const states = new Map(columns.map((c) => [c.name, c.failure ?? []]));
 * await interleaveRounds(columns, states, {
 *   label: "latency", first: -2, last: 9, mark: (r) => (r < 0 ? "w" : "."),
 *   step: async (server, samples, round) => {
 *     const ms = await latency(config, server.host);
 *     if (round >= 0) samples.push(ms);
 *   },
 * });
 * ```
 * @template S
 * @param {import("./columns.mjs").Column[]} columns
 * @param {Map<string, S | Error>} states by column name
 * @param {RoundsSpec<S>} spec
 * @returns {Promise<void>}
 */
export async function interleaveRounds(columns, states, spec) {
  progress(`${spec.label}:`);
  try {
    for (let round = spec.first; round <= spec.last; round++) {
      for (const col of columns) {
        if (isStopping()) throw new Error("stopped");
        const state = states.get(col.name);
        if (state === undefined || state instanceof Error || col.server === undefined) continue;
        try {
          if (!col.server.alive()) throw new Error(`server exited: ${col.server.tail()}`);
          await spec.step(col.server, state, round);
        } catch (e) {
          if (isStopping()) throw e;
          await spec.drop?.(state);
          states.set(col.name, asError(e));
          progress(` [${col.name} FAILED]`);
        }
      }
      progress(spec.mark(round));
    }
  } finally {
    progress("\n");
  }
}
