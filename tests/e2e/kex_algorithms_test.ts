/**
 * E2E: every key exchange method the OpenSSH 9.2 client also speaks, asked for
 * with `-o KexAlgorithms=NAME` against tsshd started with `--kex` listing all
 * it implements; `ssh -v` must report the method and the command must run.
 * mlkem768x25519-sha256 is left out (OpenSSH < 9.9 lacks it: the independent
 * client in tests/unit/kex_mlkem_test.ts checks it), and so is sntrup761 (its
 * own tests). By default the finite-field methods must not be offered.
 */
import { assert, assertEquals } from "../_helpers/assert.ts";
import { eachFlavor, ensureBinary, flavors, ROOT, run, serverCommand } from "./_harness.ts";
import { DEFAULT_KEX, OPTIONAL_KEX, supportedKex } from "../../src/ssh/crypto/kex/registry.ts";
import { MODP_3072 } from "../../src/ssh/crypto/kex/dh_groups.ts";

const ALL = [...DEFAULT_KEX, ...OPTIONAL_KEX];
/** An OpenSSH moduli file holding one group (RFC 3526 3072-bit; size field is bits − 1). */
const MODULI_FILE = Deno.makeTempFileSync({ prefix: "tsshd-moduli-" });
Deno.writeTextFileSync(MODULI_FILE, `20240101000000 2 6 100 3071 2 ${MODP_3072.p.toString(16).toUpperCase()}\n`);
addEventListener("unload", () => Deno.removeSync(MODULI_FILE));
const NOT_IN_OPENSSH_9_2 = ["mlkem768x25519-sha256"];
const OWN_TESTS = ["sntrup761x25519-sha512", "sntrup761x25519-sha512@openssh.com"];
const CLIENT_TESTED = supportedKex().filter((n) => !NOT_IN_OPENSSH_9_2.includes(n) && !OWN_TESTS.includes(n));

eachFlavor(
  "kex: each method with the real OpenSSH client (server started with --kex listing all)",
  async ({ ssh }) => {
    assertEquals(CLIENT_TESTED.length, 9);
    for (const name of CLIENT_TESTED) {
      const r = await run("ssh", ["-v", "-o", `KexAlgorithms=${name}`, ...ssh(), "echo kex-ok"]);
      assertEquals(r.code, 0, `${name}: ${r.stderr}`);
      assertEquals(r.text, "kex-ok\n", name);
      assert(
        new RegExp(`kex: algorithm: ${name.replace(/[.@]/g, "\\$&")}\\r?\\n`).test(r.stderr),
        `${name}: ${r.stderr}`,
      );
    }
  },
  ["--kex", ALL.join(",")],
);

eachFlavor("kex: the default offer is the modern set, strongest first, without finite-field DH", async ({ ssh }) => {
  const r = await run("ssh", ["-vvv", ...ssh(), "true"]);
  assertEquals(r.code, 0, r.stderr);
  const offered = /peer server KEXINIT proposal[\s\S]*?KEX algorithms: ([^\r\n]*)/.exec(r.stderr)?.[1];
  assertEquals(offered?.split(",").filter((n) => !n.startsWith("kex-strict") && !n.startsWith("ext-info")), [
    ...DEFAULT_KEX,
  ]);
  assert(offered?.startsWith("mlkem768x25519-sha256,"), offered);
  const dh = await run("ssh", ["-v", "-o", "KexAlgorithms=diffie-hellman-group14-sha256", ...ssh(), "true"]);
  assert(dh.code !== 0, "diffie-hellman-group14-sha256 must be off by default");
  assert(/no matching key exchange method found/.test(dh.stderr), dh.stderr);
});

for (const flavor of flavors()) {
  Deno.test({
    name: `[${flavor}] kex: an unknown --kex name is a one-line usage error`,
    sanitizeResources: false,
    sanitizeOps: false,
    async fn() {
      if (flavor === "binary") await ensureBinary();
      const { cmd, args } = serverCommand(flavor, ["--kex", "curve25519-sha256,diffie-hellman-group1-sha1"]);
      const out = await new Deno.Command(cmd, { args, cwd: ROOT, stdout: "piped", stderr: "piped" }).output();
      const stderr = new TextDecoder().decode(out.stderr).trim();
      assertEquals(out.code, 2, stderr);
      assertEquals(stderr.split("\n").length, 1, stderr);
      assert(stderr.startsWith("tsshd: --kex: unknown name 'diffie-hellman-group1-sha1' (supported: "), stderr);
    },
  });
}

eachFlavor("kex: group exchange draws from --moduli FILE (OpenSSH moduli format)", async ({ ssh }) => {
  const r = await run("ssh", ["-vvv", "-o", "KexAlgorithms=diffie-hellman-group-exchange-sha256", ...ssh(), "true"]);
  assertEquals(r.code, 0, r.stderr);
  // the client asks for 8192 bits; the moduli file holds only a 3072-bit group, so that one must be sent
  assert(r.stderr.includes("SSH2_MSG_KEX_DH_GEX_REQUEST(2048<8192<8192) sent"), r.stderr);
  assert(/bits set: \d+\/3072\r?\n/.test(r.stderr), r.stderr);
}, ["--kex", "+diffie-hellman-group-exchange-sha256", "--moduli", MODULI_FILE]);

eachFlavor(
  "kex: sntrup761x25519-sha512 (both names) with the real OpenSSH client, and it is Debian 12's client default",
  async ({ ssh }) => {
    for (const name of ["sntrup761x25519-sha512@openssh.com", "sntrup761x25519-sha512"]) {
      const r = await run("ssh", ["-v", "-o", `KexAlgorithms=${name}`, ...ssh(), "echo kex-ok"]);
      assertEquals(r.code, 0, `${name}: ${r.stderr}`);
      assertEquals(r.text, "kex-ok\n");
      assert(new RegExp(`kex: algorithm: ${name.replace(/[.@]/g, "\\$&")}\\r?\\n`).test(r.stderr), r.stderr);
    }
    const d = await run("ssh", ["-v", ...ssh(), "true"]);
    assertEquals(d.code, 0, d.stderr);
    assert(/kex: algorithm: sntrup761x25519-sha512(@openssh\.com)?\r?\n/.test(d.stderr), d.stderr);
  },
);
