/**
 * The authentication part of the ops contract (RFC 4252, RFC 4256, OpenSSH
 * PROTOCOL): the requests the engine puts to `authenticate` and the only
 * results it honours.
 *
 * Secure by default: a decision counts as success only when it is an object
 * made by {@link accept} or {@link partial}; any other value — `true`, `0`,
 * `undefined`, a thrown error — is a rejection. Signatures (publickey,
 * hostbased, certificates) are verified by the engine before the ops see a
 * request marked `verified: true`.
 *
 * @example
 * ```ts
 * const ops: ServerOps = {
 *   authMethods: ["publickey", "keyboard-interactive"],
 *   authenticate(req) {
 *     if (req.method === "keyboard-interactive" && !req.responses) {
 *       return prompt({ prompts: [{ prompt: "Code: ", echo: true }] });
 *     }
 *     if (req.method === "keyboard-interactive") return req.responses?.[0] === code() ? accept() : reject();
 *     return reject();
 *   },
 * };
 * ```
 * @module
 */
import type { PeerInfo } from "./ops.ts";
import type { Certificate } from "./keys/certificate.ts";

/** A client public key presented for authentication. */
export interface PublicKeyInfo {
  /** Key type from the blob, e.g. `ssh-ed25519`, `ssh-rsa`. */
  type: string;
  /** The public key blob (RFC 4253 §6.6). */
  blob: Uint8Array;
  /** `SHA256:…` as `ssh-keygen -l` prints it. */
  fingerprint: string;
  /** Type label as OpenSSH logs it: `ED25519`, `ECDSA`, `RSA` (`ED25519-CERT`… for certificates). */
  label: string;
  /**
   * An OpenSSH certificate (`*-cert-v01@openssh.com`): `blob` and `type` are
   * then the certificate's, `fingerprint` that of the certified key. The
   * engine has verified the CA's signature over it; whether that CA is
   * trusted, and the validity, principals and options (see `certificateProblem`
   * in keys/cert_policy.ts) are for the ops to decide.
   */
  certificate?: Certificate;
}

/** Fields common to every authentication request. */
interface AuthRequestBase {
  user: string;
  /** The service requested after auth (always `ssh-connection` today). */
  service: string;
  peer: PeerInfo;
  /** The session identifier (exchange hash of the first key exchange). */
  sessionId: Uint8Array;
  /**
   * Methods that already succeeded on this connection with {@link partial}, in
   * order (publickey as `publickey`, whatever key). Empty at first.
   */
  completed: readonly string[];
}

/** `none` — sent by clients to learn the methods; accept only for passwordless setups. */
export interface NoneAuthRequest extends AuthRequestBase {
  method: "none";
}

/**
 * `publickey` — asked twice, as wolfSSH does: first with `verified: false`
 * ("is this key acceptable for this user?"; accepting only makes the engine
 * answer PK_OK), then with `verified: true` after the engine has checked the
 * signature over the session id. Only an accept with `verified: true` logs
 * the user in.
 */
export interface PublicKeyAuthRequest extends AuthRequestBase {
  method: "publickey";
  key: PublicKeyInfo;
  /** Signature algorithm named by the client, e.g. `rsa-sha2-512`. */
  algorithm: string;
  verified: boolean;
  /** For FIDO security keys (`sk-*`), what the authenticator reported with a verified signature. */
  securityKey?: { userPresent: boolean; userVerified: boolean; counter: number };
}

/**
 * `password` (RFC 4252 §8). With `newPassword` the client answers a
 * {@link changePassword} request: `password` is the old one.
 */
export interface PasswordAuthRequest extends AuthRequestBase {
  method: "password";
  password: string;
  newPassword?: string;
}

/** One prompt of a keyboard-interactive round. */
export interface KbdPrompt {
  prompt: string;
  /** Show what the user types (false for secrets). */
  echo: boolean;
}

/**
 * `keyboard-interactive` (RFC 4256). The first call has no `responses`; answer
 * with {@link prompt} to ask questions, and the next call carries the
 * answers, one per prompt, in order. Any number of rounds (the engine caps
 * them at 10 per attempt).
 */
export interface KeyboardInteractiveAuthRequest extends AuthRequestBase {
  method: "keyboard-interactive";
  /** The client's submethods hint (usually empty). */
  submethods: string;
  /** Rounds answered so far in this attempt (0 on the first call). */
  round: number;
  /** The prompts of the last round, when `responses` is set. */
  prompts?: readonly KbdPrompt[];
  /** The client's answers to `prompts`. */
  responses?: readonly string[];
}

/**
 * `hostbased` (RFC 4252 §9): the client host's key signed the request; the
 * engine has verified the signature (`verified` is always true). The ops
 * decide whether that host key belongs to `clientHost` and whether
 * `clientUser` there may log in as `user`.
 */
export interface HostbasedAuthRequest extends AuthRequestBase {
  method: "hostbased";
  key: PublicKeyInfo;
  algorithm: string;
  /** The client's host name as it claims it (FQDN, trailing dot removed). */
  clientHost: string;
  /** The user name on the client host. */
  clientUser: string;
  verified: true;
}

/** Every kind of authentication request. */
export type AuthRequest =
  | NoneAuthRequest
  | PublicKeyAuthRequest
  | PasswordAuthRequest
  | KeyboardInteractiveAuthRequest
  | HostbasedAuthRequest;

/**
 * What authentication decided, carried into the connection (like Go's
 * `ssh.Permissions`). The engine and default ops enforce the fields they know.
 */
