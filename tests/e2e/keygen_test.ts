/**
 * E2E: `tsshd keygen` and `tsshd fingerprint` against the real tools, both
 * directions:
 *
 * - keys made by `ssh-keygen` (ed25519, ecdsa 256/384/521, rsa; OpenSSH, `-m PEM`
 *   and `-m PKCS8`; plain and encrypted), by `puttygen` (.ppk v2/v3, plain and
 *   encrypted; skipped when puttygen is missing) and `ssh-keygen -e` (RFC 4716)
 *   are read by tsshd: `tsshd fingerprint` prints what `ssh-keygen -lf` prints,
 *   and the private key parses to the key `ssh-keygen -y` shows;
 * - keys made by `tsshd keygen` are read by `ssh-keygen -y` / `-lf`
 *   (with `-P` for encrypted ones), with modes 0600 / 0644;
 * - every failure is one line on stderr and a non-zero exit.
 *
 * The command-line checks run through cli.ts for each flavor once cli.ts
 * dispatches the key commands (`runKeyCommand`); until then they call
 * `runKeyCommand` in this process. The format matrix always runs in-process
 * (it is about formats, and spawning a runtime per key would take minutes).
 */
import { assert, assertEquals } from "../_helpers/assert.ts";
import { flavors, ROOT, serverCommand } from "./_harness.ts";
import { join } from "node:path";
import { runKeyCommand } from "../../src/cli_keys.ts";
import { createCryptoProvider } from "../../src/runtime/crypto.ts";
import { parsePrivateKeyFile } from "../../src/ssh/keys/key_file.ts";
import { formatPublicKeyLine } from "../../src/ssh/keys/public_key_line.ts";
import { createHostKey } from "../../src/ssh/keys/host_key.ts";

const provider = createCryptoProvider();
const PASS = "e2e pass phrase";
const WIRED = Deno.readTextFileSync(join(ROOT, "cli.ts")).includes("runKeyCommand");

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

async function run(cmd: string, args: string[], env?: Record<string, string>): Promise<Result> {
  const out = await new Deno.Command(cmd, { args, env, cwd: ROOT, stdin: "null", stdout: "piped", stderr: "piped" })
    .output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

async function sshKeygen(...args: string[]): Promise<string> {
  const r = await run("ssh-keygen", args);
  if (r.code !== 0) throw new Error(`ssh-keygen ${args.join(" ")} failed: ${r.stderr}`);
  return r.stdout;
}

/** `tsshd ARGS` in this process, through runKeyCommand. */
async function inProcess(args: string[], env: Record<string, string> = {}): Promise<Result> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runKeyCommand(args, {
    provider,
    out: (l) => out.push(l),
    err: (l) => err.push(l),
    env: (name) => env[name],
  });
  const text = (lines: string[]) => lines.map((l) => l + "\n").join("");
  return { code, stdout: text(out), stderr: text(err) };
}

/** `tsshd ARGS` as users start it (once cli.ts dispatches the key commands), else in-process. */
function tsshd(flavor: string): (args: string[], env?: Record<string, string>) => Promise<Result> {
  if (!WIRED || flavor === "in-process") return inProcess;
  return (args, env) => {
    const { cmd, args: full } = serverCommand(flavor as "deno" | "bun" | "binary", args);
    return run(cmd, full, env);
  };
}

function oneLine(s: string): string {
  const lines = s.trimEnd().split("\n");
  assertEquals(lines.length, 1, `expected one line, got:\n${s}`);
  assert(!/\n\s+at /.test(s), `stack trace in:\n${s}`);
  return lines[0];
}

async function tempDir(): Promise<string> {
  return await Deno.makeTempDir({ prefix: "tsshd-keygen-" });
}

const TYPES: readonly [string, string][] = [
  ["ed25519", "256"],
  ["ecdsa", "256"],
  ["ecdsa", "384"],
  ["ecdsa", "521"],
  ["rsa", "2048"],
];

