/**
 * Session requests around forwarding, the engine against the npm ssh2 client:
 * `auth-agent-req@openssh.com` reaches the ops' `agentForward` hook (and is
 * refused under `noAgentForwarding` or without the hook), `x11-req` is refused
 * unless the ops implement `x11`, and `signal` reaches an exec session that
 * has no PTY.
 */
import { assert, assertEquals, assertRejects } from "../_helpers/assert.ts";
import {
  accept,
  type AgentConnect,
  type Permissions,
  reject,
  type ServerOps,
  type SessionChannel,
  type SessionHandler,
} from "../../src/ssh/ops.ts";
import { timingSafeEqual } from "../../src/ssh/wire.ts";
import { clientKey, connect } from "../_helpers/engine_fixture.ts";
import type { Client, ClientChannel } from "ssh2";

function ops(handler: () => SessionHandler, permissions: Permissions = {}): ServerOps {
  return {
    authenticate(req) {
      const ok = req.method === "publickey" && timingSafeEqual(req.key.blob, clientKey.publicKey.blob);
      return ok ? accept(permissions) : reject();
    },
    session: handler,
  };
}

/** An exec handler that answers "ran" and exits 0 once the client's EOF arrives. */
function echoExec(channel: SessionChannel): boolean {
  void (async () => {
    while (await channel.read()) { /* drain */ }
    await channel.write(new TextEncoder().encode("ran"));
    channel.exit({ code: 0 });
  })();
  return true;
}

function execWith(client: Client, opts: Record<string, unknown>): Promise<string> {
  return new Promise((resolve, rejectP) => {
    client.exec("cmd", opts, (e: Error | undefined, ch: ClientChannel) => {
      if (e) return rejectP(e);
      let out = "";
      ch.on("data", (d: Uint8Array) => (out += new TextDecoder().decode(d)));
      ch.on("close", () => resolve(out));
      ch.end();
    });
  });
}

Deno.test("agent forwarding: the hook gets a connector; refused without the hook or under noAgentForwarding", async () => {
  let connector: AgentConnect | undefined;
  const handler = (): SessionHandler => ({
    exec: (_c, ch) => echoExec(ch),
    agentForward(connect) {
      connector = connect;
      return true;
    },
  });
  const cfg = { agent: "/nonexistent/agent.sock", agentForward: true };
  const f = await connect(ops(handler), cfg);
  try {
    assertEquals(await execWith(f.client, { agentForward: true }), "ran");
    assert(connector, "agentForward hook was not called");
  } finally {
    await f.close();
  }
  const denied = await connect(ops(handler, { noAgentForwarding: true }), cfg);
  try {
    await assertRejects(() => execWith(denied.client, { agentForward: true }), Error, "agent forwarding");
  } finally {
    await denied.close();
  }
  const noHook = await connect(ops(() => ({ exec: (_c, ch) => echoExec(ch) })), cfg);
  try {
    await assertRejects(() => execWith(noHook.client, { agentForward: true }), Error, "agent forwarding");
  } finally {
    await noHook.close();
  }
});

Deno.test("x11-req: refused without an x11 hook, passed on with one", async () => {
  const plain = await connect(ops(() => ({ exec: (_c, ch) => echoExec(ch) })));
  try {
    await assertRejects(() => execWith(plain.client, { x11: true }), Error, "X11");
  } finally {
    await plain.close();
  }
  const seen: string[] = [];
  const withX11 = await connect(ops(() => ({
    exec: (_c, ch) => echoExec(ch),
    x11(req) {
      seen.push(`${req.authProtocol} ${req.screen}`);
      return true;
    },
  })));
  try {
    assertEquals(await execWith(withX11.client, { x11: true }), "ran");
    assertEquals(seen, ["MIT-MAGIC-COOKIE-1 0"]);
  } finally {
    await withX11.close();
  }
  const denied = await connect(
    ops(() => ({ exec: (_c, ch) => echoExec(ch), x11: () => true }), { noX11Forwarding: true }),
  );
  try {
    await assertRejects(() => execWith(denied.client, { x11: true }), Error, "X11");
  } finally {
    await denied.close();
  }
});

Deno.test("signal reaches an exec session without a pty", async () => {
  const signals: string[] = [];
  let gotSignal!: () => void;
  const signalled = new Promise<void>((r) => (gotSignal = r));
  const f = await connect(ops(() => ({
    exec(_c, ch) {
      void signalled.then(() => ch.exit({ signal: "TERM" }));
      return true;
    },
    signal(name) {
      signals.push(name);
      gotSignal();
    },
  })));
  try {
    const sig = await new Promise<string | undefined>((resolve, rejectP) => {
      f.client.exec("sleep 100", (e: Error | undefined, ch: ClientChannel) => {
        if (e) return rejectP(e);
        ch.on("exit", (_code: number | null, s?: string) => resolve(s));
        ch.on("data", () => {});
        ch.signal("TERM");
      });
    });
    assertEquals(signals, ["TERM"]);
    assertEquals(sig, "SIGTERM"); // ssh2 reports exit-signal names with the SIG prefix
  } finally {
    await f.close();
  }
});
