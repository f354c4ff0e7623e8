/**
 * The client side of the forwarding e2e tests (tests/e2e/forward_*_test.ts):
 * a test wrapper that starts tsshd servers on demand and runs every
 * registered clean-up in `finally`, long-lived client processes (`ssh -N`
 * forwarders, a ControlMaster, `ssh-agent`) that are always stopped and whose
 * output is printed when a test fails, the debug lines that say a forward is
 * up, and per-key options in authorized_keys.
 *
 * The local ends (echo servers, half-closing clients…) are in
 * _forward_endpoints.ts.
 *
 * @module
 */
import { join } from "node:path";
import {
  currentUser,
  type Flavor,
  flavors,
  ROOT,
  type RunningServer,
  startServer,
  type Workspace,
  workspace,
} from "./_harness.ts";
import { exists, until } from "./_forward_endpoints.ts";
import { watch, type Watched } from "./_watched.ts";

const dec = new TextDecoder();

/** Register a clean-up to run (last registered first) in the test's `finally`. */
export type Defer = (cleanup: () => void | Promise<void>) => void;

/** A long-lived child process whose output is collected (SIGTERM, then SIGKILL after 2 s, on stop). */
export type Background = Watched;

/** The processes started by the running test, printed if it fails. */
const started: Array<{ cmd: string; bg: Background }> = [];

/**
 * Start `cmd args` in the background, register its {@link Background.stop}
 * with `defer` (so it is killed in the test's `finally`) and return it.
 *
 * @example
 * ```ts
 * const agent = background(defer, "ssh-agent", ["-D", "-a", sock]);
 * ```
 */
export function background(defer: Defer, cmd: string, args: string[]): Background {
  const child = new Deno.Command(cmd, { args, stdin: "null", stdout: "piped", stderr: "piped" }).spawn();
  const bg: Background = watch(child, cmd, 2000);
  started.push({ cmd: `${cmd} ${args.join(" ")}`, bg });
  defer(() => bg.stop());
  return bg;
}

/** A started tsshd and the `ssh` argument prefix that reaches it. */
export interface Served {
  server: RunningServer;
  /** `-F config -p PORT user@127.0.0.1` for identity `id` (default ed25519). */
  ssh(id?: keyof Workspace["ids"]): string[];
}

/** What a forwarding scenario gets. */
export interface ScenarioContext {
  flavor: Flavor;
  ws: Workspace;
  defer: Defer;
  /** Start one more tsshd (same host key and authorized_keys) with extra flags; stopped after the test. */
  serve(args?: string[]): Promise<Served>;
}

/** Which flavors a test runs on: all selected ones, or only one (for the slower scenarios). */
export type FlavorChoice = "all" | "one";

/**
 * The one flavor the slower scenarios (policy matrix, ControlMaster, several
 * servers) run on: the single binary when selected — it is how users run
 * tsshd — else the first selected flavor.
 *
 * @example
 * ```ts
 * oneFlavor(); // ["binary"]
 * ```
 */
export function oneFlavor(): Flavor[] {
  const all = flavors();
  return all.includes("binary") ? ["binary"] : all.slice(0, 1);
}

/**
 * Register a test per flavor whose body starts servers itself via
 * `ctx.serve(args)`; every `defer`red clean-up (processes, servers, the
 * workspace) runs in `finally`, and the logs of the servers and background
 * processes are printed on failure.
 *
 * @example
 * ```ts
 * forwardScenario("policy: no tcp forwarding", async ({ serve }) => {
 *   const { ssh } = await serve(["--allow-tcp-forwarding", "no"]);
 * }, "one");
 * ```
 */
export function forwardScenario(
  name: string,
  body: (ctx: ScenarioContext) => Promise<void>,
  which: FlavorChoice = "all",
): void {
  for (const flavor of which === "one" ? oneFlavor() : flavors()) {
    Deno.test({
      name: `[${flavor}] ${name}`,
      sanitizeResources: false,
      sanitizeOps: false,
      async fn() {
        const ws = await workspace();
        const cleanups: Array<() => void | Promise<void>> = [];
        const servers: RunningServer[] = [];
        started.length = 0;
        const defer: Defer = (c) => cleanups.push(c);
        const serve = async (args: string[] = []): Promise<Served> => {
          const server = await startServer(flavor, ws, args);
          servers.push(server);
          defer(() => server.stop());
          await writeKnownHosts(ws, servers);
          return { server, ssh: (id = "ed25519") => sshArgs(ws, server, id) };
        };
        try {
          await body({ flavor, ws, defer, serve });
        } catch (e) {
          for (const s of servers) console.error(`--- tsshd output (${flavor}, port ${s.port}) ---\n${s.output()}`);
          for (const p of started) console.error(`--- ${p.cmd} ---\n${p.bg.output().slice(-4000)}`);
          throw e;
        } finally {
          for (const c of cleanups.reverse()) {
            try {
              await c();
            } catch (e) {
              console.error(`clean-up failed: ${(e as Error).message}`);
            }
          }
          await Deno.remove(ws.dir, { recursive: true });
        }
      },
    });
  }
}

