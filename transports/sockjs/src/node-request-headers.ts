import http from "node:http";
import https from "node:https";

/**
 * Test support for Node only. In Node, sockjs-client's xhr and eventsource
 * drivers make plain `http.request` calls through the global agent and take no
 * headers, so a test could never send the `Origin` a browser sends. This hook
 * adds registered headers to every request whose path carries a registered
 * SockJS session id (`/<server>/<session>/...`), and touches nothing else.
 */
const bySession = new Map<string, Readonly<Record<string, string>>>();
let installed = false;

type AddRequest = (req: http.ClientRequest, options: unknown) => void;

function install(): void {
  if (installed) return;
  installed = true;
  for (const agent of [http.globalAgent, https.globalAgent]) {
    const target = agent as unknown as { addRequest: AddRequest };
    const original = target.addRequest.bind(agent);
    target.addRequest = (req, options) => {
      if (bySession.size > 0) {
        for (const [session, headers] of bySession) {
          if (!req.path.includes(`/${session}/`)) continue;
          for (const [name, value] of Object.entries(headers)) if (!req.headersSent) req.setHeader(name, value);
        }
      }
      original(req, options);
    };
  }
}

/** Adds `headers` to the HTTP requests of SockJS session `session`; returns the undo. */
export function addSessionHeaders(session: string, headers: Readonly<Record<string, string>>): () => void {
  install();
  bySession.set(session, headers);
  return () => {
    bySession.delete(session);
  };
}
