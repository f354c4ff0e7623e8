/**
 * E2E harness: starts tsshd exactly as the README does (the `start` task of
 * deno.json for Deno, `bun cli.ts` for Bun, `dist/tsshd` for the single
 * binary) on a free loopback port, and runs the real OpenSSH client at it.
 *
 * The client gets a generated ssh_config (`-F`) holding only the identity and
 * known-hosts settings — never algorithm options — so what is tested is what
 * a user with a stock client gets.
 *
 * @module
 */
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";
import { watch } from "./_watched.ts";

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const BIN = join(ROOT, "node_modules", ".bin");

/** How the server is started. */
export type Flavor = "deno" | "bun" | "binary";

/**
 * Which flavors a test covers. Deno and Bun always; the single binary (Bun
 * compiled, the same code as the Bun flavor) only for tests that opt in with
 * `{ binary: true }` — the smoke set that exercises what compiling changes
 * (argv, the embedded entry, re-running itself for the SFTP helper) — so the
 * suite stays within its time budget. `TSSHD_E2E_FLAVORS="deno,bun,binary"`
 * (or any subset) overrides this for every test.
 */
export function flavors(opts: { binary?: boolean } = {}): Flavor[] {
  const env = Deno.env.get("TSSHD_E2E_FLAVORS");
  const all: Flavor[] = ["deno", "bun", "binary"];
  if (env) return all.filter((f) => env.split(",").includes(f));
  return opts.binary ? all : ["deno", "bun"];
}

/** The deno command line of the `start` task in deno.json (the README's way to run tsshd on Deno). */
export function denoStartArgs(): string[] {
  const cfg = JSON.parse(Deno.readTextFileSync(join(ROOT, "deno.json")));
  const task: string = cfg.tasks.start;
  const words = task.split(/\s+/).filter(Boolean);
  if (!words[0].endsWith("deno")) throw new Error(`unexpected start task: ${task}`);
  return words.slice(1);
}

/** The command that starts tsshd for `flavor` with `args`. */
export function serverCommand(flavor: Flavor, args: string[]): { cmd: string; args: string[] } {
  if (flavor === "deno") return { cmd: join(BIN, "deno"), args: [...denoStartArgs(), ...args] };
  if (flavor === "bun") return { cmd: join(BIN, "bun"), args: ["cli.ts", ...args] };
  return { cmd: join(ROOT, "dist", "tsshd"), args };
}

let built = false;
/** Build dist/tsshd once per test process with `deno task build`. */
export async function ensureBinary(): Promise<void> {
  if (built) return;
  const out = await new Deno.Command(join(BIN, "deno"), {
    args: ["task", "build"],
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
  })
    .output();
  if (!out.success) throw new Error(`deno task build failed: ${new TextDecoder().decode(out.stderr)}`);
  built = true;
}

/**
 * A scratch directory that passes sshd's StrictModes when tests run as root
 * (multi-user mode checks every directory above authorized_keys: /tmp is
 * world-writable, so it would refuse the keys): under the home directory,
 * in a 0700 parent.
 */
export async function safeTempDir(prefix: string): Promise<string> {
  const home = Deno.env.get("HOME") ?? "/root";
  const parent = join(home, ".cache", "tsshd-tests");
  await Deno.mkdir(parent, { recursive: true, mode: 0o700 });
  await Deno.chmod(parent, 0o700);
  return await Deno.makeTempDir({ prefix, dir: parent });
}

/** A scratch directory with keys for one test server. */
export interface Workspace {
  dir: string;
  hostKey: string;
  authorizedKeys: string;
  /** Client identities by name: ed25519, ecdsa, rsa (authorized) and other (not authorized). */
  ids: Record<"ed25519" | "ecdsa" | "rsa" | "other", string>;
  knownHosts: string;
}

/** Copy the test keys from keys/ into a fresh directory (private keys need mode 0600 for ssh). */
export async function workspace(): Promise<Workspace> {
  const dir = await safeTempDir("tsshd-e2e-");
  const src = join(ROOT, "keys");
  const ids = {
    ed25519: join(dir, "client_ed25519"),
    ecdsa: join(dir, "client_ecdsa"),
    rsa: join(dir, "client_rsa"),
    other: join(dir, "other_ed25519"),
  };
  for (const [, path] of Object.entries(ids)) {
    const name = path.split("/").pop()!;
    await Deno.copyFile(join(src, name), path);
    await Deno.chmod(path, 0o600);
  }
  const authorizedKeys = join(dir, "authorized_keys");
  await Deno.copyFile(join(src, "authorized_keys"), authorizedKeys);
  const hostKey = join(dir, "host_ed25519");
  await Deno.copyFile(join(src, "host_ed25519"), hostKey);
  await Deno.copyFile(join(src, "host_ed25519.pub"), hostKey + ".pub");
  await Deno.chmod(hostKey, 0o600);
  return { dir, hostKey, authorizedKeys, ids, knownHosts: join(dir, "known_hosts") };
}

