import test from "ava";
import { originChecker, parseParams, vsnMatches, negotiateSerializer } from "@fawkes/core";
import { jsonV1, jsonV2 } from "@fawkes/json";

test("Rails-style params", (t) => {
  const p = parseParams("a=1&b[c]=2&b[d][e]=3&l[]=x&l[]=y&i[0]=z&vsn=2.0.0&__proto__[x]=1&b[__proto__]=2");
  t.deepEqual(JSON.parse(JSON.stringify(p)), { a: "1", b: { c: "2", d: { e: "3" } }, l: ["x", "y"], i: { "0": "z" }, vsn: "2.0.0" });
  t.is(({} as Record<string, unknown>).x, undefined);
});

test("vsn requirements match as Phoenix's ~> does", (t) => {
  t.true(vsnMatches("~> 2.0.0", "2.0.0"));
  t.true(vsnMatches("~> 2.0.0", "2.0.9"));
  t.false(vsnMatches("~> 2.0.0", "2.1.0"));
  t.false(vsnMatches("~> 2.0.0", "2.0.0-msgpack"));
  t.true(vsnMatches("2.0.0-msgpack", "2.0.0-msgpack"));
  t.is(negotiateSerializer([jsonV2, jsonV1], "1.0.0"), jsonV1);
  t.is(negotiateSerializer([jsonV2, jsonV1], "2.0.0"), jsonV2);
  t.is(negotiateSerializer([jsonV2], "3.0.0"), undefined);
});

test("checkOrigin: true compares with the Host header; missing Origin allowed; hostless origin refused", (t) => {
  const check = originChecker(true);
  t.true(check({ host: "example.com:4000", origin: "https://example.com" }));
  t.false(check({ host: "example.com", origin: "https://evil.com" }));
  t.true(check({ host: "example.com" }));
  t.false(check({ host: "example.com", origin: "null" }));
  t.false(check({ host: "example.com", origin: "file://" }));
});

test("checkOrigin lists: //host, scheme://host:port, wildcard subdomains; functions; false", (t) => {
  const check = originChecker(["//example.com", "https://app.test:8443", "//*.example.org"]);
  t.true(check({ origin: "http://example.com" }));
  t.true(check({ origin: "https://example.com:9999" }));
  t.true(check({ origin: "https://app.test:8443" }));
  t.false(check({ origin: "http://app.test:8443" }));
  t.false(check({ origin: "https://app.test" }));
  t.true(check({ origin: "https://a.b.example.org" }));
  t.false(check({ origin: "https://example.org.evil.com" }));
  t.false(check({ origin: "https://notexample.com" }));
  t.throws(() => originChecker(["example.com"]), { instanceOf: TypeError });
  t.true(originChecker((url) => url.hostname === "ok.test")({ origin: "http://ok.test" }));
  t.false(originChecker((url) => url.hostname === "ok.test")({ origin: "http://no.test" }));
  t.true(originChecker(false)({ origin: "null" }));
});
