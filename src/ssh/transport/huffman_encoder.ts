/**
 * Building DEFLATE's canonical Huffman codes for the compressor (RFC 1951 §3.2.2):
 * length-limited code lengths from symbol frequencies, and the codes themselves,
 * bit-reversed for DEFLATE's least-significant-bit-first packing.
 *
 * @module
 */

/**
 * Code lengths (at most `maxBits`) for symbols `0…n)` with frequencies `freqs`:
 * a Huffman code, with frequencies halved and the code rebuilt while the
 * longest code is too long. Unused symbols get length 0. At least two symbols
 * always get a code (as zlib does), so even a one-symbol alphabet yields a
 * complete code that every decoder accepts.
 *
 * @example
 * ```ts
 * codeLengths(Uint32Array.of(10, 1, 1, 0), 4, 15); // [1, 2, 2, 0]
 * ```
 */
export function codeLengths(freqs: ArrayLike<number>, n: number, maxBits: number): Uint8Array {
  const weights = new Float64Array(n);
  let used = 0;
  for (let s = 0; s < n; s++) {
    weights[s] = freqs[s];
    if (freqs[s] > 0) used++;
  }
  for (let s = 0; used < 2 && s < n; s++) {
    if (weights[s] === 0) {
      weights[s] = 1;
      used++;
    }
  }
  for (;;) {
    const lengths = huffmanLengths(weights, n);
    let longest = 0;
    for (let s = 0; s < n; s++) if (lengths[s] > longest) longest = lengths[s];
    if (longest <= maxBits) return lengths;
    for (let s = 0; s < n; s++) if (weights[s] > 0) weights[s] = Math.max(1, Math.floor(weights[s] / 2));
  }
}

/** Unlimited Huffman code lengths by the two-queue method over leaves sorted by weight. */
function huffmanLengths(weights: Float64Array, n: number): Uint8Array {
  const leaves = sortedLeaves(weights, n);
  const m = leaves.length;
  const lengths = new Uint8Array(n);
  if (m === 1) {
    lengths[leaves[0]] = 1;
    return lengths;
  }
  // nodes 0…m-1 are leaves (in sorted order), m… are internal nodes in creation order
  const weight = new Float64Array(2 * m - 1);
  const parent = new Int32Array(2 * m - 1);
  for (let i = 0; i < m; i++) weight[i] = weights[leaves[i]];
  let nextLeaf = 0;
  let nextInternal = m;
  for (let created = m; created < 2 * m - 1; created++) {
    let a: number;
    if (nextLeaf < m && (nextInternal >= created || weight[nextLeaf] <= weight[nextInternal])) a = nextLeaf++;
    else a = nextInternal++;
    let b: number;
    if (nextLeaf < m && (nextInternal >= created || weight[nextLeaf] <= weight[nextInternal])) b = nextLeaf++;
    else b = nextInternal++;
    weight[created] = weight[a] + weight[b];
    parent[a] = created;
    parent[b] = created;
  }
  // depths: the root (last node) is 0; parents are always created after their children
  const depth = new Uint8Array(2 * m - 1);
  for (let i = 2 * m - 3; i >= 0; i--) depth[i] = depth[parent[i]] + 1;
  for (let i = 0; i < m; i++) lengths[leaves[i]] = depth[i];
  return lengths;
}

/**
 * The symbols of non-zero weight, ordered by weight (then symbol): a stable
 * two-pass radix sort on 16-bit weights (block frequencies fit), else a native sort.
 */
function sortedLeaves(weights: Float64Array, n: number): Uint16Array {
  let m = 0;
  let max = 0;
  for (let s = 0; s < n; s++) {
    if (weights[s] > 0) m++;
    if (weights[s] > max) max = weights[s];
  }
  const leaves = new Uint16Array(m);
  for (let s = 0, k = 0; s < n; s++) if (weights[s] > 0) leaves[k++] = s;
  if (max > 0xffff) {
    return Uint16Array.from([...leaves].sort((a, b) => weights[a] - weights[b] || a - b));
  }
  const low = new Uint16Array(m);
  radixPass(leaves, low, weights, 0);
  radixPass(low, leaves, weights, 8);
  return leaves;
}

/** One stable counting-sort pass of `from` into `to` on bits `shift…shift+8` of each symbol's weight. */
function radixPass(from: Uint16Array, to: Uint16Array, weights: Float64Array, shift: number): void {
  const count = new Int32Array(257);
  const m = from.length;
  for (let i = 0; i < m; i++) count[((weights[from[i]] >> shift) & 255) + 1]++;
  for (let d = 1; d < 257; d++) count[d] += count[d - 1];
  for (let i = 0; i < m; i++) to[count[(weights[from[i]] >> shift) & 255]++] = from[i];
}

/**
 * The canonical codes for `lengths[0…n)` (RFC 1951 §3.2.2), each bit-reversed
 * so that writing it least-significant bit first sends the code's first bit first.
 *
 * @example
 * ```ts
 * reversedCodes(Uint8Array.of(1, 2, 2), 3); // [0b0, 0b01, 0b11]: codes 0, 10, 11
 * ```
 */
export function reversedCodes(lengths: Uint8Array, n: number): Uint16Array {
  const count = new Uint16Array(16);
  for (let s = 0; s < n; s++) count[lengths[s]]++;
  count[0] = 0;
  const next = new Uint16Array(16);
  let code = 0;
  for (let len = 1; len < 16; len++) {
    code = (code + count[len - 1]) << 1;
    next[len] = code;
  }
  const codes = new Uint16Array(n);
  for (let s = 0; s < n; s++) {
    const len = lengths[s];
    if (len === 0) continue;
    const c = next[len]++;
    let r = 0;
    for (let b = 0; b < len; b++) r |= ((c >> b) & 1) << (len - 1 - b);
    codes[s] = r;
  }
  return codes;
}
