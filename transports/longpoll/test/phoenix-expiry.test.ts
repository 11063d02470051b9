// Its own file: it wraps the global fetch the official client uses, to stop the
// client polling for a while, and no other test may see that.
import test from "ava";
import { LongPoll } from "phoenix";
import { start, until } from "./fixture.js";
import { answer, client } from "./phoenix.js";

test("official client over LongPoll: the session expires while the client is stalled; it reconnects and rejoins", async (t) => {
  const s = await start({ window: 400 });
  t.teardown(() => s.endpoint.close());
  const realFetch = globalThis.fetch;
  let stalled = false;
  let held = 0;
  globalThis.fetch = async (input, init) => {
    if (stalled && String(input).startsWith(s.url)) {
      held++;
      await until(() => !stalled, 5000);
    }
    return realFetch(input, init);
  };
  t.teardown(() => {
    globalThis.fetch = realFetch;
  });

  const socket = client(s.url, { transport: LongPoll }, t.teardown);
  const channel = socket.channel("room:expiry", {});
  await answer(channel.join());
  stalled = true;
  t.true(await until(() => s.record.terminations.includes("room:expiry:closed"), 4000), "server ended the idle session");
  t.true(held > 0);
  stalled = false;
  t.true(await until(() => s.record.joins.filter((j) => j === "room:expiry").length >= 2, 4000), "client rejoined");
  t.deepEqual(await answer(channel.push("echo", { again: true })), { status: "ok", response: { again: true } });
});
