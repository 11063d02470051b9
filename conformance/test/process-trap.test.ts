// The trap that turns an exception escaping to the process into a case failure.
import test from "ava";
import { trapProcessFaults } from "../dist/transport/process-trap.js";

test.serial("an exception thrown from a callback is recorded, not fatal, and the runner's listeners come back", async (t) => {
  const before = process.listeners("uncaughtException");
  const trap = trapProcessFaults();
  t.false(
    process.listeners("uncaughtException").some((l) => before.includes(l)),
    "the runner's listeners are set aside",
  );
  setImmediate(() => {
    throw new Error("thrown from a callback");
  });
  void Promise.reject(new Error("rejected and never handled"));
  await new Promise((resolve) => setTimeout(resolve, 20));
  trap.release();
  t.is(trap.errors.length, 2, trap.errors.join("\n"));
  t.regex(trap.errors.join("\n"), /uncaughtException: Error: thrown from a callback/);
  t.regex(trap.errors.join("\n"), /unhandledRejection: Error: rejected and never handled/);
  t.deepEqual(process.listeners("uncaughtException"), before, "the runner's listeners are back, in order");
});

test.serial("a fault goes to the cases still in their body, not to those closing", async (t) => {
  const acting = trapProcessFaults();
  const closing = trapProcessFaults();
  closing.closing();
  setImmediate(() => {
    throw new Error("while one acts");
  });
  await new Promise((resolve) => setTimeout(resolve, 20));
  acting.closing();
  setImmediate(() => {
    throw new Error("while all close");
  });
  await new Promise((resolve) => setTimeout(resolve, 20));
  acting.release();
  closing.release();
  t.is(acting.errors.length, 2);
  t.regex(acting.errors[0] ?? "", /while one acts[\s\S]*1 other case\(s\) were closing/);
  t.is(closing.errors.length, 1);
  t.regex(closing.errors[0] ?? "", /while all close/);
});
