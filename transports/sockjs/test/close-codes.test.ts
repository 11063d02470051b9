import test from "ava";
import { CloseCode } from "@fawkes/core";
import { coreCloseCode, wireCloseCode } from "@fawkes/sockjs";
import { coreCloseCode as clientCoreCloseCode } from "@fawkes/sockjs/client";

/** What faye-websocket's `close()` accepts without throwing (the browser WebSocket API rule). */
const fayeAccepts = (code: number) => code === 1000 || (code >= 3000 && code <= 4999);

test("every core close code maps to a code faye-websocket accepts, and back", (t) => {
  for (const code of Object.values(CloseCode)) {
    const wire = wireCloseCode(code);
    t.true(fayeAccepts(wire), `core ${code} -> wire ${wire}`);
    t.is(coreCloseCode(wire), code);
  }
  t.is(wireCloseCode(1001), 3001);
  t.is(wireCloseCode(1012), 3012);
});

test("refusals and other application codes travel unchanged", (t) => {
  for (const code of [4403, 4408, 4500, 4002, 3000, 4999]) {
    t.is(wireCloseCode(code), code);
    t.is(coreCloseCode(code), code);
  }
});

test("codes no library accepts become 3011; sockjs's own 3000 is not read as a normal close", (t) => {
  for (const code of [0, 999, 2010, 5000, 1.5, Number.NaN]) t.true(fayeAccepts(wireCloseCode(code)), String(code));
  t.is(wireCloseCode(2010), 3011);
  t.is(coreCloseCode(3000), 3000);
  t.is(clientCoreCloseCode(3012), 1012);
});
