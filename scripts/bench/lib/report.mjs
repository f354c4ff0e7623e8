/**
 * The result table: one row per metric, one column per server, tsshd cells with their ratio
 * to OpenSSH (> 1 always means tsshd is better).
 *
 * @module
 */

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
