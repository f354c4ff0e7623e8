/**
 * `--allow-users`/`--deny-users`/`--allow-groups`/`--deny-groups`: OpenSSH
 * patterns (ssh_config(5) PATTERNS), address lists with CIDR blocks
 * (`addr_match_list`) and the sshd_config(5) order DenyUsers, AllowUsers,
 * DenyGroups, AllowGroups. Examples are those of the man pages.
 *
 * Run: `node_modules/.bin/deno test tests/unit/user_filter_test.ts`
 */
import { assert, assertEquals, assertThrows } from "../_helpers/assert.ts";
import { matchPattern, matchPatternList } from "../../src/ops/ssh_pattern.ts";
import { addrMatchList, parseIp, unmapIpv4 } from "../../src/ops/addr_match.ts";
import {
  filterUsesGroups,
  type LoginCandidate,
  matchUser,
  splitPatterns,
  UserFilterError,
  userFilterProblem,
  validateUserFilter,
} from "../../src/ops/user_filter.ts";

Deno.test("matchPattern: ssh_config(5) PATTERNS examples", () => {
  assert(matchPattern("www.example.co.uk", "*.co.uk"));
  assert(!matchPattern("www.example.co.ukx", "*.co.uk"));
  assert(matchPattern("192.168.0.7", "192.168.0.?"));
  assert(!matchPattern("192.168.0.17", "192.168.0.?"));
  assert(matchPattern("", "*"));
  assert(matchPattern("", ""));
  assert(!matchPattern("a", ""));
  assert(matchPattern("abc", "a*c"));
  assert(matchPattern("ac", "a*c"));
  assert(!matchPattern("ab", "a*c"));
  assert(matchPattern("a*c", "a*c"));
  assert(!matchPattern("Alice", "alice"), "case sensitive");
  assert(matchPattern("aXbYc", "*?b*c"));
});

Deno.test("matchPattern: no exponential backtracking", () => {
  const start = performance.now();
  assert(!matchPattern("a".repeat(5000), `${"*a".repeat(50)}b`));
  assert(performance.now() - start < 2000);
});

Deno.test("matchPatternList: negation (ssh_config(5) and sshd(8) from= examples)", () => {
  const list = "!*.dialup.example.com,*.example.com";
  assertEquals(matchPatternList("pc7.dialup.example.com", list), -1);
  assertEquals(matchPatternList("www.example.com", list), 1);
  assertEquals(matchPatternList("www.example.org", list), 0);
  // "a negated match will never produce a positive result by itself"
  assertEquals(matchPatternList("host3", "!host1,!host2"), 0);
  assertEquals(matchPatternList("host3", "!host1,!host2,*"), 1);
  assertEquals(matchPatternList("host1", "!host1,!host2,*"), -1);
  assertEquals(matchPatternList("host.example.com", "*.EXAMPLE.com", true), 1);
  assertEquals(matchPatternList("host.example.com", "*.EXAMPLE.com"), 0);
});

Deno.test("parseIp and unmapIpv4", () => {
  assertEquals(parseIp("10.1.2.3"), new Uint8Array([10, 1, 2, 3]));
  assertEquals(parseIp("::1"), new Uint8Array([...new Array(15).fill(0), 1]));
  assertEquals(parseIp("2001:db8::ff00:42:8329")?.slice(0, 4), new Uint8Array([0x20, 0x01, 0x0d, 0xb8]));
  assertEquals(parseIp("::ffff:1.2.3.4")?.slice(10), new Uint8Array([0xff, 0xff, 1, 2, 3, 4]));
  assertEquals(parseIp("fe80::1%eth0")?.[0], 0xfe);
  for (const bad of ["1.2.3", "1.2.3.256", "example.com", "1::2::3", "1:2:3:4:5:6:7:8:9", "12345::", ""]) {
    assertEquals(parseIp(bad), undefined, bad);
  }
  assertEquals(unmapIpv4("::ffff:10.0.0.1"), "10.0.0.1");
  assertEquals(unmapIpv4("::ffff:a00:1"), "10.0.0.1");
  assertEquals(unmapIpv4("::1"), "::1");
  assertEquals(unmapIpv4("10.0.0.1"), "10.0.0.1");
});

