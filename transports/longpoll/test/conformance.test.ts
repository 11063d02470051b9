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
});
