import type { Frame } from "@fawkes/core";
import { MAX_BATCH_LINES } from "./options.js";

export type BatchResult = { readonly ok: true; readonly frames: Frame[] } | { readonly ok: false; readonly code: "ERR_BATCH_TOO_LARGE" | "ERR_BAD_BASE64" };

const BASE64 = /^[A-Za-z0-9+/_-]*={0,2}$/;

/**
 * Turns a POST body into frames, as the official client sends them. With
 * `application/x-ndjson` each non-empty line is a frame: a line starting with
 * `[` is a text frame (V2 JSON), any other line is the base64 of a binary frame.
 * Any other content type: the whole body is one text frame. A batch over
 * {@link MAX_BATCH_LINES} lines is refused whole, before any frame is dispatched.
 */
export function parseBatch(body: Buffer, contentType: string | undefined): BatchResult {
  const text = body.toString("utf8");
  if (!isNdjson(contentType)) return { ok: true, frames: [{ opcode: "text", data: text }] };
  const lines = text.split(/\r?\n/).filter((line) => line !== "");
  if (lines.length > MAX_BATCH_LINES) return { ok: false, code: "ERR_BATCH_TOO_LARGE" };
  const frames: Frame[] = [];
  for (const line of lines) {
    if (line.startsWith("[")) {
      frames.push({ opcode: "text", data: line });
      continue;
    }
    if (!BASE64.test(line)) return { ok: false, code: "ERR_BAD_BASE64" };
    frames.push({ opcode: "binary", data: new Uint8Array(Buffer.from(line, "base64")) });
  }
  return { ok: true, frames };
}

function isNdjson(contentType: string | undefined): boolean {
  if (contentType === undefined) return false;
  const semi = contentType.indexOf(";");
  return (semi === -1 ? contentType : contentType.slice(0, semi)).trim().toLowerCase() === "application/x-ndjson";
}
