import { Endpoint, defineSocket, type Serializer, error, ok, refuse, silentLogger, type Logger, type ChannelSocket } from "@fawkes/core";
import { jsonV1, jsonV2 } from "@fawkes/json";
import { sockjs, type SockJSOptions } from "@fawkes/sockjs";
import type { ExecutionContext } from "ava";

export interface Fixture {
  readonly endpoint: Endpoint;
  readonly port: number;
  readonly base: string;
  /** Auth tokens and params seen by `connect`, in order. */
  readonly connects: { params: Record<string, unknown>; authToken: string | undefined; origin: string | undefined; uri: string }[];
  /** Reasons channels terminated with, in order. */
  readonly terminated: string[];
  readonly logged: { level: string; message: string; fields: Record<string, unknown> | undefined }[];
}

/** A Fawkes endpoint with one socket served by sockjs at /socket/sockjs. */
export async function startFixture(t: ExecutionContext, options: SockJSOptions = {}, extraSerializers: readonly Serializer[] = []): Promise<Fixture> {
  const connects: Fixture["connects"] = [];
  const terminated: string[] = [];
  const logged: Fixture["logged"] = [];
  const record =
    (level: string): Logger[keyof Logger] =>
    (message, fields) => {
      logged.push({ level, message, fields });
    };
  const logger: Logger = { ...silentLogger, warn: record("warn"), error: record("error") };
  const socket = defineSocket({
    serializers: [jsonV2, jsonV1, ...extraSerializers],
    connect(params, s, info) {
      connects.push({ params: { ...params }, authToken: info.authToken, origin: info.headers.origin, uri: info.uri });
      if (params.reject === "1") return refuse("rejected by params", 403);
      if (params.crash === "1") throw new Error("boom");
      if (typeof params.user_id === "string") s.assign("user_id", params.user_id);
      return true;
    },
    id: (s) => (typeof s.assigns.user_id === "string" ? `user_socket:${s.assigns.user_id}` : null),
  })
    .transport("sockjs", sockjs({ disconnectDelay: 5000, ...options }))
    .channel("room:*", {
      join: (topic, payload) => ((payload as { reject?: boolean }).reject ? error({ reason: "unauthorized" }) : ok({ joined: topic })),
      handleIn(event: string, payload: unknown, s: ChannelSocket) {
        if (event === "echo") return ok(payload);
        if (event === "broadcast") {
          s.broadcast("new_msg", payload);
          return ok();
        }
        if (event === "push") {
          s.push("pushed", payload);
          return ok();
        }
        if (event === "binary") {
          return ok(new Uint8Array([1, 2, 3]));
        }
        return error({ reason: "unknown" });
      },
      terminate(reason) {
        terminated.push(reason);
      },
    });
  const endpoint = new Endpoint({ logger }).socket("/socket", socket);
  const port = await endpoint.listen(0, "127.0.0.1");
  t.teardown(() => endpoint.close());
  return { endpoint, port, base: `http://127.0.0.1:${port}`, connects, terminated, logged };
}

/** Polls `check` every 10 ms until true or `ms` passed; returns the last result. */
export async function eventually(check: () => boolean, ms = 3000): Promise<boolean> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) return false;
    await new Promise((r) => setTimeout(r, 10));
  }
  return true;
}
