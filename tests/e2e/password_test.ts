/**
 * E2E: password and keyboard-interactive logins with the stock OpenSSH
 * client (passwords typed by sshpass) against a `--password-file`, the
 * refusals in sshd's words, and PermitRootLogin's default refusing root's
 * password.
 */
import { join } from "node:path";
import { assert, assertEquals } from "../_helpers/assert.ts";
import { currentUser, eachFlavor, run, safeTempDir } from "./_harness.ts";
import { requireProgram } from "./_peers.ts";
import { hashPassword } from "../../src/ops/password/hash.ts";

const PASSWORD = "correct horse battery staple";
const DIR = await safeTempDir("tsshd-passwords-");
const FILE = join(DIR, "passwords");
await Deno.writeTextFile(FILE, `# test passwords\n${currentUser()}:${await hashPassword(PASSWORD)}\n`, { mode: 0o600 });
addEventListener("unload", () => Deno.removeSync(DIR, { recursive: true }));
const IS_ROOT = Deno.uid() === 0;

function sshpass(
  password: string,
  method: string,
  sshArgs: string[],
  user?: string,
): Promise<{ code: number; text: string; stderr: string }> {
  const args = [...sshArgs];
  if (user) args.push(args.pop()!.replace(/^[^@]+@/, `${user}@`));
  return run("sshpass", [
    "-p",
    password,
    "ssh",
    "-o",
    "BatchMode=no", // the harness config says yes, which forbids password prompts
    "-o",
    `PreferredAuthentications=${method}`,
    "-o",
    "PubkeyAuthentication=no",
    "-o",
    "NumberOfPasswordPrompts=1",
    ...args,
    "echo in-$USER",
  ]);
}

eachFlavor(
  "passwords: password and keyboard-interactive log in; wrong and unknown fail in sshd's words",
  async ({ ssh, server }) => {
    await requireProgram("sshpass", "sshpass");
    const ok = await sshpass(PASSWORD, "password", ssh());
    assertEquals([ok.code, ok.text], [0, `in-${currentUser()}\n`], ok.stderr);
    await server.waitFor(new RegExp(`Accepted password for ${currentUser()} from 127\\.0\\.0\\.1 port \\d+ ssh2`));
    const kbd = await sshpass(PASSWORD, "keyboard-interactive", ssh());
    assertEquals([kbd.code, kbd.text], [0, `in-${currentUser()}\n`], kbd.stderr);
    await server.waitFor(new RegExp(`Accepted keyboard-interactive for ${currentUser()} from 127\\.0\\.0\\.1`));
    const wrong = await sshpass("wrong", "password", ssh());
    assert(wrong.code !== 0, wrong.stderr);
    await server.waitFor(new RegExp(`Failed password for ${currentUser()} from 127\\.0\\.0\\.1 port \\d+ ssh2`));
    const wrongKbd = await sshpass("wrong", "keyboard-interactive", ssh());
    assert(wrongKbd.code !== 0, wrongKbd.stderr);
    await server.waitFor(new RegExp(`Failed keyboard-interactive for ${currentUser()} from`));
    const unknown = await sshpass(PASSWORD, "password", ssh(), "nosuchuser");
    assert(unknown.code !== 0);
    await server.waitFor(/Failed password for invalid user nosuchuser from 127\.0\.0\.1 port \d+ ssh2/);
    const empty = await sshpass("", "password", ssh());
    assert(empty.code !== 0, "an empty password is refused");
  },
  ["--password-file", FILE, ...(IS_ROOT ? ["--permit-root-login", "yes"] : [])],
  { binary: true },
);

if (IS_ROOT) {
  eachFlavor("passwords: root's password is refused under the default --permit-root-login", async ({ ssh, server }) => {
    await requireProgram("sshpass", "sshpass");
    const r = await sshpass(PASSWORD, "password", ssh());
    assert(r.code !== 0, r.stderr);
    await server.waitFor(/ROOT LOGIN REFUSED FROM 127\.0\.0\.1/);
    const key = await run("ssh", [...ssh(), "true"]);
    assertEquals(key.code, 0, `keys still work: ${key.stderr}`);
  }, ["--password-file", FILE]);
}

eachFlavor("passwords: without --password-file only publickey is offered", async ({ ssh }) => {
  await requireProgram("sshpass", "sshpass");
  const r = await sshpass(PASSWORD, "password", ssh());
  assert(r.code !== 0);
  assert(r.stderr.includes("Permission denied (publickey)"), r.stderr);
});

eachFlavor(
  "multi-factor: --authentication-methods publickey,password needs the key and then the password",
  async ({ ssh, server }) => {
    await requireProgram("sshpass", "sshpass");
    const both = await run("sshpass", [
      "-p",
      PASSWORD,
      "ssh",
      "-o",
      "BatchMode=no",
      "-o",
      "PreferredAuthentications=publickey,password",
      "-o",
      "NumberOfPasswordPrompts=1",
      ...ssh(),
      "echo both",
    ]);
    assertEquals([both.code, both.text], [0, "both\n"], both.stderr);
    await server.waitFor(
      new RegExp(`Partial publickey for ${currentUser()} from 127\\.0\\.0\\.1 port \\d+ ssh2: ED25519`),
    );
    await server.waitFor(new RegExp(`Accepted password for ${currentUser()} from`));
    const keyOnly = await run("ssh", [...ssh(), "true"]); // BatchMode: no password prompt
    assert(keyOnly.code !== 0 && keyOnly.stderr.includes("Permission denied (password)"), keyOnly.stderr);
    const passwordOnly = await sshpass(PASSWORD, "password", ssh());
    assert(passwordOnly.code !== 0, "a password alone is not enough");
  },
  [
    "--password-file",
    FILE,
    "--authentication-methods",
    "publickey,password",
    ...(IS_ROOT ? ["--permit-root-login", "yes"] : []),
  ],
);
