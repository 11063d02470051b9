import test from "ava";
import { ChannelTable } from "../dist/connection/channel-table.js";
import type { ChannelServer } from "../dist/channel/channel-server.js";

const server = (name: string) => ({ name }) as unknown as ChannelServer;

test("the channel table keeps one channel in fields and more in a map, by topic", (t) => {
  const table = new ChannelTable();
  const a = server("a"),
    b = server("b"),
    c = server("c"),
    a2 = server("a2");
  t.is(table.size, 0);
  t.is(table.get("a"), undefined);
  table.set("a", a);
  table.set("b", b);
  table.set("c", c);
  t.is(table.size, 3);
  t.is(table.get("b"), b);
  table.set("a", a2);
  t.is(table.get("a"), a2);
  t.is(table.size, 3);
  table.delete("a");
  t.is(table.get("a"), undefined);
  t.is(table.size, 2);
  table.set("b", server("b2")); // b lives in the map: replacing it must not duplicate it
  t.is(table.size, 2);
  table.set("d", server("d"));
  t.deepEqual(
    table
      .values()
      .map((s) => (s as unknown as { name: string }).name)
      .sort(),
    ["b2", "c", "d"],
  );
  table.clear();
  t.is(table.size, 0);
  t.deepEqual(table.values(), []);
});
