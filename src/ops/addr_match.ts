/**
 * Matching a client address against an OpenSSH address list
 * (`addr_match_list`): comma-separated entries, each optionally negated with
 * `!`, each either a CIDR block (`10.0.0.0/8`, `2001:db8::/32`, or a bare
 * address) or, when it is not one, a wildcard pattern (`192.168.0.?`).
 *
 * @module
 */
import { matchPattern } from "./ssh_pattern.ts";

/** A parsed IPv4 (4 bytes) or IPv6 (16 bytes) address. */
export type IpBytes = Uint8Array;

/**
 * `1` a positive entry matched, `-1` a negated entry matched, `0` none
 * matched, `-2` the list has an invalid entry (an empty entry, a mask length
 * beyond the address size, or host bits set below the mask).
 */
export type AddrListMatch = 1 | 0 | -1 | -2;

/**
 * Parses a numeric IPv4 (dotted quad) or IPv6 address; `undefined` if `text`
 * is neither. An IPv6 zone (`%eth0`) is ignored.
 *
 * @example
 * ```ts
 * parseIp("10.1.2.3"); // Uint8Array [10, 1, 2, 3]
 * parseIp("::1")?.length; // 16
 * parseIp("example.com"); // undefined
 * ```
 */
export function parseIp(text: string): IpBytes | undefined {
  return text.includes(":") ? parseIpv6(text.replace(/%[^%]*$/, "")) : parseIpv4(text);
}

function parseIpv4(text: string): IpBytes | undefined {
  const parts = text.split(".");
  if (parts.length !== 4) return undefined;
  const out = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    if (!/^\d{1,3}$/.test(parts[i])) return undefined;
    const n = Number(parts[i]);
    if (n > 255) return undefined;
    out[i] = n;
  }
  return out;
}

function parseIpv6(text: string): IpBytes | undefined {
  const halves = text.split("::");
  if (halves.length > 2) return undefined;
  const head = groups(halves[0]);
  const tail = halves.length === 2 ? groups(halves[1]) : [];
  if (!head || !tail) return undefined;
  const total = head.length + tail.length;
  if (halves.length === 1 ? total !== 8 : total > 7) return undefined;
  const words = [...head, ...new Array<number>(8 - total).fill(0), ...tail];
  const out = new Uint8Array(16);
  words.forEach((w, i) => {
    out[2 * i] = w >> 8;
    out[2 * i + 1] = w & 0xff;
  });
  return out;
}

/** 16-bit groups of one side of `::`; a trailing dotted quad counts as two. */
function groups(text: string): number[] | undefined {
  if (text === "") return [];
  const parts = text.split(":");
  const out: number[] = [];
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i];
    if (i === parts.length - 1 && part.includes(".")) {
      const v4 = parseIpv4(part);
      if (!v4) return undefined;
      out.push((v4[0] << 8) | v4[1], (v4[2] << 8) | v4[3]);
    } else {
      if (!/^[0-9a-fA-F]{1,4}$/.test(part)) return undefined;
      out.push(parseInt(part, 16));
    }
  }
  return out;
}

/**
 * The IPv4 address inside an IPv4-mapped IPv6 address (`::ffff:a.b.c.d`),
 * else `address` unchanged, as sshd normalises peers before matching.
 *
 * @example
 * ```ts
 * unmapIpv4("::ffff:10.0.0.1"); // "10.0.0.1"
 * unmapIpv4("::1"); // "::1"
 * ```
 */
export function unmapIpv4(address: string): string {
  const ip = address.includes(":") ? parseIp(address) : undefined;
  if (!ip || ip.length !== 16) return address;
  for (let i = 0; i < 10; i++) if (ip[i] !== 0) return address;
  if (ip[10] !== 0xff || ip[11] !== 0xff) return address;
  return `${ip[12]}.${ip[13]}.${ip[14]}.${ip[15]}`;
}

/** A CIDR entry: network bytes and mask length; `"invalid"` for a malformed block; `undefined` if not an address. */
function parseCidr(entry: string): { net: IpBytes; bits: number } | "invalid" | undefined {
  const slash = entry.indexOf("/");
  const addrText = slash < 0 ? entry : entry.slice(0, slash);
  const maskText = slash < 0 ? undefined : entry.slice(slash + 1);
  if (maskText !== undefined && !/^\d+$/.test(maskText)) return undefined;
  const net = parseIp(addrText);
  if (!net) return undefined;
  const bits = maskText === undefined ? net.length * 8 : Number(maskText);
  if (bits > net.length * 8) return "invalid";
  for (let bit = bits; bit < net.length * 8; bit++) {
    if (net[bit >> 3] & (0x80 >> (bit & 7))) return "invalid";
  }
  return { net, bits };
}

function inNetwork(addr: IpBytes, net: IpBytes, bits: number): boolean {
  if (addr.length !== net.length) return false;
  const whole = bits >> 3;
  for (let i = 0; i < whole; i++) if (addr[i] !== net[i]) return false;
  const rest = bits & 7;
  if (rest === 0) return true;
  const mask = (0xff << (8 - rest)) & 0xff;
  return (addr[whole] & mask) === (net[whole] & mask);
}

/**
 * Matches `address` (a numeric IP; `undefined` only validates the list)
 * against an address list. An address that does not parse matches nothing
 * (`0`). The first negated match returns `-1` at once.
 *
 * @example
 * ```ts
 * addrMatchList("10.1.2.3", "10.0.0.0/8"); // 1
 * addrMatchList("10.0.0.1", "!10.0.0.1,10.0.0.0/8"); // -1
 * addrMatchList("192.168.0.7", "192.168.0.?"); // 1
 * addrMatchList(undefined, "10.0.0.1/8"); // -2 (host bits set)
 * ```
 */
export function addrMatchList(address: string | undefined, list: string): AddrListMatch {
  let target: IpBytes | undefined;
  if (address !== undefined) {
    target = parseIp(address);
    if (!target) return 0;
  }
  let result: AddrListMatch = 0;
  for (const raw of list.split(",")) {
    const negated = raw.startsWith("!");
    const entry = negated ? raw.slice(1) : raw;
    if (entry === "") return -2;
    const cidr = parseCidr(entry);
    if (cidr === "invalid") return -2;
    const matched = address === undefined
      ? false
      : cidr
      ? inNetwork(target!, cidr.net, cidr.bits)
      : matchPattern(address, entry);
    if (!matched) continue;
    if (negated) return -1;
    result = 1;
  }
  return result;
}