Deno.test({
  name: "keygen e2e: every key ssh-keygen writes (types × OpenSSH/PEM/PKCS8 × plain/encrypted) is read by tsshd",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const dir = await tempDir();
    try {
      const pf = join(dir, "pass");
      await Deno.writeTextFile(pf, PASS + "\n");
      for (const [type, bits] of TYPES) {
        for (const format of ["RFC4716", "PEM", "PKCS8"]) {
          for (const pass of ["", PASS]) {
            const f = join(dir, `${type}${bits}_${format}_${pass ? "enc" : "plain"}`);
            const comment = `e2e ${type} ${bits} ${format}`;
            await sshKeygen("-q", "-t", type, "-b", bits, "-m", format, "-N", pass, "-C", comment, "-f", f);
            const what = `${f.split("/").pop()}`;
            // With FILE.pub beside it, both print the .pub's line.
            const expected = await sshKeygen("-l", "-f", f);
            const ours = await inProcess(["fingerprint", f]);
            assertEquals(ours.stdout, expected, what);
            // The private key itself: what `ssh-keygen -y` derives, and it signs for it.
            const key = parsePrivateKeyFile(await Deno.readTextFile(f), { passphrase: pass || undefined });
            const y = (await sshKeygen("-y", "-P", pass, "-f", f)).split(" ").slice(0, 2).join(" ").trim();
            assertEquals(formatPublicKeyLine(key.publicKey), y, what);
            createHostKey(provider, key);
            // Without FILE.pub: the key file alone (ssh-keygen cannot do encrypted PEM/PKCS#8 without a prompt).
            await Deno.rename(`${f}.pub`, `${f}.pub.away`);
            const alone = await inProcess(["fingerprint", f, "--passphrase-file", pf]);
            assertEquals(alone.code, 0, `${what}: ${alone.stderr}`);
            const theirs = await run("ssh-keygen", ["-l", "-f", f]);
            if (theirs.code === 0) assertEquals(alone.stdout, theirs.stdout, `${what} alone`);
            else assert(alone.stdout.startsWith(expected.split(" ").slice(0, 2).join(" ")), `${what}: ${alone.stdout}`);
          }
        }
      }
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "keygen e2e: every key tsshd keygen writes is read by ssh-keygen (-y, -lf; -P for encrypted)",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const dir = await tempDir();
    try {
      const pf = join(dir, "pass");
      await Deno.writeTextFile(pf, PASS + "\r\n");
      const cases: [string, string | undefined][] = [...TYPES, ["rsa", undefined]];
      for (const [type, bits] of cases) {
        for (const pass of ["", PASS]) {
          const f = join(dir, `${type}${bits ?? "default"}_${pass ? "enc" : "plain"}`);
          const comment = `made by tsshd ${type}`;
          const args = ["keygen", "-t", type, "-f", f, "-C", comment];
          if (bits) args.push("-b", bits);
          if (pass) args.push("--passphrase-file", pf);
          const r = await inProcess(args);
          assertEquals(r.code, 0, r.stderr);
          assertEquals(r.stdout, await sshKeygen("-l", "-f", `${f}.pub`), f);
          assertEquals((await Deno.stat(f)).mode! & 0o777, 0o600);
          assertEquals((await Deno.stat(`${f}.pub`)).mode! & 0o777, 0o644 & ~Deno.umask());
          const y = await sshKeygen("-y", "-P", pass, "-f", f);
          assertEquals(y, await Deno.readTextFile(`${f}.pub`), f);
          if (pass) {
            assert(
              await run("ssh-keygen", ["-y", "-P", "", "-f", f]).then((x) => x.code !== 0),
              "needs the passphrase",
            );
            assert((await Deno.readTextFile(f)).length > 0);
          }
          if (!bits && type === "rsa") assert(r.stdout.startsWith("3072 "), r.stdout);
        }
      }
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "keygen e2e: RFC 4716 and authorized_keys files fingerprint like ssh-keygen -lf",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const dir = await tempDir();
    try {
      const keys: string[] = [];
      for (const [type, bits] of TYPES) {
        const f = join(dir, `${type}${bits}`);
        await sshKeygen("-q", "-t", type, "-b", bits, "-N", "", "-C", `ak ${type}${bits}`, "-f", f);
        keys.push(f);
      }
      const rfc = join(dir, "key.ssh2");
      await Deno.writeTextFile(rfc, await sshKeygen("-e", "-f", `${keys[0]}.pub`));
      const r = await inProcess(["fingerprint", rfc]);
      const expected = (await sshKeygen("-l", "-f", `${keys[0]}.pub`)).split(" ").slice(0, 2).join(" ");
      assert(r.stdout.startsWith(expected + " 256-bit ED25519, converted by "), r.stdout);
      const lines = ["# keys", ""];
      for (const [i, f] of keys.entries()) {
        const pub = (await Deno.readTextFile(`${f}.pub`)).trim();
        lines.push(i % 2 ? `no-pty,from="127.0.0.1" ${pub}` : pub);
      }
      const ak = join(dir, "authorized_keys");
      await Deno.writeTextFile(ak, lines.join("\n") + "\n");
      const ours = await inProcess(["fingerprint", ak]);
      assertEquals(ours.stdout, await sshKeygen("-l", "-f", ak));
      assertEquals(ours.stdout.trim().split("\n").length, keys.length);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

const hasPuttygen = (() => {
  try {
    return new Deno.Command("puttygen", { args: ["--version"], stdout: "null", stderr: "null" }).outputSync().success;
  } catch {
    return false;
  }
})();

Deno.test({
  name: "keygen e2e: PuTTY .ppk files from puttygen (v2, v3, plain, encrypted) are read by tsshd",
  ignore: !hasPuttygen,
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const dir = await tempDir();
    try {
      const pf = join(dir, "pass");
      await Deno.writeTextFile(pf, PASS + "\n");
      const empty = join(dir, "empty");
      await Deno.writeTextFile(empty, "");
      const cases: [string, string, string, string][] = [
        ["ed25519", "256", "2", ""],
        ["ed25519", "256", "2", PASS],
        ["ed25519", "256", "3", ""],
        ["ed25519", "256", "3", PASS],
        ["ecdsa", "256", "3", ""],
        ["ecdsa", "384", "2", PASS],
        ["ecdsa", "521", "3", PASS],
        ["rsa", "2048", "2", ""],
        ["rsa", "2048", "3", PASS],
      ];
      for (const [type, bits, version, pass] of cases) {
        const f = join(dir, `${type}${bits}_v${version}_${pass ? "enc" : "plain"}.ppk`);
        const comment = `putty ${type} ${bits} v${version}`;
        const made = await run("puttygen", [
          "-t",
          type,
          "-b",
          bits,
          "-C",
          comment,
          "--ppk-param",
          `version=${version}`,
          "-o",
          f,
          "--new-passphrase",
          pass ? pf : empty,
        ]);
        assertEquals(made.code, 0, made.stderr);
        const pub = (await run("puttygen", [f, "-O", "public-openssh", "--old-passphrase", pf])).stdout;
        const pubFile = join(dir, "p.pub");
        await Deno.writeTextFile(pubFile, pub);
        const expected = await sshKeygen("-l", "-f", pubFile);
        await Deno.remove(pubFile);
        assertEquals((await inProcess(["fingerprint", f])).stdout, expected, f);
        const key = parsePrivateKeyFile(await Deno.readTextFile(f), { passphrase: pass || undefined });
        assertEquals(formatPublicKeyLine(key.publicKey, key.comment), pub.trim(), f);
        createHostKey(provider, key);
      }
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

for (const flavor of WIRED ? flavors() : ["in-process"]) {
  Deno.test({
    name:
      `[${flavor}] keygen e2e: tsshd keygen + fingerprint from the command line, passphrase from a file or the environment`,
    sanitizeResources: false,
    sanitizeOps: false,
    async fn() {
      const cli = tsshd(flavor);
      const dir = await tempDir();
      try {
        const pf = join(dir, "pass");
        await Deno.writeTextFile(pf, PASS + "\n");
        const key = join(dir, "id_ed25519");
        const made = await cli(["keygen", "-t", "ed25519", "-f", key, "-C", "cli test", "--passphrase-file", pf]);
        assertEquals(made.code, 0, made.stderr);
        const line = oneLine(made.stdout);
        assert(/^256 SHA256:[A-Za-z0-9+/]{43} cli test \(ED25519\)$/.test(line), line);
        assertEquals(made.stdout, await sshKeygen("-l", "-f", key));
        await sshKeygen("-y", "-P", PASS, "-f", key);
        const fp = await cli(["fingerprint", key]);
        assertEquals(fp.stdout, made.stdout);
        const ec = join(dir, "id_ecdsa");
        const env = { TSSHD_E2E_PASSPHRASE: PASS };
        const made2 = await cli([
          "keygen",
          "-t",
          "ecdsa",
          "-b",
          "384",
          "-f",
          ec,
          "--passphrase-env",
          "TSSHD_E2E_PASSPHRASE",
        ], env);
        assertEquals(made2.code, 0, made2.stderr);
        assertEquals(made2.stdout, await sshKeygen("-l", "-f", `${ec}.pub`)); // no -C: no comment
        assertEquals((await cli(["fingerprint", ec])).stdout, await sshKeygen("-l", "-f", ec)); // names ec.pub
        await sshKeygen("-y", "-P", PASS, "-f", ec);
        const again = await cli(["keygen", "-f", key]);
        assertEquals(again.code, 1);
        assertEquals(oneLine(again.stderr), `tsshd keygen: ${key} already exists; not overwriting it`);
      } finally {
        await Deno.remove(dir, { recursive: true });
      }
    },
  });

  Deno.test({
    name:
      `[${flavor}] keygen e2e: failures are one line each (wrong or missing passphrase, ssh-dss, truncated, unknown)`,
    sanitizeResources: false,
    sanitizeOps: false,
    async fn() {
      const cli = tsshd(flavor);
      const dir = await tempDir();
      try {
        const pf = join(dir, "pass");
        await Deno.writeTextFile(pf, PASS + "\n");
        const wrong = join(dir, "wrong");
        await Deno.writeTextFile(wrong, "not the passphrase\n");
        const pem = join(dir, "rsa.pem");
        await sshKeygen("-q", "-t", "rsa", "-b", "2048", "-m", "PEM", "-N", PASS, "-f", pem);
        await Deno.remove(`${pem}.pub`);
        const check = async (args: string[], expected: string | RegExp, code = 1) => {
          const r = await cli(args);
          assertEquals(r.code, code, `${args.join(" ")}: ${r.stderr}`);
          assertEquals(r.stdout, "");
          const line = oneLine(r.stderr);
          if (typeof expected === "string") assertEquals(line, expected);
          else assert(expected.test(line), line);
        };
        await check(
          ["fingerprint", pem, "--passphrase-file", wrong],
          `tsshd fingerprint: incorrect passphrase supplied to decrypt private key ${pem}`,
        );
        await check(
          ["fingerprint", pem],
          /^tsshd fingerprint: .*encrypted.*--passphrase-file FILE or --passphrase-env NAME$/,
        );
        const ok = await cli(["fingerprint", pem, "--passphrase-file", pf]);
        assertEquals(ok.code, 0, ok.stderr);
        assert(/^2048 SHA256:\S+ no comment \(RSA\)$/.test(oneLine(ok.stdout)), ok.stdout);
        const dsa = join(dir, "dsa");
        await sshKeygen("-q", "-t", "dsa", "-N", "", "-f", dsa);
        await Deno.remove(`${dsa}.pub`);
        await check(["fingerprint", dsa], `tsshd fingerprint: ${dsa}: unsupported key type "ssh-dss"`);
        const cut = join(dir, "cut");
        await Deno.writeTextFile(cut, (await Deno.readTextFile(pem)).slice(0, 300));
        await check(["fingerprint", cut, "--passphrase-file", pf], /^tsshd fingerprint: .*cut: key file is truncated/);
        const junk = join(dir, "junk");
        await Deno.writeTextFile(junk, "hello\n");
        await check(["fingerprint", junk], /^tsshd fingerprint: .*junk: not a key file in any known format/);
        await check(
          ["fingerprint", join(dir, "missing")],
          `tsshd fingerprint: ${join(dir, "missing")}: No such file or directory`,
        );
        await check(
          ["keygen", "-f", join(dir, "n"), "-N", "secret"],
          "tsshd keygen: passphrases are not taken on the command line; use --passphrase-file FILE or --passphrase-env NAME",
          2,
        );
        await check(
          ["keygen", "-t", "dsa", "-f", join(dir, "d")],
          "tsshd keygen: unsupported key type 'dsa' (ed25519, ecdsa or rsa)",
          2,
        );
        await check(
          ["keygen", "-t", "rsa", "-b", "1024", "-f", join(dir, "r")],
          /^tsshd keygen: RSA key size must be/,
          2,
        );
        await check(
          ["keygen", "-f", join(dir, "e"), "--passphrase-env", "TSSHD_E2E_UNSET_VARIABLE"],
          /TSSHD_E2E_UNSET_VARIABLE is not set$/,
        );
      } finally {
        await Deno.remove(dir, { recursive: true });
      }
    },
  });
}
