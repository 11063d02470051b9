import test from "ava";
import type { ServerResponse } from "node:http";
import { Duplex } from "node:stream";
import { ResponseMeter, SocketMeter, meterFor } from "../dist/outbound-meter.js";

const response = (writableLength: number, ended = false) =>
  ({ writableLength, writableEnded: ended, destroyed: false, destroy() {} }) as unknown as ServerResponse & { writableEnded: boolean };

test("an HTTP session counts what waits between requests, and the attached response's own queue", (t) => {
  const first = response(10, true);
  const meter = new ResponseMeter(first);
  t.false(meter.attached());
  meter.wrote(100);
  meter.wrote(50);
  t.is(meter.queued(), 160, "unflushed plus the ended response still draining");
  const poll = response(0);
  meter.attach(poll);
  t.true(meter.attached());
  t.is(meter.queued(), 0, "the new request took the whole buffer");
  meter.wrote(70);
  t.is(meter.queued(), 0, "written into the attached response, counted by it");
  const rival = response(999);
  meter.attach(rival);
  t.is(meter.queued(), 0, "a second receiving request while one is attached is refused by sockjs");
  poll.writableEnded = true;
  meter.wrote(30);
  t.is(meter.queued(), 30);
});

test("a WebSocket session reads its socket's writableLength; an unseen one is never counted", (t) => {
  const socket = new Duplex({
    read() {},
    write(_c, _e, cb) {
      setTimeout(cb, 1000).unref();
    },
  });
  socket.write(Buffer.alloc(10));
  socket.write(Buffer.alloc(20));
  const meter = new SocketMeter(socket);
  t.is(meter.queued(), 30);
  t.true(meter.attached());
  meter.destroy();
  t.is(meter.queued(), 0);
  t.is(meterFor({}, "websocket").queued(), 0);
  t.true(meterFor({}, "xhr-polling") instanceof ResponseMeter);
  t.true(meterFor({ socket }, undefined) instanceof SocketMeter);
});
