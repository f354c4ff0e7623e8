/**
 * E2E: ssh-audit against tsshd with all three host key types loaded
 * (ed25519, ECDSA nistp256 and RSA 3072 via repeated `-k`). Fails on any
 * `[fail]` finding about a key exchange, host key, cipher or MAC algorithm,
 * except the documented ones in {@link ACCEPTED} (see docs/security.md).
 * Prints an `SSH-AUDIT` summary and every finding for the notes.
 */
import { join } from "node:path";
import { assert } from "../_helpers/assert.ts";
import { eachFlavor, ROOT } from "./_harness.ts";
import { requireProgram, runPeer } from "./_peers.ts";

/** One algorithm in ssh-audit's report, with its notes by level. */
interface Finding {
  section: "kex" | "key" | "enc" | "mac";
  algorithm: string;
  notes: Array<{ level: string; text: string }>;
}

/**
 * `[fail]` findings we accept, each with the reason (docs/security.md says more):
 * the NIST P-curves, which ssh-audit fails for their provenance, not for a known
 * break. OpenSSH still offers them by default; they are here for peers that need them.
 */
const ACCEPTED: Array<{ algorithm: RegExp; text: RegExp }> = [
  {
    algorithm: /^(ecdh-sha2|ecdsa-sha2)-nistp(256|384|521)$/,
    text: /weak elliptic curves|suspected as being backdoored/,
  },
];

/** Parse ssh-audit's text output (`-n`): `(kex) name -- [level] text` and its `` `- [level] text `` lines. */
function parseAudit(text: string): Finding[] {
  const out: Finding[] = [];
  let cur: Finding | undefined;
  for (const line of text.split("\n")) {
    const head = /^\((kex|key|enc|mac)\) (\S+)(?: \([^)]*\))?\s+-- \[(\w+)\] (.*)$/.exec(line);
    if (head) {
      cur = { section: head[1] as Finding["section"], algorithm: head[2], notes: [{ level: head[3], text: head[4] }] };
      out.push(cur);
      continue;
    }
    const more = /^\s+`- \[(\w+)\] (.*)$/.exec(line);
    if (more && cur) cur.notes.push({ level: more[1], text: more[2] });
    else if (!/^\s/.test(line)) cur = undefined;
  }
  return out;
}

const hostKeys = ["-k", join(ROOT, "keys", "client_ecdsa"), "-k", join(ROOT, "keys", "client_rsa")];

eachFlavor("ssh-audit: no [fail] for key exchange, host key, cipher or MAC algorithms", async ({ server, ws }) => {
  await requireProgram("ssh-audit", "ssh-audit");
  const help = await runPeer("ssh-audit", ["-h"], { home: ws.dir });
  const version = /ssh-audit v([\d.]+)/.exec(help.text + help.stderr)?.[1] ?? "unknown";
  const r = await runPeer("ssh-audit", ["-n", "-p", String(server.port), "127.0.0.1"], { home: ws.dir });
  // Exit codes: 0 good, 2 warnings, 3 failures; 1 is a connection error and anything else a crash.
  assert([0, 2, 3].includes(r.code), `ssh-audit exited ${r.code}:\n${r.text}\n${r.stderr}`);
  const findings = parseAudit(r.text);

  // The text parser must see every algorithm the JSON report lists, or a format change would pass silently.
  const j = await runPeer("ssh-audit", ["-j", "-p", String(server.port), "127.0.0.1"], { home: ws.dir });
  const json = JSON.parse(j.text) as Record<string, unknown>;
  const names = (v: unknown) =>
    Array.isArray(v) ? v.map((e) => typeof e === "string" ? e : (e as { algorithm: string }).algorithm) : [];
  const listed = [...names(json.kex), ...names(json.key), ...names(json.enc), ...names(json.mac)].sort();
  const parsed = findings.map((f) => f.algorithm).sort();
  assert(
    JSON.stringify(listed) === JSON.stringify(parsed),
    `text/JSON mismatch: JSON lists ${listed}, text parsed ${parsed}\n${r.text}`,
  );
  for (const s of ["kex", "key", "enc", "mac"]) assert(findings.some((f) => f.section === s), `no (${s}) lines`);

  const fails: string[] = [];
  const accepted: string[] = [];
  const warns: string[] = [];
  for (const f of findings) {
    for (const n of f.notes) {
      const line = `(${f.section}) ${f.algorithm}: [${n.level}] ${n.text}`;
      if (n.level === "warn") warns.push(line);
      if (n.level !== "fail") continue;
      if (ACCEPTED.some((a) => a.algorithm.test(f.algorithm) && a.text.test(n.text))) accepted.push(line);
      else fails.push(line);
    }
  }
  const recs = r.text.split("\n").filter((l) => l.startsWith("(rec)"));
  console.log(
    `SSH-AUDIT v${version} [${server.flavor}] exit=${r.code}: ${findings.length} algorithms, ` +
      `${fails.length} fail, ${accepted.length} accepted fail, ${warns.length} warn`,
  );
  for (const l of [...fails.map((l) => `FAIL ${l}`), ...accepted.map((l) => `ACCEPTED ${l}`), ...warns, ...recs]) {
    console.log(`  ${l}`);
  }
  assert(fails.length === 0, `ssh-audit v${version} fails tsshd:\n${fails.join("\n")}\n\nfull report:\n${r.text}`);
}, hostKeys);