/**
 * {@link forwardScenario} with one server already started with `args`.
 *
 * @example
 * ```ts
 * forwardTest("-L works", async ({ ssh, defer }) => {}, ["--allow-tcp-forwarding", "local"]);
 * ```
 */
export function forwardTest(
  name: string,
  body: (ctx: ScenarioContext & Served) => Promise<void>,
  args: string[] = [],
  which: FlavorChoice = "all",
): void {
  forwardScenario(name, async (ctx) => body({ ...ctx, ...await ctx.serve(args) }), which);
}

/** startServer keeps only its own line in known_hosts; every server of a test shares the host key. */
async function writeKnownHosts(ws: Workspace, servers: RunningServer[]): Promise<void> {
  const key = (await Deno.readTextFile(ws.hostKey + ".pub")).trim().split(/\s+/).slice(0, 2).join(" ");
  await Deno.writeTextFile(ws.knownHosts, servers.map((s) => `[127.0.0.1]:${s.port} ${key}\n`).join(""));
}

/**
 * An ssh_config like the harness's (known hosts of the test, batch mode,
 * LogLevel ERROR unless `-v` is given) with `lines` added to `Host *`.
 *
 * @example
 * ```ts
 * await Deno.writeTextFile(conf, clientConfig(ws, ["IdentityFile /tmp/key", "IdentitiesOnly yes"]));
 * ```
 */
export function clientConfig(ws: Workspace, lines: string[]): string {
  return [
    "Host *",
    ...lines.map((l) => `  ${l}`),
    `  UserKnownHostsFile ${ws.knownHosts}`,
    "  GlobalKnownHostsFile /dev/null",
    "  StrictHostKeyChecking yes",
    "  BatchMode yes",
    "  LogLevel ERROR",
    "",
  ].join("\n");
}

function sshArgs(ws: Workspace, server: RunningServer, id: keyof Workspace["ids"]): string[] {
  const conf = join(ws.dir, `ssh_config_${id}`);
  Deno.writeTextFileSync(
    conf,
    clientConfig(ws, [`IdentityFile ${ws.ids[id]}`, "IdentitiesOnly yes", "IdentityAgent none"]),
  );
  return ["-F", conf, "-p", String(server.port), `${currentUser()}@127.0.0.1`];
}

/** The ed25519 client key's public half (the workspace holds only the private keys). */
export const CLIENT_PUB = join(ROOT, "keys", "client_ed25519.pub");

/**
 * Put `options` in front of the ed25519 client key's line of authorized_keys
 * (tsshd re-reads the file on every login).
 *
 * @example
 * ```ts
 * await setKeyOptions(ws, 'permitopen="127.0.0.1:8080"');
 * ```
 */
export async function setKeyOptions(ws: Workspace, options: string): Promise<void> {
  const pub = (await Deno.readTextFile(CLIENT_PUB)).trim();
  const others = (await Deno.readTextFile(ws.authorizedKeys)).split("\n")
    .filter((l) => l.trim() && !l.includes(pub.split(/\s+/)[1]));
  await Deno.writeTextFile(ws.authorizedKeys, [`${options ? options + " " : ""}${pub}`, ...others, ""].join("\n"));
}

/**
 * Start `ssh -v -N -o ExitOnForwardFailure=yes` with forwarding flags, kill
 * it in `finally`, and wait until every forward is up: `ready` lists the
 * debug lines to wait for ({@link localReady}, {@link remoteReady}).
 *
 * @example
 * ```ts
 * await forwarder(defer, ["-L", `${p}:127.0.0.1:${echo.port}`, ...ssh()], [localReady(p)]);
 * ```
 */
export async function forwarder(defer: Defer, args: string[], ready: RegExp[]): Promise<Background> {
  const p = background(defer, "ssh", ["-v", "-N", "-o", "ExitOnForwardFailure=yes", ...args]);
  for (const re of ready) await p.waitFor(re);
  return p;
}