export interface Permissions {
  /** Run this instead of any shell/exec/subsystem the client asks for. */
  forceCommand?: string;
  /** Refuse `pty-req`. */
  noPty?: boolean;
  /** Extra environment for sessions. */
  environment?: Record<string, string>;
  /** FIDO keys: accept signatures made without a touch (authorized_keys `no-touch-required`). Default false. */
  noTouchRequired?: boolean;
  /** FIDO keys: require the authenticator to have verified the user (authorized_keys `verify-required`). */
  verifyRequired?: boolean;
  /** Refuse `direct-tcpip`, `tcpip-forward` and the streamlocal forwards (authorized_keys `no-port-forwarding`). */
  noPortForwarding?: boolean;
  /** Refuse `auth-agent-req@openssh.com` (authorized_keys `no-agent-forwarding`). */
  noAgentForwarding?: boolean;
  /** Refuse `x11-req` (authorized_keys `no-X11-forwarding`). */
  noX11Forwarding?: boolean;
  /**
   * `direct-tcpip` destinations allowed, as `host:port` (`*` for any port, IPv6 in brackets);
   * `undefined` = any (authorized_keys `permitopen=`, sshd `PermitOpen`).
   */
  permitOpen?: readonly string[];
  /** `tcpip-forward` listens allowed, as `[host:]port` (`*` for any); `undefined` = any (`permitlisten=`). */
  permitListen?: readonly string[];
  /** Free-form values for the application's own hooks. */
  extensions?: Record<string, string>;
}

/** A positive authentication decision. Make it with {@link accept}. */
export interface AuthAccept {
  readonly decision: "accept";
  readonly permissions: Permissions;
}

/** A negative authentication decision. Make it with {@link reject}. */
export interface AuthReject {
  readonly decision: "reject";
  /** The user does not exist (or may not log in at all): logged as sshd logs `invalid user`. */
  readonly invalidUser: boolean;
}

/**
 * This method succeeded but more are required (RFC 4252 partial success,
 * OpenSSH `AuthenticationMethods`). Make it with {@link partial}.
 */
export interface AuthPartial {
  readonly decision: "partial";
  /** Combined with the permissions of the other methods; the stricter wins. */
  readonly permissions: Permissions;
  /** The methods the client may continue with (USERAUTH_FAILURE's list). */
  readonly methodsLeft: readonly string[];
}

/** Ask keyboard-interactive questions (USERAUTH_INFO_REQUEST). Make it with {@link prompt}. */
export interface AuthPrompt {
  readonly decision: "prompt";
  readonly name: string;
  readonly instruction: string;
  readonly prompts: readonly KbdPrompt[];
}

/** Ask for a new password (USERAUTH_PASSWD_CHANGEREQ). Make it with {@link changePassword}. */
export interface AuthChangePassword {
  readonly decision: "change-password";
  readonly prompt: string;
}

/** The only values an `authenticate` hook may return. */
export type AuthResult = AuthAccept | AuthReject | AuthPartial | AuthPrompt | AuthChangePassword;

/**
 * Accept an authentication request.
 *
 * @example
 * ```ts
 * return accept({ forceCommand: "internal-sftp" });
 * ```
 */
export function accept(permissions: Permissions = {}): AuthAccept {
  return Object.freeze({ decision: "accept", permissions });
}

/**
 * Reject an authentication request.
 *
 * @example
 * ```ts
 * return reject();
 * return reject({ invalidUser: true }); // no such account
 * ```
 */
export function reject(opts: { invalidUser?: boolean } = {}): AuthReject {
  return Object.freeze({ decision: "reject", invalidUser: opts.invalidUser === true });
}

/**
 * Accept this method as one step of several.
 *
 * @example
 * ```ts
 * return partial({}, ["keyboard-interactive"]); // publickey done; now the one-time code
 * ```
 */
export function partial(permissions: Permissions, methodsLeft: readonly string[]): AuthPartial {
  return Object.freeze({ decision: "partial", permissions, methodsLeft: Object.freeze([...methodsLeft]) });
}

/**
 * Ask keyboard-interactive questions.
 *
 * @example
 * ```ts
 * return prompt({ prompts: [{ prompt: "Password: ", echo: false }] });
 * ```
 */
export function prompt(q: { name?: string; instruction?: string; prompts: readonly KbdPrompt[] }): AuthPrompt {
  return Object.freeze({
    decision: "prompt",
    name: q.name ?? "",
    instruction: q.instruction ?? "",
    prompts: Object.freeze(q.prompts.map((p) => Object.freeze({ prompt: p.prompt, echo: p.echo }))),
  });
}

/**
 * Tell a password client its password has expired and must be changed now.
 *
 * @example
 * ```ts
 * return changePassword("Your password has expired. Choose a new one.");
 * ```
 */
export function changePassword(text: string): AuthChangePassword {
  return Object.freeze({ decision: "change-password", prompt: text });
}

/** True only for a genuine accept decision. Anything else is a rejection. */
export function isAccept(result: unknown): result is AuthAccept {
  return decisionOf(result) === "accept";
}

/** The decision of a hook's answer, `"reject"` for anything that is not a result object. */
export function decisionOf(result: unknown): AuthResult["decision"] {
  const d = typeof result === "object" && result !== null ? (result as { decision?: unknown }).decision : undefined;
  return d === "accept" || d === "partial" || d === "prompt" || d === "change-password" ? d : "reject";
}
