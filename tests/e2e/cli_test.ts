/**
 * E2E: the tsshd command line as users meet it — help, version, a host key
 * generated on first run, and one-line errors with a non-zero exit for bad
 * flags, bad key files and ports in use.
 */
import { assert, assertEquals } from "../_helpers/assert.ts";
import { ensureBinary, flavors, freePort, ROOT, serverCommand, workspace } from "./_harness.ts";
import { join } from "node:path";

async function tsshd(flavor: "deno" | "bun" | "binary", args: string[], ms = 15000) {
  if (flavor === "binary") await ensureBinary();
  const { cmd, args: full } = serverCommand(flavor, args);
  const child = new Deno.Command(cmd, { args: full, cwd: ROOT, stdout: "piped", stderr: "piped", stdin: "null" })
    .spawn();
  const timer = setTimeout(() => child.kill("SIGKILL"), ms);
  const out = await child.output();
  clearTimeout(timer);
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

function oneLine(s: string): string {
  const lines = s.trim().split("\n");
  assertEquals(lines.length, 1, `expected one line, got:\n${s}`);
  return lines[0];
}

for (const flavor of flavors({ binary: true })) {
  Deno.test({
    name: `[${flavor}] cli: --help, --version, and bad flags`,
    sanitizeResources: false,
    sanitizeOps: false,
    async fn() {
      const h = await tsshd(flavor, ["--help"]);
      assertEquals(h.code, 0);
      assert(h.stdout.includes("--authorized-keys"), h.stdout);
      const v = await tsshd(flavor, ["-V"]);
      assertEquals(v.code, 0);
      assert(/^tsshd \d+\.\d+\.\d+/.test(v.stdout), v.stdout);
      const bad = await tsshd(flavor, ["--frobnicate"]);
      assertEquals(bad.code, 2);
      assertEquals(oneLine(bad.stderr), "tsshd: unknown option '--frobnicate' (see tsshd --help)");
      const port = await tsshd(flavor, ["-p", "70000"]);
      assertEquals(port.code, 2);
      assert(oneLine(port.stderr).includes("invalid port '70000'"), port.stderr);
    },
  });

  Deno.test({
    name: `[${flavor}] cli: a missing host key file is generated (0600) and its fingerprint printed`,
    sanitizeResources: false,
    sanitizeOps: false,
    async fn() {
      const ws = await workspace();
      const key = join(ws.dir, "sub", "new_host_key");
      const port = freePort();
      const { cmd, args } = serverCommand(flavor, [
        "-p",
        String(port),
        "-b",
        "127.0.0.1",
        "-k",
        key,
        "-a",
        ws.authorizedKeys,
      ]);
      if (flavor === "binary") await ensureBinary();
      const child = new Deno.Command(cmd, { args, cwd: ROOT, stdout: "piped", stderr: "piped" }).spawn();
      try {
        const reader = child.stdout.getReader();
        let text = "";
        while (!/connect with: ssh -p \d+ \S+@127\.0\.0\.1/.test(text)) {
          const { value, done } = await reader.read();
          if (done) break;
          text += new TextDecoder().decode(value);
        }
        reader.releaseLock();
        const fp = /Generated new host key \S+: ED25519 (SHA256:\S+)/.exec(text)?.[1];
        assert(fp, text);
        assert(text.includes(`listening on 127.0.0.1 port ${port}`), text);
        const st = await Deno.stat(key);
        assertEquals(st.mode! & 0o777, 0o600);
        const kg = new Deno.Command("ssh-keygen", { args: ["-lf", key], stdout: "piped" }).outputSync();
        assert(new TextDecoder().decode(kg.stdout).includes(fp), "ssh-keygen fingerprint differs");
      } finally {
        child.kill("SIGTERM");
        await child.output();
        await Deno.remove(ws.dir, { recursive: true });
      }
    },
  });

  Deno.test({
    name: `[${flavor}] cli: bad key files and a port in use give one line and a non-zero exit`,
    sanitizeResources: false,
    sanitizeOps: false,
    async fn() {
      const ws = await workspace();
      try {
        const garbage = join(ws.dir, "garbage");
        await Deno.writeTextFile(garbage, "this is not a key\n");
        const g = await tsshd(flavor, ["-p", "0", "-a", ws.authorizedKeys, "-k", garbage]);
        assertEquals(g.code, 1);
        assert(oneLine(g.stderr).startsWith(`tsshd: bad host key ${garbage}:`), g.stderr);

        const pub = join(ws.dir, "pub");
        await Deno.copyFile(join(ROOT, "keys", "host_ed25519.pub"), pub);
        const p = await tsshd(flavor, ["-p", "0", "-a", ws.authorizedKeys, "-k", pub]);
        assertEquals(p.code, 1);
        assert(oneLine(p.stderr).includes(pub), p.stderr);

        const unreadable = join(ws.dir, "dir-not-file");
        await Deno.mkdir(unreadable);
        const u = await tsshd(flavor, ["-p", "0", "-a", ws.authorizedKeys, "-k", unreadable]);
        assertEquals(u.code, 1);
        assert(oneLine(u.stderr).includes(unreadable), u.stderr);

        const busy = Deno.listen({ hostname: "127.0.0.1", port: 0 });
        const busyPort = (busy.addr as Deno.NetAddr).port;
        try {
          const b = await tsshd(flavor, [
            "-p",
            String(busyPort),
            "-b",
            "127.0.0.1",
            "-a",
            ws.authorizedKeys,
            "-k",
            ws.hostKey,
          ]);
          assertEquals(b.code, 1);
          assert(oneLine(b.stderr).includes(`127.0.0.1:${busyPort}`) || b.stderr.includes(String(busyPort)), b.stderr);
          assert(/in use/i.test(b.stderr), b.stderr);
        } finally {
          busy.close();
        }
      } finally {
        await Deno.remove(ws.dir, { recursive: true });
      }
    },
  });
}

for (const flavor of flavors({ binary: true })) {
  Deno.test({
    name: `[${flavor}] cli: an encrypted PEM host key loads with --passphrase-file; a wrong one is one line`,
    sanitizeResources: false,
    sanitizeOps: false,
    async fn() {
      const ws = await workspace();
      try {
        const key = join(ws.dir, "enc_host");
        const kg = new Deno.Command("ssh-keygen", {
          args: ["-q", "-t", "ecdsa", "-m", "PEM", "-N", "s3cret words", "-f", key],
        }).outputSync();
        assert(kg.success);
        const good = join(ws.dir, "pass");
        await Deno.writeTextFile(good, "s3cret words\n");
        const bad = join(ws.dir, "badpass");
        await Deno.writeTextFile(bad, "nope\n");
        const w = await tsshd(flavor, ["-p", "0", "-a", ws.authorizedKeys, "-k", key, "--passphrase-file", bad]);
        assertEquals(w.code, 1);
        assertEquals(
          oneLine(w.stderr),
          `tsshd: bad host key ${key}: incorrect passphrase supplied to decrypt private key ${key}`,
        );
        const n = await tsshd(flavor, ["-p", "0", "-a", ws.authorizedKeys, "-k", key]);
        assertEquals(n.code, 1);
        assert(oneLine(n.stderr).includes("--passphrase-file"), n.stderr);
        const port = freePort();
        const { cmd, args } = serverCommand(flavor, [
          "-p",
          String(port),
          "-b",
          "127.0.0.1",
          "-a",
          ws.authorizedKeys,
          "-k",
          key,
          "--passphrase-file",
          good,
        ]);
        const child = new Deno.Command(cmd, { args, cwd: ROOT, stdout: "piped", stderr: "piped" }).spawn();
        try {
          const reader = child.stdout.getReader();
          let text = "";
          while (!/listening on 127\.0\.0\.1 port \d+/.test(text)) {
            const { value, done } = await reader.read();
            if (done) break;
            text += new TextDecoder().decode(value);
          }
          reader.releaseLock();
          const scan = new Deno.Command("ssh-keyscan", {
            args: ["-t", "ecdsa", "-p", String(port), "127.0.0.1"],
            stdout: "piped",
            stderr: "null",
          })
            .outputSync();
          const pub = (await Deno.readTextFile(key + ".pub")).split(/\s+/).slice(0, 2).join(" ");
          assert(new TextDecoder().decode(scan.stdout).includes(pub), "the encrypted key is served");
        } finally {
          child.kill("SIGTERM");
          await child.output();
        }
      } finally {
        await Deno.remove(ws.dir, { recursive: true });
      }
    },
  });
}