/** A running tsshd. */
export interface RunningServer {
  port: number;
  flavor: Flavor;
  /** Everything the server printed so far (stdout + stderr). */
  output(): string;
  /** Wait until the output matches `re` (or time out). */
  waitFor(re: RegExp, ms?: number): Promise<void>;
  stop(): Promise<void>;
}

/** Find a free loopback port. */
export function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

/** Start tsshd and wait for its "listening" line. */
export async function startServer(flavor: Flavor, ws: Workspace, extra: string[] = []): Promise<RunningServer> {
  if (flavor === "binary") await ensureBinary();
  const port = freePort();
  const { cmd, args } = serverCommand(flavor, [
    "-p",
    String(port),
    "-b",
    "127.0.0.1",
    "-k",
    ws.hostKey,
    "-a",
    ws.authorizedKeys,
    ...extra,
  ]);
  const child = new Deno.Command(cmd, { args, cwd: ROOT, stdout: "piped", stderr: "piped", stdin: "null" }).spawn();
  const watched = watch(child, `tsshd (${flavor})`);
  const server: RunningServer = {
    port,
    flavor,
    output: () => watched.output(),
    waitFor: async (re, ms) => void await watched.waitFor(re, ms),
    stop: () => watched.stop(),
  };
  try {
    await server.waitFor(/listening on \S+ port \d+/);
  } catch (e) {
    await server.stop(); // never leave a server that did not come up running
    throw e;
  }
  const keyLine = (await Deno.readTextFile(ws.hostKey + ".pub")).trim().split(/\s+/).slice(0, 2).join(" ");
  await Deno.writeTextFile(ws.knownHosts, `[127.0.0.1]:${port} ${keyLine}\n`);
  return server;
}

/** The account tsshd serves (the one running the tests). */
export function currentUser(): string {
  const out = new Deno.Command("id", { args: ["-un"] }).outputSync();
  return new TextDecoder().decode(out.stdout).trim();
}

/** Write the ssh_config for `id` and return the ssh argument prefix. */
export function sshArgs(ws: Workspace, server: RunningServer, id: keyof Workspace["ids"] = "ed25519"): string[] {
  const conf = join(ws.dir, `ssh_config_${id}`);
  Deno.writeTextFileSync(
    conf,
    [
      "Host *",
      `  IdentityFile ${ws.ids[id]}`,
      "  IdentitiesOnly yes",
      "  IdentityAgent none",
      `  UserKnownHostsFile ${ws.knownHosts}`,
      "  GlobalKnownHostsFile /dev/null",
      "  StrictHostKeyChecking yes",
      "  BatchMode yes",
      "  LogLevel ERROR",
      "",
    ].join("\n"),
  );
  return ["-F", conf, "-p", String(server.port), `${currentUser()}@127.0.0.1`];
}

/** Result of running a client program. */
export interface RunResult {
  code: number;
  stdout: Uint8Array;
  stderr: string;
  text: string;
}

/** Run a program to completion, optionally feeding stdin from a file. */
export async function run(
  cmd: string,
  args: string[],
  opts: { stdinFile?: string; timeoutMs?: number; env?: Record<string, string>; cwd?: string } = {},
): Promise<RunResult> {
  const child = new Deno.Command(cmd, {
    args,
    ...(opts.env ? { env: opts.env, clearEnv: true } : {}),
    ...(opts.cwd ? { cwd: opts.cwd } : {}),
    stdin: opts.stdinFile ? "piped" : "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const timer = setTimeout(() => {
    try {
      child.kill("SIGKILL");
    } catch { /* gone */ }
  }, opts.timeoutMs ?? 60000);
  const feed = opts.stdinFile
    ? Deno.open(opts.stdinFile).then((f) => f.readable.pipeTo(child.stdin)).catch(() => {})
    : Promise.resolve();
  const [out] = await Promise.all([child.output(), feed]);
  clearTimeout(timer);
  return {
    code: out.code,
    stdout: out.stdout,
    stderr: new TextDecoder().decode(out.stderr),
    text: new TextDecoder().decode(out.stdout),
  };
}

/** Run a test body against a fresh server of each flavor. */
export function eachFlavor(
  name: string,
  body: (
    ctx: { server: RunningServer; ws: Workspace; ssh: (id?: keyof Workspace["ids"]) => string[] },
  ) => Promise<void>,
  extraArgs: string[] = [],
  opts: { binary?: boolean } = {},
): void {
  for (const flavor of flavors(opts)) {
    Deno.test({
      name: `[${flavor}] ${name}`,
      sanitizeResources: false,
      sanitizeOps: false,
      async fn() {
        const ws = await workspace();
        let server: RunningServer;
        try {
          server = await startServer(flavor, ws, extraArgs);
        } catch (e) {
          await Deno.remove(ws.dir, { recursive: true });
          throw e;
        }
        try {
          await body({ server, ws, ssh: (id = "ed25519") => sshArgs(ws, server, id) });
        } catch (e) {
          console.error(`--- tsshd output (${flavor}) ---\n${server.output()}`);
          throw e;
        } finally {
          await server.stop();
          await Deno.remove(ws.dir, { recursive: true });
        }
      },
    });
  }
}
