/**
 * The report on stdout: a header saying what was measured on, the result table (one row per metric,
 * one column per server, tsshd cells with their ratio to OpenSSH: > 1 always means tsshd is better),
 * and notes under it (the spread of the samples, the load at the end).
 *
 * @module
 */
import { loadAverage, machineReport } from "./machine.mjs";
import { median, range } from "./stats.mjs";

/**
 * @typedef {object} Row
 * @property {string} metric e.g. `"upload chacha20-poly1305 (MB/s)"`
 * @property {"higher" | "lower"} better which way is better: throughput higher, latency lower
 * @property {number} digits decimals to print
 * @property {Map<string, number | Error>} cells by server name; an Error is a failed cell
 */

/**
 * The ratio that is > 1 when tsshd is better: tsshd/OpenSSH for throughput, OpenSSH/tsshd for latency.
 *
 * @example
 * ```js
 * ratio(100, 50, "higher"); // 0.5  (tsshd at half OpenSSH's throughput)
 * ratio(100, 50, "lower");  // 2    (tsshd at half OpenSSH's latency)
 * ```
 * @param {number} openssh
 * @param {number} tsshd
 * @param {"higher" | "lower"} better
 * @returns {number}
 */
export function ratio(openssh, tsshd, better) {
  return better === "higher" ? tsshd / openssh : openssh / tsshd;
}

/**
 * Format the rows as an aligned text table. `servers[0]` is the OpenSSH baseline.
 * Failed cells print `FAIL[n]` and their messages are listed under the table.
 *
 * @example
 * ```js
 * console.log(formatTable(["OpenSSH", "tsshd-deno"], rows));
 * ```
 * @param {string[]} servers
 * @param {Row[]} rows
 * @returns {string}
 */
export function formatTable(servers, rows) {
  /** @type {string[]} */
  const notes = [];
  const header = ["metric", ...servers.map((s, i) => (i === 0 ? s : `${s} (ratio)`))];
  const body = rows.map((row) => {
    const base = row.cells.get(servers[0]);
    return [
      row.metric,
      ...servers.map((s, i) => {
        const v = row.cells.get(s);
        if (v === undefined) return "-";
        if (v instanceof Error) {
          notes.push(`[${notes.length + 1}] ${s}, ${row.metric}: ${v.message}`);
          return `FAIL[${notes.length}]`;
        }
        const text = v.toFixed(row.digits);
        if (i === 0 || typeof base !== "number") return text;
        return `${text} (${ratio(base, v, row.better).toFixed(2)}x)`;
      }),
    ];
  });
  const widths = header.map((_, c) => Math.max(...[header, ...body].map((r) => r[c].length)));
  const line = (/** @type {string[]} */ r) =>
    r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join("  ");
  const rule = widths.map((w) => "-".repeat(w)).join("  ");
  return [line(header), rule, ...body.map(line), ...(notes.length ? ["", ...notes] : [])].join("\n");
}

/**
 * The table cells of a row from the samples per server (the median; an Error or no sample is a
 * failed cell) and the spread of each server's samples, `"NAME min–max"`.
 *
 * @example
 * ```js
 * const { cells, spread } = summarize(new Map([["OpenSSH", [3, 1, 2]], ["tsshd-deno", new Error("x")]]), 0);
 * cells.get("OpenSSH"); // 2
 * spread; // ["OpenSSH 1–3"]
 * ```
 * @param {Map<string, number[] | Error>} samples by server name
 * @param {number} digits decimals in the spread
 * @returns {{cells: Map<string, number | Error>, spread: string[]}}
 */
export function summarize(samples, digits) {
  /** @type {Map<string, number | Error>} */
  const cells = new Map();
  /** @type {string[]} */
  const spread = [];
  for (const [name, s] of samples) {
    if (s instanceof Error) {
      cells.set(name, s);
    } else if (s.length === 0) {
      cells.set(name, new Error("no samples"));
    } else {
      cells.set(name, median(s));
      const { min, max } = range(s);
      spread.push(`${name} ${min.toFixed(digits)}–${max.toFixed(digits)}`);
    }
  }
  return { cells, spread };
}

/**
 * The first lines of a report: its title, the machine and versions, and the load average at start.
 *
 * @example
 * ```js
 * const header = reportHeader("tsshd vs OpenSSH sshd", "/repo", ["deno"]);
 * header[0]; // "tsshd vs OpenSSH sshd"
 * ```
 * @param {string} title
 * @param {string} repo the repository root
 * @param {string[]} variants the tsshd variants run (their runtimes' versions are listed)
 * @returns {string[]}
 */
export function reportHeader(title, repo, variants) {
  return [
    title,
    ...machineReport(repo, variants),
    `load:    ${loadAverage()} (1/5/15-min load average at start)`,
  ];
}

/**
 * @typedef {object} ReportParts
 * @property {string[]} header from {@link reportHeader}, plus the script's own lines
 * @property {string[]} [negotiated] one line per server: what it negotiated with the client
 * @property {string[]} servers the table's columns, OpenSSH first
 * @property {Row[]} rows
 * @property {string[]} notes the lines under the table: a title, then one line per row (its spread…)
 */

/**
 * The whole report, starting with an empty line and ending with the load average at the end.
 *
 * @example
 * ```js
 * const notes = ["spread (min–max of the timed runs):", "  latency (ms): OpenSSH 30.1–31.0, tsshd-deno 25.2–26.0"];
 * console.log(formatReport({ header, servers: ["OpenSSH", "tsshd-deno"], rows, notes }));
 * ```
 * @param {ReportParts} o
 * @returns {string}
 */
export function formatReport(o) {
  const negotiated = o.negotiated ? ["negotiated (kex / host key / default cipher):", ...o.negotiated] : [];
  return [
    "",
    ...o.header,
    ...negotiated,
    "",
    formatTable(o.servers, o.rows),
    "",
    ...o.notes,
    `load at end: ${loadAverage()}`,
  ].join("\n");
}