Deno.test("addrMatchList: CIDR, wildcards, negation and invalid blocks", () => {
  assertEquals(addrMatchList("10.1.2.3", "10.0.0.0/8"), 1);
  assertEquals(addrMatchList("11.1.2.3", "10.0.0.0/8"), 0);
  assertEquals(addrMatchList("192.168.1.130", "192.168.1.128/25"), 1);
  assertEquals(addrMatchList("192.168.1.127", "192.168.1.128/25"), 0);
  assertEquals(addrMatchList("10.0.0.1", "10.0.0.1"), 1);
  assertEquals(addrMatchList("10.0.0.1", "!10.0.0.1,10.0.0.0/8"), -1);
  assertEquals(addrMatchList("10.0.0.2", "!10.0.0.1,10.0.0.0/8"), 1);
  assertEquals(addrMatchList("192.168.0.7", "192.168.0.?"), 1);
  assertEquals(addrMatchList("2001:db8::5", "2001:db8::/32"), 1);
  assertEquals(addrMatchList("2001:db9::5", "2001:db8::/32"), 0);
  assertEquals(addrMatchList("10.0.0.1", "::/0"), 0, "families never match each other");
  assertEquals(addrMatchList("10.0.0.1", "0.0.0.0/0"), 1);
  assertEquals(addrMatchList("not-an-ip", "*"), 0);
  assertEquals(addrMatchList(undefined, "10.0.0.1/8"), -2, "host bits set");
  assertEquals(addrMatchList(undefined, "10.0.0.0/33"), -2);
  assertEquals(addrMatchList("10.0.0.1", "10.0.0.0/8,"), -2, "empty entry");
  assertEquals(addrMatchList(undefined, "10.0.0.0/8,*.example.com"), 0);
});

Deno.test("matchUser: USER and USER@HOST with names, addresses and CIDR blocks", () => {
  assertEquals(matchUser("alice", "h", "192.0.2.1", "alice"), 1);
  assertEquals(matchUser("alice", "h", "192.0.2.1", "al?ce"), 1);
  assertEquals(matchUser("alice", "h", "192.0.2.1", "bob"), 0);
  assertEquals(matchUser("alice", "10.0.0.5", "10.0.0.5", "alice@10.0.0.0/24"), 1);
  assertEquals(matchUser("alice", "10.0.1.5", "10.0.1.5", "alice@10.0.0.0/24"), 0);
  assertEquals(matchUser("alice", "ws.example.com", "192.0.2.1", "*@*.EXAMPLE.com"), 1);
  assertEquals(matchUser("alice", "ws.example.com", "192.0.2.1", "*@!ws.example.com,*.example.com"), 0);
  assertEquals(matchUser("alice", "10.0.0.1", "10.0.0.1", "*@!10.0.0.1,10.0.0.0/8"), 0);
  assertEquals(matchUser("alice", "10.0.0.2", "::ffff:10.0.0.2", "*@10.0.0.0/8"), 1, "v4-mapped peer");
  assertEquals(matchUser("a@b", "h", "192.0.2.1", "a@b@h"), 1, "the last @ splits");
  assertEquals(matchUser("alice", "h", "192.0.2.1", "alice@10.0.0.1/8"), -1);
});

const who = (user: string, groups: string[] = [], address = "192.0.2.1"): LoginCandidate => ({
  user,
  groups,
  host: address,
  address,
});

