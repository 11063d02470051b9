import test from "ava";
import { SessionTokens } from "../dist/token.js";

const claims = { sid: "c2Vzc2lvbg", node: "node-a", mount: "/socket", origin: "https://app.example" };
const tokens = new SessionTokens(Buffer.from("k".repeat(32)));

test("a token verifies for its mount and origin, and for requests without an origin", (t) => {
  const token = tokens.sign(claims);
  t.deepEqual(tokens.verify(token, "/socket", "https://app.example"), claims);
  t.deepEqual(tokens.verify(token, "/socket", undefined), claims);
});

test("a token does not verify for another mount, another origin, or another secret", (t) => {
  const token = tokens.sign(claims);
  t.is(tokens.verify(token, "/other", undefined), undefined);
  t.is(tokens.verify(token, "/socket", "https://evil.example"), undefined);
  t.is(new SessionTokens(Buffer.from("j".repeat(32))).verify(token, "/socket", undefined), undefined);
});

test("tampered claims with the original mac do not verify", (t) => {
  const [, mac] = tokens.sign(claims).split(".");
  const forgedBody = Buffer.from(JSON.stringify([1, claims.sid, claims.node, "/other", claims.origin])).toString("base64url");
  t.is(tokens.verify(`${forgedBody}.${mac!}`, "/other", undefined), undefined);
});

test("garbage never throws and never verifies", (t) => {
  for (const junk of ["", ".", "a.b", "...", "x".repeat(5000), `${"%".repeat(10)}.${"%".repeat(10)}`, "eyJ9.AAAA"]) {
    t.is(tokens.verify(junk, "/socket", undefined), undefined, junk.slice(0, 20));
  }
});

test("session ids make every token different", (t) => {
  t.not(tokens.sign(claims), tokens.sign({ ...claims, sid: "b3RoZXI" }));
});
