/**
 * Every authentication method of the engine against the npm ssh2 client:
 * password (and the password-change request), keyboard-interactive over
 * several rounds, hostbased (signature verified by the engine), partial
 * success (publickey then keyboard-interactive) with the methods left, the
 * banner, and log lines in sshd's words.
 */
import { assert, assertEquals, assertRejects } from "../_helpers/assert.ts";
import {
  accept,
  type AuthRequest,
  changePassword,
  partial,
  prompt,
  reject,
  type ServerOps,
} from "../../src/ssh/ops.ts";
import { timingSafeEqual } from "../../src/ssh/wire.ts";
import { clientKey, clientKeyText, connect } from "../_helpers/engine_fixture.ts";
import type { AuthHandlerMiddleware } from "ssh2";

type AuthHandler = (left: string[] | null, partial: boolean | null, next: (a: unknown) => void) => void;

/** An ssh2 authHandler that tries the given attempts in order, recording what the server said before each. */
function attempts(...list: unknown[]): { authHandler: AuthHandlerMiddleware } {
  const seen: Array<{ left: string[] | null; partial: boolean | null }> = [];
  const handler: AuthHandler = (left, p, next) => {
    seen.push({ left, partial: p });
    next(list.length ? list.shift() : false);
  };
  lastSeen = seen;
  return { authHandler: handler as unknown as AuthHandlerMiddleware };
}
let lastSeen: Array<{ left: string[] | null; partial: boolean | null }> = [];

const ONLY_PASSWORD: ServerOps = {
  authMethods: ["password"],
  authenticate: (req) =>
    req.method === "password" && req.user === "u" && req.password === "s3cret"
      ? accept()
      : reject({ invalidUser: req.user !== "u" }),
};

Deno.test("password: right password logs in; wrong one fails with sshd's log line; unknown user is invalid", async () => {
  const ok = await connect(ONLY_PASSWORD, { privateKey: undefined, password: "s3cret" });
  assert(
    ok.log.lines.some((l) => /^INFO Accepted password for u from 127\.0\.0\.1 port 50000 ssh2$/.test(l)),
    ok.log.lines.join("\n"),
  );
  await ok.close();
  await assertRejects(() => connect(ONLY_PASSWORD, { privateKey: undefined, password: "wrong" }, limitsFast()));
  const bad = await failedLog(ONLY_PASSWORD, { username: "nobody", privateKey: undefined, password: "x" });
  assert(bad.some((l) => l === "INFO Invalid user nobody from 127.0.0.1 port 50000"), bad.join("\n"));
  assert(
    bad.some((l) => l === "INFO Failed password for invalid user nobody from 127.0.0.1 port 50000 ssh2"),
    bad.join("\n"),
  );
});

Deno.test("password change: changePassword() sends PASSWD_CHANGEREQ and the old and new password come back", async () => {
  const seen: string[] = [];
  const ops: ServerOps = {
    authMethods: ["password"],
    authenticate(req) {
      if (req.method !== "password") return reject();
      seen.push(`${req.password}->${req.newPassword ?? ""}`);
      if (req.newPassword === undefined) return changePassword("Password expired");
      return req.password === "old" && req.newPassword === "new" ? accept() : reject();
    },
  };
  let asked = "";
  const f = await connect(ops, { privateKey: undefined, password: "old" }, {}, (s) => s, (client) => {
    client.on("change password", (text: string, done: (p: string) => void) => {
      asked = text;
      done("new");
    });
  });
  await f.close();
  assertEquals(asked, "Password expired");
  assertEquals(seen, ["old->", "old->new"]);
});

Deno.test("keyboard-interactive: two rounds of prompts with echo flags; wrong answer fails", async () => {
  const calls: Array<Pick<Extract<AuthRequest, { method: "keyboard-interactive" }>, "round" | "responses">> = [];
  const ops: ServerOps = {
    authMethods: ["keyboard-interactive"],
    authenticate(req) {
      if (req.method !== "keyboard-interactive") return reject();
      calls.push({ round: req.round, responses: req.responses });
      if (req.round === 0) {
        return prompt({
          name: "Login",
          prompts: [{ prompt: "User: ", echo: true }, { prompt: "Password: ", echo: false }],
        });
      }
      if (req.round === 1) return prompt({ instruction: "Second factor", prompts: [{ prompt: "Code: ", echo: true }] });
      return req.responses?.[0] === "123456" ? accept() : reject();
    },
  };
  const prompts: string[] = [];
  const answer = (code: string) => ({
    type: "keyboard-interactive",
    username: "u",
    prompt: (
      _n: string,
      _i: string,
      _l: string,
      ps: Array<{ prompt: string; echo: boolean }>,
      finish: (r: string[]) => void,
    ) => {
      prompts.push(ps.map((p) => `${p.prompt}${p.echo ? "+" : "-"}`).join(","));
      finish(ps.length === 2 ? ["u", "pw"] : [code]);
    },
  });
  const f = await connect(ops, { privateKey: undefined, ...attempts(answer("123456")) });
  await f.close();
  assertEquals(prompts, ["User: +,Password: -", "Code: +"]);
  assertEquals(calls, [{ round: 0, responses: undefined }, { round: 1, responses: ["u", "pw"] }, {
    round: 2,
    responses: ["123456"],
  }]);
  assert(
    f.log.lines.some((l) => l.startsWith("INFO Accepted keyboard-interactive for u from")),
    f.log.lines.join("\n"),
  );
  await assertRejects(() => connect(ops, { privateKey: undefined, ...attempts(answer("000000")) }, limitsFast()));
});

