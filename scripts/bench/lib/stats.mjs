/**
 * Small statistics helpers for the benchmark: median and min/max of a sample.
 *
 * @module
 */

/**
 * The median of a non-empty list of numbers (mean of the two middle values for an even count).
 *
 * @example
 * ```js
 * median([3, 1, 2]); // 2
 * median([4, 1, 3, 2]); // 2.5
 * ```
 * @param {number[]} values
 * @returns {number}
 */
export function median(values) {
  if (values.length === 0) throw new RangeError("median of an empty sample");
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * The smallest and largest value of a non-empty list.
 *
 * @example
 * ```js
 * range([3, 1, 2]); // { min: 1, max: 3 }
 * ```
 * @param {number[]} values
 * @returns {{min: number, max: number}}
 */
export function range(values) {
  if (values.length === 0) throw new RangeError("range of an empty sample");
  return { min: Math.min(...values), max: Math.max(...values) };
}
