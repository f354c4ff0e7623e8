/** sshd's AuthenticationMethods lists (sshd_config(5) examples). */
import { assert, assertEquals, assertThrows } from "../_helpers/assert.ts";
import { AuthMethodsError, isComplete, nextMethods, parseAuthMethods } from "../../src/ops/auth_methods.ts";

Deno.test("AuthenticationMethods: parse, next methods in order, completion", () => {
  const lists = parseAuthMethods("publickey,password publickey,keyboard-interactive")!;
  assertEquals(lists, [["publickey", "password"], ["publickey", "keyboard-interactive"]]);
  assertEquals(nextMethods(lists, []), ["publickey"]);
  assertEquals(nextMethods(lists, ["publickey"]), ["password", "keyboard-interactive"]);
  assertEquals(nextMethods(lists, ["password"]), [], "order is enforced");
  assert(!isComplete(lists, ["publickey"]));
  assert(isComplete(lists, ["publickey", "keyboard-interactive"]));
  assert(!isComplete(lists, ["keyboard-interactive", "publickey"]));
  assertEquals(parseAuthMethods("any"), undefined);
  const twice = parseAuthMethods("publickey,publickey")!;
  assertEquals(nextMethods(twice, ["publickey"]), ["publickey"]);
  assertThrows(() => parseAuthMethods("publickey,pasword"), AuthMethodsError, "pasword");
  assertThrows(() => parseAuthMethods("  "), AuthMethodsError);
});
