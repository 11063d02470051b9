import test from "ava";
import { transportSuite } from "@fawkes/conformance";
import { longpoll } from "@fawkes/longpoll";
import { longPollClientDriver } from "@fawkes/longpoll/testing";
import { SECRET } from "./fixture.js";

transportSuite(test, {
  name: "longpoll",
  transport: () => longpoll({ secret: SECRET, window: 1000 }),
  driver: longPollClientDriver,
  capabilities: {
    ...longpoll({ secret: SECRET }).capabilities,
    // The client learns of an ended session from a 410 poll; LongPoll has no close codes.
    closeCodes: false,
  },
  faults: {
    // A session with no poll for 1.5 windows ends: that is LongPoll's idle close.
    idleTimeout: (ms) => longpoll({ secret: SECRET, window: Math.max(1, Math.round(ms / 1.5)) }),
    // maxBufferedBytes is LongPoll's own option; hardMaxBufferedBytes and slowConsumerGraceMs arrive with the shared policy (wslp branch).
    slowConsumer: (limits) => longpoll({ secret: SECRET, window: 1000, ...limits }),
  },
});