Deno.test("userFilterProblem: DenyUsers, then AllowUsers", () => {
  assertEquals(userFilterProblem({}, who("alice")), undefined);
  assertEquals(
    userFilterProblem({ denyUsers: ["root", "guest*"] }, who("guest1")),
    "User guest1 from 192.0.2.1 not allowed because listed in DenyUsers",
  );
  assertEquals(userFilterProblem({ denyUsers: ["root"] }, who("alice")), undefined);
  assertEquals(
    userFilterProblem({ allowUsers: ["alice", "bob"] }, who("carol")),
    "User carol from 192.0.2.1 not allowed because not listed in AllowUsers",
  );
  assertEquals(userFilterProblem({ allowUsers: ["alice", "bob"] }, who("bob")), undefined);
  // "AllowUsers is not consulted for users matched by DenyUsers"
  assertEquals(
    userFilterProblem({ allowUsers: ["alice"], denyUsers: ["alice@192.0.2.0/24"] }, who("alice")),
    "User alice from 192.0.2.1 not allowed because listed in DenyUsers",
  );
  assertEquals(userFilterProblem({ allowUsers: ["alice"], denyUsers: ["alice@10.0.0.0/8"] }, who("alice")), undefined);
  assertEquals(userFilterProblem({ allowUsers: ["alice@10.0.0.0/8"] }, who("alice", [], "10.9.9.9")), undefined);
  assert(userFilterProblem({ allowUsers: ["alice@10.0.0.0/8"] }, who("alice"))?.includes("not listed in AllowUsers"));
  assert(userFilterProblem({ allowUsers: ["alice@10.0.0.1/8"] }, who("alice"))?.includes("is invalid"));
});

Deno.test("userFilterProblem: DenyGroups, then AllowGroups, on group names", () => {
  const f = { allowGroups: ["ssh-users", "wheel"], denyGroups: ["guests"] };
  assertEquals(userFilterProblem(f, who("alice", ["alice", "wheel"])), undefined);
  assertEquals(
    userFilterProblem(f, who("bob", ["bob", "guests", "wheel"])),
    "User bob from 192.0.2.1 not allowed because a group is listed in DenyGroups",
  );
  assertEquals(
    userFilterProblem(f, who("carol", ["carol"])),
    "User carol from 192.0.2.1 not allowed because none of user's groups are listed in AllowGroups",
  );
  assertEquals(userFilterProblem({ allowGroups: ["ssh-*"] }, who("dave", ["dave", "ssh-ops"])), undefined);
  assertEquals(
    userFilterProblem({ denyGroups: ["x"] }, who("eve", [])),
    "User eve from 192.0.2.1 not allowed because not in any group",
  );
  // Users are checked before groups; groups are not looked at when no group list is set.
  assert(userFilterProblem({ denyUsers: ["eve"], allowGroups: ["eve"] }, who("eve", ["eve"]))?.includes("DenyUsers"));
  assertEquals(userFilterProblem({ allowUsers: ["eve"] }, who("eve", [])), undefined);
  assertEquals(filterUsesGroups({ allowUsers: ["eve"] }), false);
  assertEquals(filterUsesGroups({ denyGroups: ["x"] }), true);
});

Deno.test("userFilterProblem: control characters in names are not logged raw", () => {
  const reason = userFilterProblem({ denyUsers: ["*"] }, who("evil\nUser root"));
  assertEquals(reason, "User evil?User root from 192.0.2.1 not allowed because listed in DenyUsers");
});

Deno.test("validateUserFilter and splitPatterns", () => {
  validateUserFilter({ allowUsers: ["alice", "bob@10.0.0.0/8,!10.0.0.1", "c@*.example.com"], denyUsers: ["*@::1"] });
  const e = assertThrows(() => validateUserFilter({ denyUsers: ["*@10.0.0.0/33"] }), UserFilterError);
  assert(e.message.includes("--deny-users"), e.message);
  assertThrows(() => validateUserFilter({ allowUsers: ["a@10.0.0.1/8"] }), UserFilterError);
  assertEquals(splitPatterns("  alice\tbob@10.0.0.0/8,!10.0.0.1  "), ["alice", "bob@10.0.0.0/8,!10.0.0.1"]);
  assertEquals(splitPatterns(""), []);
});
