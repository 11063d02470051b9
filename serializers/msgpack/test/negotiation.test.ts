import test from "ava";
import { Endpoint, defineSocket, ok, silentLogger, type Transport, type TransportHost } from "@fawkes/core";
import { jsonV2 } from "@fawkes/json";
import { msgpackV2, MSGPACK_VSN } from "@fawkes/msgpack";

/** A transport without binary frames (as LongPoll and SockJS), exposing the core's host. */
function textOnlyTransport(): Transport & { host?: TransportHost } {
  const transport: Transport & { host?: TransportHost } = {
    kind: "text-only",
    capabilities: { binary: false, delivery: "poll", heartbeats: "none" },
    attach({ host }) {
      transport.host = host;
      return { close: async () => {} };
    },
  };
  return transport;
}

async function connectWith(vsn: string) {
  const transport = textOnlyTransport();
  const handler = defineSocket({ serializers: [msgpackV2, jsonV2] })
    .transport("longpoll", transport)
    .channel("room:*", { join: () => ok() });
  const endpoint = new Endpoint({ logger: silentLogger }).socket("/socket", handler);
  await endpoint.listen(0, "127.0.0.1");
  try {
    return await transport.host!.connect({ params: { vsn }, headers: {}, remoteAddress: "127.0.0.1", remotePort: 1, url: `/socket/longpoll?vsn=${vsn}` });
  } finally {
    await endpoint.close();
  }
}

test("on a transport without binary frames (LongPoll, SockJS) msgpack is refused at connect: 403 ERR_BINARY_UNSUPPORTED", async (t) => {
  const decision = await connectWith(MSGPACK_VSN);
  t.false(decision.ok);
  if (!decision.ok) {
    t.is(decision.status, 403);
    t.is(decision.code, "ERR_BINARY_UNSUPPORTED");
  }
  t.true((await connectWith("2.0.0")).ok, "JSON on the same socket and transport is accepted");
});

test("an unlisted vsn is refused: 403 ERR_UNKNOWN_VSN", async (t) => {
  const decision = await connectWith("2.0.0-protobuf");
  t.false(decision.ok);
  if (!decision.ok) t.is(decision.code, "ERR_UNKNOWN_VSN");
});
