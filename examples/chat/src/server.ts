import { startChat } from "./app.js";

const port = Number(process.env.PORT ?? 4000);
const { endpoint, port: bound } = await startChat(port);
console.log(`Fawkes chat on http://localhost:${bound}`);

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => { void endpoint.close().then(() => process.exit(0)); });
}
