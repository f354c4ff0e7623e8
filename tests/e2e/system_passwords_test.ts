/**
 * E2E (root only): `--system-passwords` checks /etc/shadow — a throwaway
 * account given a password with chpasswd (Debian writes a `$y$` yescrypt
 * hash) logs in with the stock OpenSSH client, and its session runs as it; a
 * wrong password and a locked account are refused.
 */
import { assert, assertEquals } from "../_helpers/assert.ts";
import { eachFlavor, run } from "./_harness.ts";
import { requireProgram } from "./_peers.ts";
import { isRoot, withTempAccount } from "../_helpers/temp_account.ts";

const PASSWORD = "Tr0ub4dor&3 with spaces";

function sh(cmd: string, args: string[]): void {
  const r = new Deno.Command(cmd, { args, stderr: "piped" }).outputSync();
  if (!r.success) throw new Error(`${cmd}: ${new TextDecoder().decode(r.stderr)}`);
}

async function setPassword(user: string, password: string): Promise<void> {
  const c = new Deno.Command("chpasswd", { stdin: "piped", stderr: "piped" }).spawn();
  const w = c.stdin.getWriter();
  await w.write(new TextEncoder().encode(`${user}:${password}\n`));
  await w.close();
  const r = await c.output();
  if (!r.success) throw new Error(`chpasswd: ${new TextDecoder().decode(r.stderr)}`);
}

function login(sshArgs: string[], user: string, password: string) {
  const args = [...sshArgs];
  args.push(args.pop()!.replace(/^[^@]+@/, `${user}@`));
  return run("sshpass", [
    "-p",
    password,
    "ssh",
    "-o",
    "BatchMode=no",
    "-o",
    "PreferredAuthentications=password",
    "-o",
    "PubkeyAuthentication=no",
    "-o",
    "NumberOfPasswordPrompts=1",
    ...args,
    "id -un; id -u",
  ]);
}

if (isRoot()) {
  eachFlavor(
    "system passwords: a chpasswd (yescrypt) account logs in as itself; wrong or locked is refused",
    async ({ ssh, server }) => {
      await requireProgram("sshpass", "sshpass");
      await withTempAccount([], async (a) => {
        await setPassword(a.name, PASSWORD);
        const hash = (await Deno.readTextFile("/etc/shadow")).split("\n").find((l) => l.startsWith(`${a.name}:`))!;
        assert(
          hash.split(":")[1].startsWith("$y$"),
          `Debian's chpasswd writes yescrypt: ${hash.split(":")[1].slice(0, 8)}`,
        );
        const ok = await login(ssh(), a.name, PASSWORD);
        assertEquals([ok.code, ok.text], [0, `${a.name}\n${a.uid}\n`], ok.stderr);
        await server.waitFor(new RegExp(`Accepted password for ${a.name} from 127\\.0\\.0\\.1`));
        const wrong = await login(ssh(), a.name, "not it");
        assert(wrong.code !== 0);
        await server.waitFor(new RegExp(`Failed password for ${a.name} from`));
        sh("usermod", ["-L", a.name]);
        const locked = await login(ssh(), a.name, PASSWORD);
        assert(locked.code !== 0, "a locked account is refused even with the right password");
        await server.waitFor(new RegExp(`User ${a.name} not allowed because account is locked`));
      });
    },
    ["--system-passwords"],
  );
} else {
  Deno.test({ name: "system passwords (needs root)", ignore: true, fn() {} });
}
