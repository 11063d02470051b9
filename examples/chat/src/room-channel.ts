import { ok, error, type Channel, type ChannelSocket } from "@fawkes/core";

const MAX_BODY = 2000;

/** `room:<name>`: chat messages with user names, and who joined. */
export class RoomChannel implements Channel {
  join(topic: string, _payload: unknown, socket: ChannelSocket) {
    socket.sendInfo({ type: "after_join" });
    return ok({ room: topic.slice("room:".length), user: socket.assigns.name });
  }

  handleIn(event: string, payload: unknown, socket: ChannelSocket) {
    if (event !== "new_msg") return error({ reason: `unknown event ${event}` });
    const body = (payload as { body?: unknown } | null)?.body;
    if (typeof body !== "string" || body.trim() === "") return error({ reason: "empty message" });
    socket.broadcast("new_msg", { user: socket.assigns.name, body: body.slice(0, MAX_BODY), at: Date.now() });
    return ok();
  }

  handleInfo(_message: unknown, socket: ChannelSocket) {
    socket.broadcastFrom("user_joined", { user: socket.assigns.name, at: Date.now() });
  }
}
