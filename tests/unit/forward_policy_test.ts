/**
 * permitopen/permitlisten matching with OpenSSH's semantics (sshd_config(5),
 * authorized_keys(5) and channels.c's open_match / remote_open_match), the
 * GatewayPorts bind addresses, and the forwarding flags.
 */
import { assert, assertEquals, assertThrows } from "../_helpers/assert.ts";
import { globMatch, parsePermit, permitsListen, permitsOpen, PermitSyntaxError } from "../../src/ssh/forward_policy.ts";
import { bindAddresses } from "../../src/ops/forward_bind.ts";
import { forwardSettings } from "../../src/cli_forward_args.ts";
import { parseCli, UsageError } from "../../src/cli_args.ts";

Deno.test("permitsOpen: undefined/any allow all, none nothing, literal hosts, * ports and hosts", () => {
  assert(permitsOpen(undefined, "example.com", 80));
  assert(permitsOpen(["any"], "example.com", 80));
  assert(!permitsOpen(["none"], "example.com", 80));
  assert(!permitsOpen([], "example.com", 80));
  const list = ["localhost:8080", "db.internal:*", "[::1]:22", "*:443"];
  assert(permitsOpen(list, "localhost", 8080));
  assert(!permitsOpen(list, "localhost", 8081));
  assert(!permitsOpen(list, "127.0.0.1", 8080), "no name lookup: 127.0.0.1 is not localhost");
  assert(permitsOpen(list, "db.internal", 5432));
  assert(permitsOpen(list, "::1", 22));
  assert(!permitsOpen(list, "::1", 23));
  assert(permitsOpen(list, "anything.example", 443));
  assert(!permitsOpen(list, "db.internal.evil", 5432), "no patterns in permitopen hosts");
});

Deno.test("permitsListen: bare port = any address, host patterns, the client's empty address for *", () => {
  assert(permitsListen(undefined, "localhost", 80));
  assert(!permitsListen(["none"], "localhost", 8080));
  assert(permitsListen(["8080"], "localhost", 8080));
  assert(permitsListen(["8080"], "", 8080));
  assert(!permitsListen(["8080"], "localhost", 8081));
  assert(permitsListen(["127.0.0.1:9000"], "127.0.0.1", 9000));
  assert(!permitsListen(["127.0.0.1:9000"], "localhost", 9000));
  assert(permitsListen(["LocalHost:*"], "localhost", 1234), "case-insensitive");
  assert(permitsListen(["10.0.0.?:7000"], "10.0.0.5", 7000));
  assert(!permitsListen(["10.0.0.?:7000"], "10.0.0.55", 7000));
  assert(!permitsListen(["7000"], "localhost", 0), "port 0 needs a * entry");
  assert(permitsListen(["*"], "localhost", 0));
});

Deno.test("parsePermit: syntax", () => {
  assertEquals(parsePermit("[fe80::1]:*"), { host: "fe80::1", port: undefined });
  assertEquals(parsePermit("Host:22"), { host: "host", port: 22 });
  assertEquals(parsePermit("22", "*"), { host: "*", port: 22 });
  for (const bad of ["22", "host", "host:", "host:70000", "host:x", "a:b:c", "[::1]"]) {
    assertThrows(() => parsePermit(bad), PermitSyntaxError);
  }
});

Deno.test("globMatch: * and ? only; other characters literal", () => {
  assert(globMatch("a.example.com", "*.example.com"));
  assert(!globMatch("aexample.com", "*.example.com"));
  assert(globMatch("x1", "x?"));
  assert(!globMatch("x12", "x?"));
  assert(!globMatch("a+b", "a.b"));
  assert(globMatch("(a)", "(a)"));
});

Deno.test("bindAddresses: GatewayPorts no / yes / clientspecified as sshd", () => {
  assertEquals(bindAddresses("localhost", "no"), ["127.0.0.1", "::1"]);
  assertEquals(bindAddresses("0.0.0.0", "no"), ["127.0.0.1", "::1"]);
  assertEquals(bindAddresses("", "no"), ["127.0.0.1", "::1"]);
  assertEquals(bindAddresses("::1", "no"), ["::1"]);
  assertEquals(bindAddresses("127.0.0.1", "yes"), ["::", "0.0.0.0"]);
  assertEquals(bindAddresses("localhost", "yes"), ["::", "0.0.0.0"]);
  assertEquals(bindAddresses("", "clientspecified"), ["::", "0.0.0.0"]);
  assertEquals(bindAddresses("*", "clientspecified"), ["::", "0.0.0.0"]);
  assertEquals(bindAddresses("localhost", "clientspecified"), ["127.0.0.1", "::1"]);
  assertEquals(bindAddresses("192.0.2.7", "clientspecified"), ["192.0.2.7"]);
});

Deno.test("forwarding flags: defaults are sshd's; values checked; lists split on spaces and commas", () => {
  const d = forwardSettings({});
  const { tcp, streamlocal, gatewayPorts, streamlocalBindUnlink, permitOpen, permitListen } = d.forwarding;
  assertEquals([tcp, streamlocal, gatewayPorts, streamlocalBindUnlink], ["yes", "yes", "no", false]);
  assertEquals([permitOpen, permitListen], [undefined, undefined]);
  assertEquals(d.allowAgentForwarding, true);
  const s = forwardSettings({
    "allow-tcp-forwarding": "local",
    "permit-open": ["localhost:80 [::1]:22", "db:*"],
    "permit-listen": ["8080,9000"],
    "gateway-ports": "clientspecified",
    "streamlocal-bind-unlink": "yes",
    "allow-agent-forwarding": "no",
  });
  assertEquals(s.forwarding.tcp, "local");
  assertEquals(s.forwarding.permitOpen, ["localhost:80", "[::1]:22", "db:*"]);
  assertEquals(s.forwarding.permitListen, ["8080", "9000"]);
  assertEquals(s.forwarding.gatewayPorts, "clientspecified");
  assert(s.forwarding.streamlocalBindUnlink);
  assertEquals(s.allowAgentForwarding, false);
  assertThrows(() => forwardSettings({ "allow-tcp-forwarding": "maybe" }), Error, "--allow-tcp-forwarding 'maybe'");
  assertThrows(() => forwardSettings({ "permit-open": ["8080"] }), Error, "--permit-open");
  assertThrows(() => parseCli(["--gateway-ports", "sometimes"], "/h"), UsageError, "--gateway-ports");
  assertEquals(parseCli(["--permit-listen", "none"], "/h").forwarding.permitListen, ["none"]);
});
