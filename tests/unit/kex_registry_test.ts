/**
 * The KEX registry (names, default order, optional methods) and the `--kex`
 * command-line flag that selects from it.
 */
import { assert, assertEquals, assertThrows } from "../_helpers/assert.ts";
import { DEFAULT_KEX, kexMethod, kexRegistry, OPTIONAL_KEX, supportedKex } from "../../src/ssh/crypto/kex/registry.ts";
import { parseCli, UsageError } from "../../src/cli_args.ts";

const SNTRUP = ["sntrup761x25519-sha512", "sntrup761x25519-sha512@openssh.com"];

Deno.test("kex registry: default order strongest first, finite-field DH off by default", () => {
  const withoutSntrup = DEFAULT_KEX.filter((n) => !SNTRUP.includes(n));
  assertEquals(withoutSntrup, [
    "mlkem768x25519-sha256",
    "curve25519-sha256",
    "curve25519-sha256@libssh.org",
    "ecdh-sha2-nistp256",
    "ecdh-sha2-nistp384",
    "ecdh-sha2-nistp521",
  ]);
  // sntrup761 appears (once registered) right after ML-KEM, and only if it resolves.
  for (const n of DEFAULT_KEX.filter((n) => SNTRUP.includes(n))) {
    assert(DEFAULT_KEX.indexOf(n) <= 2 && kexMethod(n) !== undefined, n);
  }
  assertEquals(OPTIONAL_KEX, [
    "diffie-hellman-group-exchange-sha256",
    "diffie-hellman-group16-sha512",
    "diffie-hellman-group18-sha512",
    "diffie-hellman-group14-sha256",
  ]);
  assert(OPTIONAL_KEX.every((n) => !DEFAULT_KEX.includes(n)));
});

Deno.test("kex registry: every listed name resolves to a method of that name and the right hash", () => {
  const hashes: Record<string, string> = {
    "mlkem768x25519-sha256": "sha256",
    "curve25519-sha256": "sha256",
    "curve25519-sha256@libssh.org": "sha256",
    "ecdh-sha2-nistp256": "sha256",
    "ecdh-sha2-nistp384": "sha384",
    "ecdh-sha2-nistp521": "sha512",
    "diffie-hellman-group-exchange-sha256": "sha256",
    "diffie-hellman-group16-sha512": "sha512",
    "diffie-hellman-group18-sha512": "sha512",
    "diffie-hellman-group14-sha256": "sha256",
  };
  const supported = supportedKex();
  for (const name of [...DEFAULT_KEX, ...OPTIONAL_KEX]) {
    const m = kexMethod(name);
    assert(m, `${name} does not resolve`);
    assertEquals(m.name, name);
    assert(supported.includes(name), name);
    if (hashes[name]) assertEquals(m.hash, hashes[name], name);
  }
  for (const name of Object.keys(hashes)) assert(supported.includes(name), name);
  assertEquals(kexMethod("diffie-hellman-group1-sha1"), undefined);
  assertEquals(kexMethod("diffie-hellman-group14-sha1"), undefined);
  assertEquals([...kexRegistry().keys()].sort(), [...supported].sort());
});

Deno.test("cli --kex: a list replaces the default, +LIST appends, unknown names are a usage error", () => {
  assertEquals(parseCli([], "/h").kex, undefined);
  assertEquals(parseCli(["--kex", "diffie-hellman-group14-sha256,curve25519-sha256"], "/h").kex, [
    "diffie-hellman-group14-sha256",
    "curve25519-sha256",
  ]);
  assertEquals(parseCli(["--kex", "+diffie-hellman-group-exchange-sha256"], "/h").kex, [
    ...DEFAULT_KEX,
    "diffie-hellman-group-exchange-sha256",
  ]);
  const all = parseCli(["--kex", [...DEFAULT_KEX, ...OPTIONAL_KEX].join(",")], "/h").kex;
  assertEquals(all, [...DEFAULT_KEX, ...OPTIONAL_KEX]);
  const e = assertThrows(() => parseCli(["--kex", "curve25519-sha256,diffie-hellman-group1-sha1"], "/h"), UsageError);
  assert(e.message.startsWith("--kex: unknown name 'diffie-hellman-group1-sha1'"), e.message);
  assert(!e.message.includes("\n"), "one line");
  assertThrows(() => parseCli(["--kex", ""], "/h"), UsageError, "empty name");
  assertThrows(() => parseCli(["--kex"], "/h"), UsageError);
});
