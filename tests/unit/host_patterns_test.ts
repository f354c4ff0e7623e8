/**
 * authorized_keys `from=` matching (OpenSSH match_host_and_ip / addr_match_list)
 * against the examples of sshd(8) "AUTHORIZED_KEYS FILE FORMAT",
 * ssh_config(5) "PATTERNS" and sshd_config(5) CIDR notation, plus the
 * malformed lists OpenSSH treats as an error (callers deny).
 */
import { assert, assertEquals } from "../_helpers/assert.ts";
import { hostPatternProblem, matchHostAndIp, matchHostName } from "../../src/ops/host_patterns.ts";

Deno.test('host patterns: sshd(8) from="*.sales.example.net,!pc.sales.example.net"', () => {
  const list = "*.sales.example.net,!pc.sales.example.net";
  assertEquals(matchHostAndIp("192.0.2.1", "ws1.sales.example.net", list), 1);
  assertEquals(matchHostAndIp("192.0.2.2", "pc.sales.example.net", list), 0); // the negation wins
  assertEquals(matchHostAndIp("192.0.2.3", "ws1.eng.example.net", list), 0);
  assertEquals(matchHostAndIp("192.0.2.4", "WS1.Sales.Example.NET", list), 1); // names are case-insensitive
  assertEquals(matchHostAndIp("192.0.2.4", "ws1.sales.example.net", list.toUpperCase()), 1);
  // Without reverse DNS the "name" is the address: name patterns never match it.
  assertEquals(matchHostAndIp("192.0.2.1", "192.0.2.1", list), 0);
});

Deno.test('host patterns: ssh_config(5) "!*.dialup.example.com,*.example.com" and negation alone', () => {
  const list = "!*.dialup.example.com,*.example.com";
  assertEquals(matchHostAndIp("198.51.100.1", "www.example.com", list), 1);
  assertEquals(matchHostAndIp("198.51.100.2", "a.dialup.example.com", list), 0);
  // "a negated match will never produce a positive result by itself"
  assertEquals(matchHostAndIp("198.51.100.3", "host3", "!host1,!host2"), 0);
  assertEquals(matchHostName("host3", "!host1,!host2"), 0);
  assertEquals(matchHostName("host1", "!host1,!host2"), -1);
});

Deno.test("host patterns: wildcards on addresses (192.168.0.?)", () => {
  assertEquals(matchHostAndIp("192.168.0.7", "192.168.0.7", "192.168.0.?"), 1);
  assertEquals(matchHostAndIp("192.168.0.10", "192.168.0.10", "192.168.0.?"), 0);
  assertEquals(matchHostAndIp("192.168.3.10", "192.168.3.10", "192.168.*"), 1);
  assertEquals(matchHostAndIp("10.9.8.7", "10.9.8.7", "*"), 1);
});

Deno.test("host patterns: IPv4 and IPv6 CIDR blocks", () => {
  assertEquals(matchHostAndIp("10.1.2.3", "10.1.2.3", "10.0.0.0/8"), 1);
  assertEquals(matchHostAndIp("11.1.2.3", "11.1.2.3", "10.0.0.0/8"), 0);
  assertEquals(matchHostAndIp("192.0.2.200", "192.0.2.200", "192.0.2.128/25"), 1);
  assertEquals(matchHostAndIp("192.0.2.127", "192.0.2.127", "192.0.2.128/25"), 0);
  assertEquals(matchHostAndIp("203.0.113.9", "203.0.113.9", "0.0.0.0/0"), 1);
  assertEquals(matchHostAndIp("127.0.0.1", "127.0.0.1", "127.0.0.1"), 1); // a bare address is a /32
  assertEquals(matchHostAndIp("127.0.0.2", "127.0.0.2", "127.0.0.1"), 0);
  assertEquals(matchHostAndIp("2001:db8:1::5", "2001:db8:1::5", "2001:db8::/32"), 1);
  assertEquals(matchHostAndIp("2001:db9::5", "2001:db9::5", "2001:db8::/32"), 0);
  assertEquals(matchHostAndIp("::1", "::1", "::1"), 1);
  assertEquals(matchHostAndIp("::1", "::1", "127.0.0.0/8"), 0); // families never mix
  assertEquals(matchHostAndIp("10.0.0.1", "10.0.0.1", "::/0"), 0);
  // sshd matches IPv4-mapped clients as IPv4
  assertEquals(matchHostAndIp("::ffff:10.1.2.3", "::ffff:10.1.2.3", "10.0.0.0/8"), 1);
  assertEquals(matchHostAndIp("::ffff:127.0.0.1", "::ffff:127.0.0.1", "!127.0.0.1,*"), 0);
});

Deno.test("host patterns: a negated entry denies even when another entry matches", () => {
  assertEquals(matchHostAndIp("127.0.0.1", "127.0.0.1", "!127.0.0.1,*"), 0);
  assertEquals(matchHostAndIp("10.0.0.1", "10.0.0.1", "!127.0.0.1,*"), 1);
  assertEquals(matchHostAndIp("10.0.0.1", "10.0.0.1", "10.0.0.0/8,!10.0.0.0/24"), 0);
  assertEquals(matchHostAndIp("10.0.1.1", "10.0.1.1", "10.0.0.0/8,!10.0.0.0/24"), 1);
  assertEquals(matchHostAndIp("10.0.0.1", "10.0.0.1", "*,!10.0.0.?"), 0);
});

Deno.test("host patterns: malformed lists are errors (-1), never matches", () => {
  for (
    const bad of [
      "10.0.0.1/8", // host bits set below the mask
      "10.0.0.0/33", // mask longer than the address
      "2001:db8::1/32",
      "2001:db8::/129",
      "", // empty list = one empty entry
      "127.0.0.1,", // empty entry
      "!", // negation of nothing
      "*,10.0.0.1/8", // an error anywhere spoils the whole list, even after a match
    ]
  ) {
    assertEquals(matchHostAndIp("10.0.0.1", "10.0.0.1", bad), -1, bad);
    assert(hostPatternProblem(bad) !== undefined, bad);
  }
  assertEquals(hostPatternProblem("10.0.0.0/8,!10.1.0.0/16,*.example.com"), undefined);
  // A mask that is not a number is no CIDR block at all: a wildcard that matches only itself.
  assertEquals(matchHostAndIp("10.0.0.0", "10.0.0.0", "10.0.0.0/abc"), 0);
  assertEquals(hostPatternProblem("10.0.0.0/abc"), undefined);
});

Deno.test("host patterns: a client address that is not an IP never matches address entries", () => {
  assertEquals(matchHostAndIp("not-an-ip", "not-an-ip", "10.0.0.0/8"), 0);
  assertEquals(matchHostAndIp("not-an-ip", "not-an-ip", "not-*"), 1); // still a name
});

Deno.test("host patterns: an over-long name sub-pattern never matches (OpenSSH's 1023-byte limit)", () => {
  const long = "a".repeat(1100);
  assertEquals(matchHostName(long, long), 0);
  assertEquals(matchHostName("a", "a"), 1);
});
