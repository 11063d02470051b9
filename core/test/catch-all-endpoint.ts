// A memory endpoint with one catch-all route (`*`): the shape the reserved-topic and
// relay tests attack, since a `*` route is how an app could reach an internal topic.
import { defineSocket, ok, type ChannelSocket, type EndpointOptions } from "@fawkes/core";
import { connectMemory, jsonV2, memoryTransport, startMemoryEndpoint, type MemoryClient } from "./memory-transport.js";

/**
 * Starts an endpoint whose `*` route joins every topic (replying `{ joined: topic }`) and
 * hands each client event to `onEvent`. Returns the endpoint, the transport, and
 * `connect` for a client (a refusal throws).
 */
export async function startCatchAllEndpoint(onEvent: (event: string, payload: unknown, socket: ChannelSocket) => void, options: EndpointOptions = {}) {
  const transport = memoryTransport();
  const socket = defineSocket({ serializers: [jsonV2] })
    .transport("memory", transport)
    .channel("*", {
      join: (topic: string) => ok({ joined: topic }),
      handleIn(event: string, payload: unknown, socket: ChannelSocket) {
        onEvent(event, payload, socket);
        return ok();
      },
    });
  const endpoint = await startMemoryEndpoint(socket, transport, options);
  const connect = async (): Promise<MemoryClient> => {
    const c = await connectMemory(transport);
    if (!("inbox" in c)) throw new Error(`refused ${c.code}`);
    return c;
  };
  return { endpoint, transport, connect };
}