Deno.test("partial success: publickey then keyboard-interactive; methods left are listed; a method never counts twice", async () => {
  const completedSeen: string[][] = [];
  const ops: ServerOps = {
    authMethods: ["publickey"],
    authenticate(req) {
      completedSeen.push([...req.completed]);
      if (req.method === "publickey" && timingSafeEqual(req.key.blob, clientKey.publicKey.blob)) {
        return req.verified ? partial({ noPty: true }, ["keyboard-interactive"]) : accept();
      }
      if (req.method === "keyboard-interactive" && req.completed.includes("publickey")) {
        return req.responses
          ? accept({ forceCommand: "true" })
          : prompt({ prompts: [{ prompt: "OTP: ", echo: false }] });
      }
      return reject();
    },
  };
  const kbd = {
    type: "keyboard-interactive",
    username: "u",
    prompt: (...a: unknown[]) => (a[4] as (r: string[]) => void)(["1"]),
  };
  const pk = { type: "publickey", username: "u", key: clientKeyText };
  const f = await connect(ops, { privateKey: undefined, ...attempts(pk, kbd) });
  await f.close();
  assertEquals(lastSeen[1], { left: ["keyboard-interactive"], partial: true });
  assert(f.log.lines.some((l) => l.startsWith("INFO Partial publickey for u from")), f.log.lines.join("\n"));
  assert(completedSeen.some((c) => c.join() === "publickey"));
  // The same key twice cannot complete publickey,publickey.
  const twice: ServerOps = {
    authMethods: ["publickey"],
    authenticate: (req) =>
      req.method === "publickey"
        ? (req.verified ? (req.completed.length ? accept() : partial({}, ["publickey"])) : accept())
        : reject(),
  };
  await assertRejects(() => connect(twice, { privateKey: undefined, ...attempts(pk, pk) }, limitsFast()));
});

Deno.test("hostbased: the engine verifies the client host's signature before asking the ops", async () => {
  const seen: string[] = [];
  const ops: ServerOps = {
    authMethods: ["hostbased"],
    authenticate(req) {
      if (req.method !== "hostbased") return reject();
      seen.push(`${req.clientUser}@${req.clientHost} ${req.verified} ${req.key.type}`);
      return timingSafeEqual(req.key.blob, clientKey.publicKey.blob) ? accept() : reject();
    },
  };
  const hb = {
    type: "hostbased",
    username: "u",
    key: clientKeyText,
    localHostname: "client.example.",
    localUsername: "alice",
  };
  const f = await connect(ops, { privateKey: undefined, ...attempts(hb) });
  await f.close();
  assertEquals(seen, ["alice@client.example true ssh-ed25519"]);
});

Deno.test("banner: sent before the first answer", async () => {
  let banner = "";
  const f = await connect(
    ONLY_PASSWORD,
    { privateKey: undefined, password: "s3cret" },
    { banner: "Authorized use only\n" },
    (s) => s,
    (c) => {
      c.on("banner", (m: string) => (banner = m));
    },
  );
  await f.close();
  assertEquals(banner, "Authorized use only\n");
});

function limitsFast() {
  return { limits: { authRejectionDelayMs: 0 } };
}

/** Log lines of a connection attempt that must fail. */
async function failedLog(ops: ServerOps, cfg: Record<string, unknown>): Promise<string[]> {
  const lines: string[] = [];
  await assertRejects(() =>
    connect(ops, cfg, {
      ...limitsFast(),
      logger: { info: (m: string) => lines.push(`INFO ${m}`), warn: () => {}, debug: () => {} },
    })
  );
  return lines;
}
