/**
 * The `source-address` critical option of user certificates
 * (PROTOCOL.certkeys): a comma-separated list of addresses in CIDR form,
 * `nn.nn.nn.nn/nn` or `hhhh::hhhh/nn`, without negation or wildcards. As in
 * OpenSSH, a bare address means a full-length mask and an entry whose host
 * bits are not zero (`10.0.0.1/8`) makes the whole list invalid.
 *
 * Stricter than OpenSSH's getaddrinfo-based parser: IPv4 must be four decimal
 * parts without leading zeros (`010.1.1.1` could mean octal). An IPv4-mapped
 * IPv6 client address (`::ffff:10.1.2.3`) is matched as IPv4, as sshd does.
 *
 * @example
 * ```ts
 * const list = parseCidrList("10.0.0.0/8,::1");
 * list && cidrListMatches(list, "10.1.2.3"); // true
 * ```
 * @module
 */

/** One network of a CIDR list. */
export interface Cidr {
  /** The network address: 4 bytes (IPv4) or 16 (IPv6). */
  readonly address: Uint8Array;
  /** Prefix length in bits. */
  readonly bits: number;
}

/** Longest entry OpenSSH accepts (`INET6_ADDRSTRLEN` + "/nnn"). */
const MAX_ENTRY = 46 + 3;

/**
 * Parse a CIDR list; undefined if any entry is empty, malformed, too long,
 * has a prefix too long for its family, or has host bits set.
 *
 * @example
 * ```ts
 * parseCidrList("192.168.0.0/16,2001:db8::/32")?.length; // 2
 * parseCidrList("10.0.0.1/8"); // undefined
 * ```
 */
export function parseCidrList(list: string): Cidr[] | undefined {
  const out: Cidr[] = [];
  for (const entry of list.split(",")) {
    if (entry === "" || entry.length > MAX_ENTRY || !/^[0-9a-fA-F.:/]+$/.test(entry)) return undefined;
    const slash = entry.indexOf("/");
    const address = parseIpAddress(slash < 0 ? entry : entry.slice(0, slash), false);
    if (!address) return undefined;
    let bits = address.length * 8;
    if (slash >= 0) {
      const m = entry.slice(slash + 1);
      if (!/^[0-9]{1,3}$/.test(m)) return undefined;
      bits = Number(m);
      if (bits > address.length * 8) return undefined;
    }
    if (!hostBitsZero(address, bits)) return undefined;
    out.push({ address, bits });
  }
  return out;
}

/**
 * True if `address` (an IPv4 or IPv6 literal) lies in one of the networks.
 * An unparseable address matches nothing.
 *
 * @example
 * ```ts
 * cidrListMatches(parseCidrList("127.0.0.1/32")!, "::ffff:127.0.0.1"); // true
 * ```
 */
export function cidrListMatches(list: readonly Cidr[], address: string): boolean {
  const a = parseIpAddress(address, true);
  if (!a) return false;
  return list.some((net) => net.address.length === a.length && prefixEqual(net.address, a, net.bits));
}

/**
 * Parse an IPv4 or IPv6 literal into 4 or 16 bytes; undefined if it is not
 * one. With `unmap`, IPv4-mapped IPv6 addresses come back as IPv4.
 *
 * @example
 * ```ts
 * parseIpAddress("::1", false)?.length; // 16
 * parseIpAddress("::ffff:1.2.3.4", true); // Uint8Array [1, 2, 3, 4]
 * ```
 */
export function parseIpAddress(text: string, unmap: boolean): Uint8Array | undefined {
  if (!text.includes(":")) return parseIpv4(text);
  const v6 = parseIpv6(text);
  if (v6 && unmap && v6.subarray(0, 10).every((b) => b === 0) && v6[10] === 0xff && v6[11] === 0xff) {
    return v6.slice(12);
  }
  return v6;
}

function parseIpv4(text: string): Uint8Array | undefined {
  const parts = text.split(".");
  if (parts.length !== 4) return undefined;
  const out = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    const p = parts[i];
    if (!/^(0|[1-9][0-9]{0,2})$/.test(p) || Number(p) > 255) return undefined;
    out[i] = Number(p);
  }
  return out;
}

function parseIpv6(text: string): Uint8Array | undefined {
  const halves = text.split("::");
  if (halves.length > 2) return undefined;
  const head = groups(halves[0], halves.length === 1);
  const tail = halves.length === 2 ? groups(halves[1], true) : [];
  if (!head || !tail) return undefined;
  const length = head.length + tail.length;
  if (halves.length === 1 ? length !== 16 : length > 14) return undefined;
  const out = new Uint8Array(16);
  out.set(head, 0);
  out.set(tail, 16 - tail.length);
  return out;
}

/** The bytes of a colon-separated run of hex groups, with an optional dotted IPv4 last if `endsAddress`. */
function groups(run: string, endsAddress: boolean): number[] | undefined {
  if (run === "") return [];
  const parts = run.split(":");
  const out: number[] = [];
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i];
    if (endsAddress && i === parts.length - 1 && p.includes(".")) {
      const v4 = parseIpv4(p);
      if (!v4) return undefined;
      out.push(...v4);
    } else {
      if (!/^[0-9a-fA-F]{1,4}$/.test(p)) return undefined;
      const v = parseInt(p, 16);
      out.push(v >> 8, v & 0xff);
    }
  }
  return out;
}

function hostBitsZero(address: Uint8Array, bits: number): boolean {
  for (let i = 0; i < address.length; i++) {
    const keep = Math.max(0, Math.min(8, bits - i * 8));
    if ((address[i] & (0xff >> keep)) !== 0) return false;
  }
  return true;
}

function prefixEqual(net: Uint8Array, a: Uint8Array, bits: number): boolean {
  for (let i = 0; i < net.length; i++) {
    const keep = Math.max(0, Math.min(8, bits - i * 8));
    const mask = (0xff00 >> keep) & 0xff;
    if ((net[i] & mask) !== (a[i] & mask)) return false;
  }
  return true;
}