/**
 * The debug lines ssh prints once a `-L`/`-D` listener on 127.0.0.1 `port`
 * (or on a socket path) is up. ssh logs "Local forwarding listening on …"
 * *before* bind(), so the wait is for the channel it makes after listen().
 * For a default bind address ssh binds ::1 first, then 127.0.0.1.
 *
 * @example
 * ```ts
 * await fwd.waitFor(localReady(8080));
 * ```
 */
export function localReady(listen: number | string): RegExp {
  const where = typeof listen === "number" ? `127\\.0\\.0\\.1 port ${listen}` : `path ${listen.replace(/[.]/g, "\\.")}`;
  return new RegExp(
    `Local forwarding listening on ${where}\\.\\r?\\n(debug\\d: .*\\r?\\n)*?debug1: channel \\d+: new `,
  );
}

/**
 * The debug line ssh prints once tsshd accepted a `-R` listening on `listen`
 * (a port, `host:port`, or a socket path).
 *
 * @example
 * ```ts
 * await fwd.waitFor(remoteReady(`127.0.0.1:${port}`));
 * ```
 */
export function remoteReady(listen: number | string): RegExp {
  // OpenSSH 9.2 prints a path forward as "listen /path:-2".
  return new RegExp(`remote forward success for: listen (\\S+:)?${String(listen).replace(/[.]/g, "\\.")}(:-2)?,`);
}

/** A ControlMaster and the `-S ctl` prefix of its clients. */
export interface ControlMaster {
  /** `["-S", ctl]`. */
  args: string[];
  /** The master process (its log has the debug lines when started `verbose`). */
  master: Background;
}

/**
 * A ControlMaster connection (`ssh -M -S ctl -N`), stopped after the test;
 * resolves once its control socket exists.
 *
 * @example
 * ```ts
 * const mux = await controlMaster(defer, ws, ssh());
 * await run("ssh", [...mux.args, "-O", "forward", "-L", spec, ...ssh()]);
 * ```
 */
export async function controlMaster(
  defer: Defer,
  ws: Workspace,
  sshPrefix: string[],
  verbose = false,
): Promise<ControlMaster> {
  const ctl = join(ws.dir, `ctl-${crypto.randomUUID().slice(0, 8)}`);
  const master = background(defer, "ssh", [
    ...(verbose ? ["-v"] : []),
    "-M",
    "-S",
    ctl,
    "-o",
    "ControlPersist=no",
    "-N",
    ...sshPrefix,
  ]);
  await until("the ControlMaster socket", () => exists(ctl) || master.exited());
  if (master.exited()) throw new Error(`ControlMaster exited:\n${master.output()}`);
  return { args: ["-S", ctl], master };
}

/**
 * Start `ssh-agent -D` on a socket in the workspace (killed after the test)
 * holding the ed25519 client key; resolves to the socket path.
 *
 * @example
 * ```ts
 * const agent = await startAgent(defer, ws);
 * await run("ssh", ["-A", "-o", `IdentityAgent=${agent}`, ...ssh(), "ssh-add -l"]);
 * ```
 */
export async function startAgent(defer: Defer, ws: Workspace): Promise<string> {
  const sock = join(ws.dir, "agent.sock");
  const agent = background(defer, "ssh-agent", ["-D", "-a", sock]);
  await until("ssh-agent's socket", () => exists(sock) || agent.exited());
  // The socket file appears at bind(), a moment before listen(): retry a refused connection.
  let error = "";
  await until("ssh-add to reach the agent", async () => {
    const add = await new Deno.Command("ssh-add", {
      args: ["-q", ws.ids.ed25519],
      env: { SSH_AUTH_SOCK: sock },
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
    error = dec.decode(add.stderr);
    if (!add.success && !error.includes("Connection refused")) throw new Error(`ssh-add failed: ${error}`);
    return add.success;
  }, 5000).catch((e) => {
    throw new Error(`${(e as Error).message}: ${error}`);
  });
  return sock;
}

/**
 * The SHA-256 fingerprint (`SHA256:…`) of the ed25519 client key.
 *
 * @example
 * ```ts
 * assert((await run("ssh-add", ["-l"])).text.includes(await clientFingerprint()));
 * ```
 */
export async function clientFingerprint(): Promise<string> {
  const out = await new Deno.Command("ssh-keygen", { args: ["-lf", CLIENT_PUB], stdout: "piped" }).output();
  return dec.decode(out.stdout).split(/\s+/)[1];
}
