/**
 * E2E: the real OpenSSH client with the non-AEAD ciphers (`aes{128,192,256}-ctr`)
 * and every MAC, asked for with `-c` / `-m`: `ssh -v` must report the pair for
 * both directions and a 3 MB download must arrive intact. The server runs with
 * `--macs +hmac-sha1-etm@openssh.com,hmac-sha1` so the opt-in SHA-1 MACs are offered too;
 * a second server with default flags must refuse them. Rekeying mid-transfer and
 * usage errors for unknown names are covered too.
 */
import { assert, assertEquals } from "../_helpers/assert.ts";
import { eachFlavor, ensureBinary, flavors, ROOT, run, serverCommand } from "./_harness.ts";

const CTR_CIPHERS = ["aes128-ctr", "aes192-ctr", "aes256-ctr"];
const MACS = [
  "hmac-sha2-256-etm@openssh.com",
  "hmac-sha2-512-etm@openssh.com",
  "hmac-sha2-256",
  "hmac-sha2-512",
  "hmac-sha1-etm@openssh.com",
  "hmac-sha1",
];
/** One Encrypt-then-MAC and one Encrypt-and-MAC name: both packet layouts. */
const REPRESENTATIVE_MACS = ["hmac-sha2-256-etm@openssh.com", "hmac-sha2-512"];
/** sha256 of 3,000,000 zero bytes. */
const ZEROS_3MB_SHA256 = "35bce4eae54ec8e6cc2868baa8d157914d6ae2858811b4cc0c078c94460fa26f";

/** Every cipher with the representative MACs, and every MAC with aes128-ctr. */
function combinations(): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const c of CTR_CIPHERS) for (const m of REPRESENTATIVE_MACS) out.push([c, m]);
  for (const m of MACS) if (!REPRESENTATIVE_MACS.includes(m)) out.push(["aes128-ctr", m]);
  return out;
}

eachFlavor(
  "cipher+mac: aes*-ctr with every MAC negotiates and moves 3 MB intact",
  async ({ ssh }) => {
    for (const [cipher, mac] of combinations()) {
      const r = await run("ssh", ["-v", "-c", cipher, "-m", mac, ...ssh(), "head -c 3000000 /dev/zero | sha256sum"]);
      const what = `${cipher} + ${mac}`;
      assertEquals(r.code, 0, `${what}: ${r.stderr}`);
      assert(r.stderr.includes(`kex: server->client cipher: ${cipher} MAC: ${mac} compression: none`), what);
      assert(r.stderr.includes(`kex: client->server cipher: ${cipher} MAC: ${mac} compression: none`), what);
      assertEquals(r.text.split(" ")[0], ZEROS_3MB_SHA256, what);
    }
  },
  ["--macs", "+hmac-sha1-etm@openssh.com,hmac-sha1"],
);

/** A 3 MB file of random bytes in `dir`, and its sha256 in hex. */
async function randomFile(dir: string): Promise<{ file: string; sha256: string }> {
  const file = `${dir}/upload.bin`;
  const data = new Uint8Array(3_000_000);
  for (let i = 0; i < data.length; i += 65536) crypto.getRandomValues(data.subarray(i, i + 65536));
  await Deno.writeFile(file, data);
  const sha256 = Array.from(new Uint8Array(await crypto.subtle.digest("SHA-256", data)))
    .map((b) => b.toString(16).padStart(2, "0")).join("");
  return { file, sha256 };
}

eachFlavor("cipher+mac: 3 MB upload through aes256-ctr + hmac-sha2-256 (client to server)", async ({ ssh, ws }) => {
  const { file, sha256 } = await randomFile(ws.dir);
  for (const mac of ["hmac-sha2-256", "hmac-sha2-256-etm@openssh.com"]) {
    const r = await run("ssh", ["-c", "aes256-ctr", "-m", mac, ...ssh(), "sha256sum"], { stdinFile: file });
    assertEquals(r.code, 0, r.stderr);
    assertEquals(r.text.split(" ")[0], sha256, mac);
  }
});

eachFlavor("cipher+mac: SHA-1 MACs are off by default", async ({ ssh }) => {
  const r = await run("ssh", ["-v", "-c", "aes128-ctr", "-m", "hmac-sha1", ...ssh(), "true"]);
  assert(r.code !== 0, "hmac-sha1 should not be negotiated by default");
  assert(/no matching MAC found/.test(r.stderr), r.stderr);
  const ok = await run("ssh", ["-v", "-c", "aes128-ctr", ...ssh(), "true"]);
  assertEquals(ok.code, 0, ok.stderr);
  // OpenSSH's client prefers umac-64-etm@openssh.com first, which we lack; the next in its list is ours.
  assert(/kex: server->client cipher: aes128-ctr MAC: hmac-sha2-256-etm@openssh.com/.test(ok.stderr), ok.stderr);
});

eachFlavor("cipher+mac: rekeying every 256 KiB keeps aes-ctr streams and MACs in step", async ({ ssh, ws }) => {
  // OpenSSH's client checks its RekeyLimit when it sends, so the data goes up: ~12 key exchanges for 3 MB
  const { file, sha256 } = await randomFile(ws.dir);
  for (const mac of ["hmac-sha2-256", "hmac-sha2-512-etm@openssh.com"]) {
    const r = await run("ssh", ["-v", "-o", "RekeyLimit=256K", "-c", "aes192-ctr", "-m", mac, ...ssh(), "sha256sum"], {
      stdinFile: file,
    });
    assertEquals(r.code, 0, r.stderr);
    assertEquals(r.text.split(" ")[0], sha256, mac);
    const kexes = r.stderr.match(/SSH2_MSG_KEXINIT sent/g)?.length ?? 0;
    assert(kexes >= 5, `expected several key exchanges, saw ${kexes}`);
  }
});

for (const flavor of flavors()) {
  Deno.test({
    name: `[${flavor}] cipher+mac: unknown names in --ciphers / --macs are one-line usage errors`,
    sanitizeResources: false,
    sanitizeOps: false,
    async fn() {
      if (flavor === "binary") await ensureBinary();
      for (
        const [args, expected] of [
          [["--macs", "hmac-md5"], "tsshd: --macs: unknown name 'hmac-md5' (supported: "],
          [["--ciphers", "aes128-ctr,3des-cbc"], "tsshd: --ciphers: unknown name '3des-cbc' (supported: "],
          [["--ciphers", ""], "tsshd: --ciphers: empty name (supported: "],
        ] as const
      ) {
        const { cmd, args: full } = serverCommand(flavor, [...args]);
        const out = await new Deno.Command(cmd, { args: full, cwd: ROOT, stdout: "piped", stderr: "piped" }).output();
        const stderr = new TextDecoder().decode(out.stderr).trim();
        assertEquals(out.code, 2, stderr);
        assertEquals(stderr.split("\n").length, 1, stderr);
        assert(stderr.startsWith(expected), stderr);
      }
    },
  });
}
