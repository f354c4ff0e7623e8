/**
 * The userauth service against scripted clients (no sockets): limits and
 * every failure path — each must deny, none may turn into an accept.
 */
import { assert, assertEquals } from "../_helpers/assert.ts";
import { createCryptoProvider } from "../../src/runtime/crypto.ts";
import { runAuth } from "../../src/ssh/auth/service.ts";
import { MAX_PUBLICKEY_QUERIES } from "../../src/ssh/auth/publickey.ts";
import { accept, type AuthRequest, partial, prompt, reject, type ServerOps } from "../../src/ssh/ops.ts";
import { DEFAULT_LIMITS, DEFAULT_USER_SIG_ALGS, silentLogger } from "../../src/ssh/config.ts";
import type { Transport } from "../../src/ssh/transport/transport.ts";
import { DISCONNECT, MSG } from "../../src/ssh/messages.ts";
import { SshWriter } from "../../src/ssh/wire.ts";
import { generateEd25519 } from "../../src/ssh/keys/keygen.ts";
import { signWithKey } from "../../src/ssh/keys/sign.ts";
import { DisconnectError } from "../../src/ssh/errors.ts";

const provider = createCryptoProvider();
const key = generateEd25519(provider, "k");
const sessionId = new Uint8Array(32).fill(7);
const SERVICE = new SshWriter().byte(MSG.SERVICE_REQUEST).string("ssh-userauth").bytes();

function request(user: string | Uint8Array, method: string, body: (w: SshWriter) => void = () => {}): Uint8Array {
  const w = new SshWriter().byte(MSG.USERAUTH_REQUEST).string(user).string("ssh-connection").string(method);
  body(w);
  return w.bytes();
}

function pkQuery(): Uint8Array {
  return request("u", "publickey", (w) => w.boolean(false).string("ssh-ed25519").string(key.publicKey.blob));
}

function hostbased(tamper = false): Uint8Array {
  const body = request(
    "u",
    "hostbased",
    (w) => w.string("ssh-ed25519").string(key.publicKey.blob).string("client.example.").string("alice"),
  );
  const sig = signWithKey(provider, key, "ssh-ed25519", new SshWriter().string(sessionId).raw(body).bytes());
  if (tamper) sig[sig.length - 1] ^= 1;
  return new SshWriter().raw(body).string(sig).bytes();
}

interface Run {
  success: boolean;
  sent: Uint8Array[];
  lines: string[];
  calls: AuthRequest[];
  error?: unknown;
}

/** Run the service until the script runs out (or it succeeds / throws). */
async function script(ops: ServerOps, ...packets: Uint8Array[]): Promise<Run> {
  const inbox = [SERVICE, ...packets];
  const sent: Uint8Array[] = [];
  const lines: string[] = [];
  const calls: AuthRequest[] = [];
  const authenticate = ops.authenticate;
  const transport = {
    sessionId,
    hostKey: undefined,
    readPacket: () => {
      const p = inbox.shift();
      return p ? Promise.resolve(p) : Promise.reject(new Error("script done"));
    },
    send: (p: Uint8Array) => sent.push(p),
    startDelayedCompression: () => {},
  } as unknown as Transport;
  let error: unknown;
  try {
    await runAuth({
      transport,
      ops: { ...ops, authenticate: authenticate && ((req) => (calls.push(req), authenticate.call(ops, req))) },
      crypto: provider,
      logger: { ...silentLogger, info: (m) => lines.push(m) },
      limits: { ...DEFAULT_LIMITS, authRejectionDelayMs: 0 },
      peer: { address: "192.0.2.1", port: 4000, localAddress: "127.0.0.1", localPort: 22 },
      userSigAlgs: DEFAULT_USER_SIG_ALGS,
    });
  } catch (e) {
    if (!(e instanceof Error && e.message === "script done")) error = e;
  }
  return { success: sent.some((p) => p[0] === MSG.USERAUTH_SUCCESS), sent, lines, calls, error };
}

const failures = (r: Run) => r.sent.filter((p) => p[0] === MSG.USERAUTH_FAILURE).length;

Deno.test("hostbased: a tampered signature fails before the ops are asked; a good one reaches them", async () => {
  const ops: ServerOps = { authMethods: ["hostbased"], authenticate: () => accept() };
  const bad = await script(ops, hostbased(true));
  assert(!bad.success);
  assertEquals(bad.calls.length, 0);
  assert(
    bad.lines.some((l) =>
      l.startsWith("Failed hostbased for u from 192.0.2.1 port 4000 ssh2: ED25519") &&
      l.includes(', client user "alice", client host "client.example"')
    ),
    bad.lines.join("\n"),
  );
  const good = await script(ops, hostbased());
  assert(good.success);
  assertEquals(good.calls.map((c) => c.method === "hostbased" && `${c.clientUser}@${c.clientHost}`), [
    "alice@client.example",
  ]);
});

