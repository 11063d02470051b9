// Deliberately broken serializers and transports, to show the suites catch them.
import {
  SerializerError,
  type ConnectionPort,
  type ConnectionSink,
  type Frame,
  type Message,
  type Serializer,
  type Transport,
  type TransportHost,
} from "@fawkes/core";
import { jsonV2 } from "@fawkes/json";

/** V2 JSON that forgets the client's join_ref. */
export const dropsJoinRef: Serializer = {
  ...jsonV2,
  name: "drops-join-ref",
  decode: (frame) => ({ ...jsonV2.decode(frame), joinRef: null }),
};

/** V2 JSON whose decode trusts its input: garbage escapes as SyntaxError/TypeError. */
export const trustsInput: Serializer = {
  ...jsonV2,
  name: "trusts-input",
  decode(frame: Frame): Message {
    if (frame.opcode === "binary") return jsonV2.decode(frame);
    const [joinRef, ref, topic, event, payload] = JSON.parse(frame.data) as [string | null, string | null, string, string, unknown];
    if (typeof topic !== "string") throw new SerializerError("ERR_MALFORMED_FRAME", "topic");
    return { joinRef, ref, topic, event: event.toString(), payload };
  },
};

/** Wraps `inner`, letting `sink` and `port` be replaced for every connection. */
export function wrapTransport(
  inner: Transport,
  wrap: { sink?: (sink: ConnectionSink) => ConnectionSink; port?: (port: ConnectionPort) => ConnectionPort },
): Transport {
  return {
    kind: inner.kind,
    capabilities: inner.capabilities,
    checkOrigin: inner.checkOrigin,
    attach({ server, host }) {
      const proxy: TransportHost = {
        name: host.name,
        path: host.path,
        mount: host.mount,
        log: host.log,
        relay: host.relay,
        async connect(request) {
          const decision = await host.connect(request);
          if (!decision.ok) return decision;
          return {
            ok: true,
            serializer: decision.serializer,
            open: (sink) => {
              const port = decision.open(wrap.sink ? wrap.sink(sink) : sink);
              return wrap.port ? wrap.port(port) : port;
            },
          };
        },
      };
      return inner.attach({ server, host: proxy });
    },
  };
}

/** Holds each outbound frame until the next one, then sends them swapped. */
export function reordering(sink: ConnectionSink): ConnectionSink {
  let held: Frame | undefined;
  return {
    send(frame) {
      if (held === undefined) {
        held = frame;
        return;
      }
      sink.send(frame);
      sink.send(held);
      held = undefined;
    },
    close: (code, reason) => sink.close(code, reason),
  };
}

/** Loses every fourth outbound frame. */
export function dropping(sink: ConnectionSink): ConnectionSink {
  let count = 0;
  return {
    send(frame) {
      if (++count % 4 !== 0) sink.send(frame);
    },
    close: (code, reason) => sink.close(code, reason),
  };
}

/** Never tells the core that the connection ended. */
export function forgetsClose(port: ConnectionPort): ConnectionPort {
  return { receive: (frame) => port.receive(frame), closed: () => undefined };
}

/**
 * Refuses, as faye-websocket (under the sockjs server) did, the codes it does not
 * take: anything but 1000 and 3000-4999. The core closes with 1001, 1007 and
 * 1012; the refusal is thrown from a later callback of the "library" (where no
 * transport guard reaches) and the connection stays open.
 */
export function throwsOnCloseCode(sink: ConnectionSink): ConnectionSink {
  return {
    send: (frame, shared) => sink.send(frame, shared),
    close(code, reason) {
      // As faye-websocket did under SockJS: the library refuses the code from one of
      // its own callbacks, outside anything the transport could guard, and the
      // connection is never closed.
      if (code !== 1000 && (code < 3000 || code > 4999)) {
        setImmediate(() => {
          throw new Error(`The code must be either 1000, or between 3000 and 4999. ${code} is neither.`);
        });
        return;
      }
      sink.close(code, reason);
    },
  };
}
