// Raw LongPoll requests, for tests that check the wire byte by byte.
import { httpJson, type HttpAnswer } from "@fawkes/longpoll/testing";

export const PATH = "/socket/longpoll";

export function get(url: string, query = "vsn=2.0.0", headers: Record<string, string> = {}, path = PATH): Promise<HttpAnswer> {
  return httpJson("GET", `${url}${path}?${query}`, { accept: "application/json", ...headers });
}

/** Opens a session and returns its token; fails the caller if refused. */
export async function open(url: string, query = "vsn=2.0.0", headers: Record<string, string> = {}, path = PATH): Promise<string> {
  const answer = await get(url, query, headers, path);
  if (answer.body?.status !== 410 || typeof answer.body.token !== "string") throw new Error(`not opened: ${JSON.stringify(answer.body)}`);
  return answer.body.token;
}

export function poll(url: string, token: string, headers: Record<string, string> = {}, path = PATH): Promise<HttpAnswer> {
  return httpJson("GET", `${url}${path}?vsn=2.0.0`, { accept: "application/json", "x-phoenix-longpoll-token": token, ...headers });
}

export function post(url: string, token: string, lines: readonly unknown[], headers: Record<string, string> = {}, path = PATH): Promise<HttpAnswer> {
  const body = lines.map((l) => (typeof l === "string" ? l : JSON.stringify(l))).join("\n");
  return httpJson("POST", `${url}${path}?vsn=2.0.0`, { "content-type": "application/x-ndjson", "x-phoenix-longpoll-token": token, ...headers }, body);
}

/** Polls until `count` messages arrived (bounded), returning them parsed. */
export async function collect(url: string, token: string, count: number, maxPolls = 10, path = PATH): Promise<unknown[]> {
  const out: unknown[] = [];
  for (let i = 0; i < maxPolls && out.length < count; i++) {
    const answer = await poll(url, token, {}, path);
    if (answer.body?.status === 200) for (const m of answer.body.messages as string[]) out.push(JSON.parse(m));
    else if (answer.body?.status !== 204) throw new Error(`poll answered ${JSON.stringify(answer.body)}`);
  }
  return out;
}