Deno.test(`publickey queries: at most ${MAX_PUBLICKEY_QUERIES} reach the ops (key enumeration)`, async () => {
  const r = await script(
    { authenticate: () => accept() },
    ...Array.from({ length: MAX_PUBLICKEY_QUERIES + 3 }, pkQuery),
  );
  assertEquals(r.calls.length, MAX_PUBLICKEY_QUERIES);
  assertEquals(r.sent.filter((p) => p[0] === MSG.USERAUTH_PK_OK).length, MAX_PUBLICKEY_QUERIES);
  assertEquals(failures(r), 3);
});

Deno.test("an over-long user name fails without reaching the ops", async () => {
  const r = await script(
    { authMethods: ["password"], authenticate: () => accept() },
    request("x".repeat(300), "password", (w) => w.boolean(false).string("pw")),
  );
  assert(!r.success);
  assertEquals(r.calls.length, 0);
  assertEquals(failures(r), 1);
});

Deno.test("an over-long password fails without reaching the ops", async () => {
  const r = await script(
    { authMethods: ["password"], authenticate: () => accept() },
    request("u", "password", (w) => w.boolean(false).string("p".repeat(2000))),
  );
  assert(!r.success);
  assertEquals(r.calls.length, 0);
});

Deno.test("failure paths deny: a throwing hook, truthy non-results, a missing hook, partial for none", async () => {
  const pw = request("u", "password", (w) => w.boolean(false).string("pw"));
  for (const answer of [true, 1, "accept", { decision: "ACCEPT" }, { accept: true }, null]) {
    const r = await script({ authenticate: () => answer as never }, pw);
    assert(!r.success, `answer ${JSON.stringify(answer)} must not log in`);
  }
  assert(
    !(await script({
      authenticate: () => {
        throw new Error("boom");
      },
    }, pw)).success,
  );
  assert(!(await script({}, pw)).success);
  assert(!(await script({ authenticate: () => partial({}, ["password"]) }, request("u", "none"))).success);
});

Deno.test("maxAuthTries failures end the connection with NO_MORE_AUTH_METHODS_AVAILABLE; `none` is not counted", async () => {
  const pw = () => request("u", "password", (w) => w.boolean(false).string("pw"));
  const nones = Array.from({ length: 10 }, () => request("u", "none"));
  const r = await script({ authenticate: () => reject() }, ...nones, ...Array.from({ length: 10 }, pw));
  assert(r.error instanceof DisconnectError);
  assertEquals((r.error as DisconnectError).reason, DISCONNECT.NO_MORE_AUTH_METHODS_AVAILABLE);
  assertEquals(r.calls.filter((c) => c.method === "password").length, DEFAULT_LIMITS.maxAuthTries);
  assert(
    r.lines.some((l) => l.startsWith("maximum authentication attempts exceeded for u from 192.0.2.1 port 4000 ssh2")),
    r.lines.join("\n"),
  );
});

Deno.test("partial success: the same method result twice does not count twice", async () => {
  const pw = () => request("u", "password", (w) => w.boolean(false).string("pw"));
  // Each password success is partial; a second one may not complete the login.
  const r = await script(
    { authenticate: (req) => req.completed.length ? accept() : partial({}, ["password"]) },
    pw(),
    pw(),
  );
  assert(!r.success);
  assert(r.lines.some((l) => l.includes("(method already used)")), r.lines.join("\n"));
  const last = r.sent.at(-1)!;
  assertEquals(last[0], MSG.USERAUTH_FAILURE);
});

Deno.test("keyboard-interactive: a wrong number of responses is a protocol error; a new request abandons the round", async () => {
  const kbd = request("u", "keyboard-interactive", (w) => w.string("").string(""));
  const ops: ServerOps = {
    authenticate: (req) =>
      req.method === "keyboard-interactive" && !req.responses
        ? prompt({ prompts: [{ prompt: "a", echo: true }] })
        : accept(),
  };
  const wrongCount = new SshWriter().byte(MSG.USERAUTH_INFO_RESPONSE).uint32(2).string("x").string("y").bytes();
  const r = await script(ops, kbd, wrongCount);
  assert(r.error instanceof DisconnectError && r.error.reason === DISCONNECT.PROTOCOL_ERROR, String(r.error));
  assert(!r.success);
  // Interrupted by a password request: that one is answered (one FAILURE for it, none for the abandoned round).
  const pw = request("u", "password", (w) => w.boolean(false).string("pw"));
  const i = await script(
    {
      authenticate: (req) =>
        req.method === "keyboard-interactive" ? prompt({ prompts: [{ prompt: "a", echo: true }] }) : reject(),
    },
    kbd,
    pw,
  );
  assertEquals(failures(i), 1);
  assertEquals(i.sent.filter((p) => p[0] === MSG.USERAUTH_INFO_REQUEST).length, 1);
});
