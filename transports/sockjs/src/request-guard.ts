import type { ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import type { Logger } from "@fawkes/core";

/**
 * Runs one call into sockjs's request or upgrade handler so that a throw
 * answers only that request: HTTP 500 (or a dropped connection once the
 * headers left) for a request, a destroyed socket for an upgrade. Returns what
 * `handle` returned, or true when it threw (the request was answered).
 */
export function guardRequest(log: Logger, what: string, target: ServerResponse | Duplex, handle: () => boolean): boolean {
  try {
    return handle();
  } catch (cause) {
    log.error(`${what} failed`, { code: "ERR_TRANSPORT_CALLBACK", cause });
    try {
      if (isResponse(target) && !target.headersSent)
        target.writeHead(500, { "content-type": "text/plain; charset=UTF-8", connection: "close" }).end("500 Internal Server Error\n");
      else target.destroy();
    } catch (again) {
      log.error(`${what} failed while answering`, { code: "ERR_TRANSPORT_CALLBACK", cause: again });
    }
    return true;
  }
}

function isResponse(target: ServerResponse | Duplex): target is ServerResponse {
  return typeof (target as Partial<ServerResponse>).writeHead === "function";
}
