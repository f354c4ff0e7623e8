/**
 * E2E: several host keys at once (`-k` repeated): the client gets the type it
 * asks for, and `UpdateHostKeys` learns all of them through hostkeys-00 /
 * hostkeys-prove-00.
 */
import { assert, assertEquals } from "../_helpers/assert.ts";
import { eachFlavor, run } from "./_harness.ts";
import { join } from "node:path";

/** ssh-keygen host keys of every type in a fresh directory. */
function makeHostKeys(): { dir: string; keys: Record<string, string> } {
  const dir = Deno.makeTempDirSync({ prefix: "tsshd-hostkeys-" });
  const keys: Record<string, string> = {};
  for (
    const [name, args] of [
      ["ecdsa256", ["-t", "ecdsa", "-b", "256"]],
      ["ecdsa384", ["-t", "ecdsa", "-b", "384"]],
      ["ecdsa521", ["-t", "ecdsa", "-b", "521"]],
      ["rsa", ["-t", "rsa", "-b", "2048"]],
    ] as const
  ) {
    const path = join(dir, name);
    const out = new Deno.Command("ssh-keygen", { args: [...args, "-N", "", "-q", "-f", path] }).outputSync();
    if (!out.success) throw new Error(`ssh-keygen ${name} failed`);
    keys[name] = path;
  }
  return { dir, keys };
}

const HK = makeHostKeys();
addEventListener("unload", () => Deno.removeSync(HK.dir, { recursive: true }));
const extraKeys = Object.values(HK.keys).flatMap((k) => ["-k", k]);
const pubLine = (path: string) => Deno.readTextFileSync(path + ".pub").trim().split(/\s+/).slice(0, 2).join(" ");

eachFlavor("host keys: each type is served when the client asks for it", async ({ ssh, server, ws }) => {
  const lines = Object.values(HK.keys).map((k) => `[127.0.0.1]:${server.port} ${pubLine(k)}`);
  await Deno.writeTextFile(ws.knownHosts, lines.join("\n") + "\n", { append: true });
  for (
    const alg of [
      "ssh-ed25519",
      "ecdsa-sha2-nistp256",
      "ecdsa-sha2-nistp384",
      "ecdsa-sha2-nistp521",
      "rsa-sha2-512",
      "rsa-sha2-256",
    ]
  ) {
    const r = await run("ssh", ["-v", "-o", `HostKeyAlgorithms=${alg}`, ...ssh(), "echo ok"]);
    assertEquals(r.code, 0, `${alg}: ${r.stderr}`);
    assert(r.stderr.includes(`kex: host key algorithm: ${alg}`), `${alg}: ${r.stderr}`);
    assertEquals(r.text, "ok\n");
  }
}, extraKeys);

eachFlavor(
  "host keys: UpdateHostKeys learns every host key (hostkeys-00 / hostkeys-prove-00)",
  async ({ ssh, server, ws }) => {
    const before = await Deno.readTextFile(ws.knownHosts);
    assertEquals(before.trim().split("\n").length, 1);
    const r = await run("ssh", ["-v", "-o", "UpdateHostKeys=yes", ...ssh(), "true"]);
    assertEquals(r.code, 0, r.stderr);
    const after = await Deno.readTextFile(ws.knownHosts);
    for (const k of Object.values(HK.keys)) {
      assert(after.includes(pubLine(k)), `known_hosts lacks ${k}:\n${after}\n${r.stderr}`);
    }
    assert(r.stderr.includes("client_input_hostkeys"), r.stderr);
    void server;
  },
  extraKeys,
);

eachFlavor("ssh-rsa (SHA-1) is refused by default for host and user keys", async ({ ssh }) => {
  const h = await run("ssh", ["-o", "LogLevel=INFO", "-o", "HostKeyAlgorithms=ssh-rsa", ...ssh(), "true"]);
  assertEquals(h.code, 255);
  assert(h.stderr.includes("no matching host key type"), h.stderr);
  const u = await run("ssh", ["-o", "PubkeyAcceptedAlgorithms=ssh-rsa", ...ssh("rsa"), "true"]);
  assertEquals(u.code, 255);
  assert(u.stderr.includes("Permission denied"), u.stderr);
}, extraKeys);

eachFlavor("ssh-rsa works when configured (+ssh-rsa) for host and user keys", async ({ ssh, server, ws }) => {
  await Deno.writeTextFile(ws.knownHosts, `[127.0.0.1]:${server.port} ${pubLine(HK.keys.rsa)}\n`, { append: true });
  const h = await run("ssh", ["-v", "-o", "HostKeyAlgorithms=ssh-rsa", ...ssh(), "true"]);
  assertEquals(h.code, 0, h.stderr);
  assert(h.stderr.includes("kex: host key algorithm: ssh-rsa"), h.stderr);
  const u = await run("ssh", ["-v", "-o", "PubkeyAcceptedAlgorithms=ssh-rsa", ...ssh("rsa"), "true"]);
  assertEquals(u.code, 0, u.stderr);
}, [...extraKeys, "--host-key-algorithms", "+ssh-rsa", "--pubkey-accepted-algorithms", "+ssh-rsa"]);
