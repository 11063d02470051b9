import { createServer, type Server } from "node:http";
import { readFile } from "node:fs/promises";
import { randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";
import { Endpoint, defineSocket, refuse } from "@fawkes/core";
import { jsonV1, jsonV2 } from "@fawkes/json";
import { websocket } from "@fawkes/websocket";
import { longpoll } from "@fawkes/longpoll";
import { RoomChannel } from "./room-channel.js";

// The official client's ES module build, straight from node_modules.
const phoenixBundle = fileURLToPath(import.meta.resolve("phoenix"));
const indexHtml = fileURLToPath(new URL("../public/index.html", import.meta.url));

/** The chat socket: a user name from the connect params, `room:*` channels. */
export const chatSocket = defineSocket({
  serializers: [jsonV2, jsonV1],
  connect(params, socket) {
    const name = typeof params.name === "string" ? params.name.trim().slice(0, 40) : "";
    if (name === "") return refuse("a name is required");
    socket.assign("name", name);
    return true;
  },
})
  .transport("websocket", websocket())
  // The fallback for networks that block WebSockets. One process here, so a secret
  // made at start is enough; several nodes must share LONGPOLL_SECRET.
  .transport("longpoll", longpoll({ secret: process.env.LONGPOLL_SECRET ?? randomBytes(32) }))
  .channel("room:*", RoomChannel);

/** Creates the HTTP server (page + phoenix client bundle) with the endpoint attached. */
export async function startChat(port: number, hostname?: string): Promise<{ server: Server; endpoint: Endpoint; port: number }> {
  const server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    const file = path === "/" ? indexHtml : path === "/phoenix.mjs" ? phoenixBundle : undefined;
    if (file === undefined) {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found\n");
      return;
    }
    readFile(file).then(
      (body) => res.writeHead(200, { "content-type": file.endsWith(".mjs") ? "text/javascript" : "text/html; charset=utf-8" }).end(body),
      () => res.writeHead(500).end(),
    );
  });
  const endpoint = new Endpoint().socket("/socket", chatSocket);
  await endpoint.attach(server);
  await new Promise<void>((resolve) => server.listen(port, hostname, resolve));
  const address = server.address();
  return { server, endpoint, port: typeof address === "object" && address ? address.port : port };
}
