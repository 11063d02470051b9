import { startChat } from "./app.js";

const port = Number(process.env.PORT ?? 4000);
const { endpoint, port: bound } = await startChat(port);
console.log(`Fawkes chat on http://localhost:${bound}`);

// SIGTERM (a deploy): drain, so clients move to another node in batches, not as
// one wave, then exit 0. SIGINT (Ctrl-C), or a second signal: close now.
let stopping = false;
const exit = (): void => {
  void endpoint.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.on("SIGTERM", () => {
  if (stopping) {
    exit();
    return;
  }
  stopping = true;
  endpoint.drain().then(exit, exit);
});
process.once("SIGINT", () => {
  stopping = true;
  exit();
});
