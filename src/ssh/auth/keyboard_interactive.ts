/**
 * The `keyboard-interactive` method (RFC 4256): the ops answer with prompts,
 * the engine sends USERAUTH_INFO_REQUEST and hands the client's
 * USERAUTH_INFO_RESPONSE back to the ops, for as many rounds as the ops ask
 * (at most {@link MAX_KBDINT_ROUNDS}). A new USERAUTH_REQUEST in the middle
 * abandons the conversation (RFC 4256 §3.4) and is handled as usual.
 *
 * @module
 */
import { MSG } from "../messages.ts";
import { protocolError } from "../errors.ts";
import { SshReader, SshWriter } from "../wire.ts";
import { type AuthPrompt, decisionOf, type KbdPrompt } from "../auth_ops.ts";
import { askOps, type Attempt, type Outcome } from "./attempt.ts";

/** Rounds of prompts per attempt. */
export const MAX_KBDINT_ROUNDS = 10;
/** Prompts per round. */
const MAX_PROMPTS = 32;
/** Bytes per response. */
const MAX_RESPONSE_BYTES = 1024;

/**
 * Run one keyboard-interactive attempt to its decision.
 *
 * @example
 * ```ts
 * const outcome = await keyboardInteractiveAttempt(attempt);
 * ```
 */
export async function keyboardInteractiveAttempt(a: Attempt): Promise<Outcome> {
  const { ctx, r } = a;
  r.utf8(); // language tag (deprecated)
  const submethods = r.utf8();
  r.end();
  const base = { ...a.base, method: "keyboard-interactive" as const, submethods };
  let res = await askOps(ctx, { ...base, round: 0 });
  for (let round = 1; decisionOf(res) === "prompt"; round++) {
    const q = res as AuthPrompt;
    if (round > MAX_KBDINT_ROUNDS || q.prompts.length > MAX_PROMPTS) {
      return { kind: "failed", detail: " (too many keyboard-interactive prompts)" };
    }
    const w = new SshWriter().byte(MSG.USERAUTH_INFO_REQUEST).string(q.name).string(q.instruction).string("");
    w.uint32(q.prompts.length);
    for (const p of q.prompts) w.string(p.prompt).boolean(p.echo);
    ctx.transport.send(w.bytes());
    const p = await ctx.transport.readPacket();
    if (p[0] === MSG.USERAUTH_REQUEST) return { kind: "interrupted", packet: p };
    if (p[0] !== MSG.USERAUTH_INFO_RESPONSE) throw protocolError(`unexpected message ${p[0]} in keyboard-interactive`);
    const responses = readResponses(new SshReader(p, 1), q.prompts);
    if (!responses) return { kind: "failed", detail: " (oversized keyboard-interactive response)" };
    res = await askOps(ctx, { ...base, round, prompts: q.prompts, responses });
  }
  return { kind: "decided", result: res, unit: "keyboard-interactive", detail: "" };
}

/** The responses, one per prompt (a protocol error otherwise); undefined if one is oversized. */
function readResponses(r: SshReader, prompts: readonly KbdPrompt[]): string[] | undefined {
  const n = r.uint32();
  if (n !== prompts.length) throw protocolError(`${n} keyboard-interactive responses for ${prompts.length} prompts`);
  const out: string[] = [];
  let oversized = false;
  for (let i = 0; i < n; i++) {
    const b = r.string();
    if (b.length > MAX_RESPONSE_BYTES) oversized = true;
    out.push(new TextDecoder().decode(b));
  }
  r.end();
  return oversized ? undefined : out;
}
