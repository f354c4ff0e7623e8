/**
 * Combining the {@link Permissions} of several authentication methods
 * (partial success): every restriction of every method holds, so the
 * stricter always wins.
 *
 * @module
 */
import type { Permissions } from "../auth_ops.ts";

function intersect(a: readonly string[] | undefined, b: readonly string[] | undefined): readonly string[] | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  const out = a.filter((x) => b.includes(x));
  return out.length ? out : ["none"];
}

/**
 * The permissions that hold when both `a` and `b` apply.
 *
 * @example
 * ```ts
 * mergePermissions({ noPty: true }, { forceCommand: "uptime" }); // { noPty: true, forceCommand: "uptime" }
 * ```
 */
export function mergePermissions(a: Permissions, b: Permissions): Permissions {
  const out: Permissions = { ...a, ...b };
  for (const flag of ["noPty", "noPortForwarding", "noAgentForwarding", "noX11Forwarding", "verifyRequired"] as const) {
    if (a[flag] || b[flag]) out[flag] = true;
  }
  // A touch is required unless every method waived it.
  if (!(a.noTouchRequired && b.noTouchRequired)) delete out.noTouchRequired;
  // Two different forced commands cannot both run: refuse every command.
  if (a.forceCommand !== undefined && b.forceCommand !== undefined && a.forceCommand !== b.forceCommand) {
    out.forceCommand = "/bin/false";
  } else out.forceCommand = a.forceCommand ?? b.forceCommand;
  if (out.forceCommand === undefined) delete out.forceCommand;
  const open = intersect(a.permitOpen, b.permitOpen);
  const listen = intersect(a.permitListen, b.permitListen);
  if (open) out.permitOpen = open;
  if (listen) out.permitListen = listen;
  if (a.environment || b.environment) out.environment = { ...b.environment, ...a.environment };
  if (a.extensions || b.extensions) out.extensions = { ...b.extensions, ...a.extensions };
  return out;
}
