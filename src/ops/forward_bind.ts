/**
 * Which addresses a remote forward (`ssh -R [bind:]port:…`) listens on,
 * following sshd's `GatewayPorts`: `no` binds loopback only whatever the
 * client asked, `yes` binds every address, `clientspecified` honours the
 * client's bind address (empty or `*` meaning every address).
 *
 * @module
 */

/** sshd's `GatewayPorts` values. */
export type GatewayPorts = "no" | "yes" | "clientspecified";

const LOOPBACK = ["127.0.0.1", "::1"];
/** `::` is dual-stack on Linux; `0.0.0.0` serves when IPv6 is off. */
const WILDCARD = ["::", "0.0.0.0"];

/**
 * The addresses to bind for a `tcpip-forward` naming `host`.
 *
 * @example
 * ```ts
 * bindAddresses("localhost", "no"); // ["127.0.0.1", "::1"]
 * bindAddresses("", "clientspecified"); // ["::", "0.0.0.0"]
 * ```
 */
export function bindAddresses(host: string, gatewayPorts: GatewayPorts): string[] {
  if (gatewayPorts === "yes") return WILDCARD;
  if (host === "127.0.0.1" || host === "::1") return [host];
  if (gatewayPorts === "no") return LOOPBACK;
  if (host === "" || host === "*") return WILDCARD;
  if (host.toLowerCase() === "localhost") return LOOPBACK;
  return [host];
}
