/**
 * E2E: publickey login with each client key type through the stock OpenSSH
 * client, and the rejections (unknown key, wrong user) with OpenSSH's wording.
 */
import { assert, assertEquals } from "../_helpers/assert.ts";
import { currentUser, eachFlavor, run } from "./_harness.ts";

eachFlavor(
  "auth: ed25519, ecdsa-sha2-nistp256 and RSA keys log in",
  async ({ ssh, server }) => {
    for (const id of ["ed25519", "ecdsa", "rsa"] as const) {
      const r = await run("ssh", [...ssh(id), "echo hello-$USER"]);
      assertEquals(r.code, 0, `${id}: ${r.stderr}`);
      assertEquals(r.text, `hello-${currentUser()}\n`);
    }
    const log = server.output();
    assert(/Accepted publickey for \S+ from 127\.0\.0\.1 port \d+ ssh2: ED25519 SHA256:/.test(log), log);
    assert(/Accepted publickey for \S+ from 127\.0\.0\.1 port \d+ ssh2: ECDSA SHA256:/.test(log), log);
    assert(/Accepted publickey for \S+ from 127\.0\.0\.1 port \d+ ssh2: RSA SHA256:/.test(log), log);
  },
  [],
  { binary: true },
);

eachFlavor("auth: RSA signs with rsa-sha2-256 and with rsa-sha2-512", async ({ ssh }) => {
  for (const alg of ["rsa-sha2-256", "rsa-sha2-512"]) {
    const r = await run("ssh", ["-v", "-o", `PubkeyAcceptedAlgorithms=${alg}`, ...ssh("rsa"), "true"]);
    assertEquals(r.code, 0, `${alg}: ${r.stderr}`);
    assert(r.stderr.includes(`Server accepts key: `) && r.stderr.includes(alg), `${alg}: ${r.stderr}`);
  }
});

eachFlavor("auth: a key not in authorized_keys is rejected", async ({ ssh, server }) => {
  const r = await run("ssh", [...ssh("other"), "true"]);
  assertEquals(r.code, 255);
  assert(r.stderr.includes("Permission denied (publickey)"), r.stderr);
  await server.waitFor(/Failed publickey for \S+ from 127\.0\.0\.1 port \d+ ssh2: ED25519 SHA256:/);
});

eachFlavor("auth: a user other than the one tsshd runs as is rejected", async ({ ssh, server }) => {
  const args = ssh("ed25519");
  const target = args.pop()!.replace(/^[^@]+@/, "nosuchuser@");
  const r = await run("ssh", [...args, target, "true"]);
  assertEquals(r.code, 255);
  assert(r.stderr.includes("Permission denied (publickey)"), r.stderr);
  await server.waitFor(/Invalid user nosuchuser from 127\.0\.0\.1/);
});

eachFlavor(
  "auth: authorized_keys edits apply at once; a malformed line is a warning and others still work",
  async ({ ssh, server, ws }) => {
    const good = await Deno.readTextFile(ws.authorizedKeys);
    await Deno.writeTextFile(ws.authorizedKeys, "ssh-ed25519 not-base64!!\n" + good);
    const r = await run("ssh", [...ssh("ed25519"), "true"]);
    assertEquals(r.code, 0, r.stderr);
    await server.waitFor(new RegExp(`${ws.authorizedKeys.replaceAll("/", "\\/")}:1: `));
    await Deno.writeTextFile(ws.authorizedKeys, "# nobody\n");
    const r2 = await run("ssh", [...ssh("ed25519"), "true"]);
    assertEquals(r2.code, 255);
  },
);

eachFlavor(
  "auth: each user key algorithm with -o PubkeyAcceptedAlgorithms (ecdsa P-256/384/521, ed25519, RSA)",
  async ({ ssh, ws }) => {
    const extra: Array<[string, string, string[]]> = [
      ["ecdsa-sha2-nistp384", "p384", ["-t", "ecdsa", "-b", "384"]],
      ["ecdsa-sha2-nistp521", "p521", ["-t", "ecdsa", "-b", "521"]],
    ];
    for (const [, name, args] of extra) {
      const path = `${ws.dir}/${name}`;
      assert(new Deno.Command("ssh-keygen", { args: [...args, "-q", "-N", "", "-f", path] }).outputSync().success);
      await Deno.writeTextFile(ws.authorizedKeys, await Deno.readTextFile(`${path}.pub`), { append: true });
    }
    const cases: Array<[string, string[]]> = [
      ["ssh-ed25519", ssh("ed25519")],
      ["ecdsa-sha2-nistp256", ssh("ecdsa")],
      ["rsa-sha2-512", ssh("rsa")],
      ["rsa-sha2-256", ssh("rsa")],
      ...extra.map(([alg, name]): [string, string[]] => [alg, ["-i", `${ws.dir}/${name}`, ...ssh("other")]]),
    ];
    for (const [alg, args] of cases) {
      const r = await run("ssh", ["-vvv", "-o", `PubkeyAcceptedAlgorithms=${alg}`, ...args, "echo in"]);
      assertEquals(r.code, 0, `${alg}: ${r.stderr}`);
      assertEquals(r.text, "in\n");
      assert(new RegExp(`sign_and_send_pubkey: using publickey-hostbound-v00@openssh\\.com with`).test(r.stderr), alg);
      assert(r.stderr.includes(`Server accepts key:`), alg);
    }
  },
);
