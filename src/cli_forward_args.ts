/**
 * The forwarding flags of `tsshd`, named after sshd_config's keywords:
 * `--allow-tcp-forwarding`, `--allow-streamlocal-forwarding`,
 * `--allow-agent-forwarding`, `--permit-open`, `--permit-listen`,
 * `--gateway-ports`, `--streamlocal-bind-unlink`.
 *
 * @module
 */
import { DEFAULT_FORWARDING, type ForwardDirection, type ForwardingPolicy } from "./ops/forwarding.ts";
import type { GatewayPorts } from "./ops/forward_bind.ts";
import { parsePermit, PermitSyntaxError } from "./ssh/forward_policy.ts";

/** parseArgs option specs of the forwarding flags. */
export const FORWARD_OPTIONS = {
  "allow-tcp-forwarding": { type: "string" },
  "allow-streamlocal-forwarding": { type: "string" },
  "allow-agent-forwarding": { type: "string" },
  "permit-open": { type: "string", multiple: true },
  "permit-listen": { type: "string", multiple: true },
  "gateway-ports": { type: "string" },
  "streamlocal-bind-unlink": { type: "string" },
} as const;

/** The help text lines of the forwarding flags. */
export const FORWARD_HELP =
  `      --allow-tcp-forwarding yes|no|local|remote  ssh -L/-D (local) and -R (remote) (default yes)
      --allow-streamlocal-forwarding yes|no|local|remote  the same for unix sockets (default yes)
      --allow-agent-forwarding yes|no  ssh -A (default yes)
      --permit-open "HOST:PORT ..."  where -L/-D may connect: any (default), none, or a list (* = any port)
      --permit-listen "[HOST:]PORT ..."  where -R may listen: any (default), none, or a list
      --gateway-ports no|yes|clientspecified  -R binds loopback only (no, default), every address
                               (yes), or the address the client names (clientspecified)
      --streamlocal-bind-unlink yes|no  remove a stale socket file before a unix -R binds (default no)
`;

/** The parsed values parseArgs returns for {@link FORWARD_OPTIONS}. */
export interface ForwardFlagValues {
  "allow-tcp-forwarding"?: string;
  "allow-streamlocal-forwarding"?: string;
  "allow-agent-forwarding"?: string;
  "permit-open"?: string[];
  "permit-listen"?: string[];
  "gateway-ports"?: string;
  "streamlocal-bind-unlink"?: string;
}

/** Forwarding settings from the command line. */
export interface ForwardSettings {
  forwarding: ForwardingPolicy;
  allowAgentForwarding: boolean;
}

function choice<T extends string>(flag: string, value: string | undefined, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(value)) {
    throw new Error(`invalid --${flag} '${value}': expected ${allowed.join(", ")}`);
  }
  return value as T;
}

function permitList(flag: string, values: string[] | undefined, portOnly: boolean): string[] | undefined {
  if (values === undefined) return undefined;
  const list = values.flatMap((v) => v.split(/[\s,]+/)).filter(Boolean);
  for (const e of list) {
    if (e === "any" || e === "none") continue;
    try {
      parsePermit(e, portOnly ? "*" : undefined);
    } catch (err) {
      throw new Error(`invalid --${flag}: ${(err as PermitSyntaxError).message}`);
    }
  }
  return list.length === 0 ? ["none"] : list;
}

/**
 * Turn the flag values into settings; throws an `Error` with a one-line
 * message on a bad value.
 *
 * @example
 * ```ts
 * forwardSettings({ "allow-tcp-forwarding": "local", "permit-open": ["localhost:80"] });
 * ```
 */
export function forwardSettings(v: ForwardFlagValues): ForwardSettings {
  const directions: ForwardDirection[] = ["yes", "no", "local", "remote", "all"];
  const yesNo = ["yes", "no"] as const;
  return {
    forwarding: {
      tcp: choice("allow-tcp-forwarding", v["allow-tcp-forwarding"], directions, DEFAULT_FORWARDING.tcp),
      streamlocal: choice(
        "allow-streamlocal-forwarding",
        v["allow-streamlocal-forwarding"],
        directions,
        DEFAULT_FORWARDING.streamlocal,
      ),
      permitOpen: permitList("permit-open", v["permit-open"], false),
      permitListen: permitList("permit-listen", v["permit-listen"], true),
      gatewayPorts: choice<GatewayPorts>(
        "gateway-ports",
        v["gateway-ports"],
        ["no", "yes", "clientspecified"],
        DEFAULT_FORWARDING.gatewayPorts,
      ),
      streamlocalBindUnlink: choice("streamlocal-bind-unlink", v["streamlocal-bind-unlink"], yesNo, "no") === "yes",
    },
    allowAgentForwarding: choice("allow-agent-forwarding", v["allow-agent-forwarding"], yesNo, "yes") === "yes",
  };
}
