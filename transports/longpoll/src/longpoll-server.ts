import { randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { connectRequestFrom, guarded, parseParams, splitPathQuery, type TransportContext, type TransportHost, type TransportInstance } from "@fawkes/core";
import { parseBatch } from "./batch.js";
import { answerPreflight, readBody, sendJson, setCors } from "./http.js";
import type { ResolvedOptions } from "./options.js";
import { SessionRelay, type PollResult } from "./relay.js";
import { LongPollConnection, type PollWaiter } from "./longpoll-connection.js";
import { SessionTokens, type SessionClaims } from "./token.js";

const TOKEN_HEADER = "x-phoenix-longpoll-token";
const AUTH_TOKEN_HEADER = "x-phoenix-authtoken";

/**
 * One LongPoll transport attached to one socket mount: answers GET (open or
 * poll), POST (send) and OPTIONS at `<mount>/longpoll`, and holds the sessions
 * opened here.
 */
export class LongPollTransportServer implements TransportInstance {
  /** This instance's name in tokens and relay topics; random, so never reused. */
  readonly node = randomBytes(12).toString("base64url");
  private readonly host: TransportHost;
  private readonly sessions = new Map<string, LongPollConnection>();
  private readonly tokens: SessionTokens;
  private readonly relay: SessionRelay;
  private closing = false;

  constructor(
    context: TransportContext,
    private readonly options: ResolvedOptions,
  ) {
    this.host = context.host;
    this.tokens = new SessionTokens(options.secret);
    if (options.generatedSecret) {
      this.host.log.warn("longpoll: no `secret` configured; using a random per-process secret (sessions cannot move between processes)", {
        path: this.host.path,
      });
    }
    this.relay = new SessionRelay(this.host.relay, this.node, (sid) => this.sessions.get(sid), this.host.log);
    this.relay.start();
  }

  /** Sessions held on this node (for tests and metrics). */
  get sessionCount(): number {
    return this.sessions.size;
  }

  handleRequest(req: IncomingMessage, res: ServerResponse): boolean {
    const { path, query } = splitPathQuery(req.url ?? "");
    if (path !== this.host.path) return false;
    this.serve(req, res, query).catch(
      guarded(
        this.host.log,
        "longpoll request",
        (cause: unknown) => {
          this.host.log.error("longpoll request failed", { path: this.host.path, cause });
          sendJson(res, { status: 500 });
        },
        () => res.destroy(),
      ),
    );
    return true;
  }

  async close(): Promise<void> {
    this.closing = true;
    for (const session of [...this.sessions.values()]) session.end(1012, "endpoint closing");
    this.relay.stop();
  }

  private async serve(req: IncomingMessage, res: ServerResponse, query: string): Promise<void> {
    setCors(req, res);
    switch (req.method) {
      case "OPTIONS":
        answerPreflight(res);
        return;
      case "GET":
        await this.get(req, res, query);
        return;
      case "POST":
        await this.post(req, res, query);
        return;
      default:
        sendJson(res, { status: 405, code: "ERR_METHOD" }, 405, { allow: "GET, POST, OPTIONS" });
    }
  }

  /** The session a request's token names, if the token is genuine for this mount and origin. */
  private claims(req: IncomingMessage, query: URLSearchParams): { claims: SessionClaims; token: string } | undefined {
    const header = req.headers[TOKEN_HEADER];
    const token = typeof header === "string" && header !== "" ? header : query.get("token");
    if (token === null || token === "") return undefined;
    const claims = this.tokens.verify(token, this.host.mount, crossOrigin(req));
    return claims === undefined ? undefined : { claims, token };
  }

  private async get(req: IncomingMessage, res: ServerResponse, query: string): Promise<void> {
    const search = new URLSearchParams(query);
    const verified = this.claims(req, search);
    if (verified === undefined) {
      await this.open(req, res, search);
      return;
    }
    const { claims, token } = verified;
    const answer = (result: PollResult): void => {
      if (result.status === 410) sendJson(res, { status: 410 });
      else sendJson(res, { status: result.status, token, messages: result.status === 200 ? result.messages : [] });
    };
    if (claims.node !== this.node) {
      const remote = this.relay.poll(claims.node, claims.sid, this.options.window);
      res.once(
        "close",
        guarded(this.host.log, "longpoll relayed poll close", () => remote.abort()),
      );
      answer(await remote.result);
      return;
    }
    const session = this.sessions.get(claims.sid);
    if (session === undefined) {
      answer({ status: 410 });
      return;
    }
    let timer: NodeJS.Timeout | undefined;
    const waiter: PollWaiter = {
      deliver: (messages) => {
        clearTimeout(timer);
        answer({ status: 200, messages });
      },
      release: (status) => {
        clearTimeout(timer);
        answer({ status });
      },
    };
    session.poll(waiter, true);
    if (res.headersSent) return;
    const log = this.host.log;
    timer = setTimeout(
      guarded(
        log,
        "longpoll poll window",
        () => {
          if (session.cancel(waiter)) answer({ status: 204 });
        },
        () => res.destroy(),
      ),
      this.options.window,
    );
    res.once(
      "close",
      guarded(log, "longpoll poll close", () => {
        clearTimeout(timer);
        session.cancel(waiter);
      }),
    );
  }

  /** GET without a usable token: ask the core, then answer 403 or open a session (410 + token). */
  private async open(req: IncomingMessage, res: ServerResponse, search: URLSearchParams): Promise<void> {
    search.delete("token");
    const authToken = req.headers[AUTH_TOKEN_HEADER];
    const decision = await this.host.connect(
      connectRequestFrom(req, {
        params: parseParams(search),
        authToken: typeof authToken === "string" ? authToken : undefined,
      }),
    );
    if (!decision.ok) {
      // The client knows 403 (stop) and 500 (retry, with its reconnect backoff); any
      // other status would throw inside it. So a temporary refusal (503: full,
      // too fast, draining) answers 500, its code and hint beside it.
      if (decision.status < 500) {
        sendJson(res, { status: 403 });
        return;
      }
      const retry = decision.retryAfter;
      if (retry === undefined) {
        sendJson(res, { status: 500 });
        return;
      }
      sendJson(res, { status: 500, code: decision.code, retryAfter: retry }, 200, { "retry-after": String(retry) });
      return;
    }
    if (this.closing) {
      sendJson(res, { status: 500 });
      return;
    }
    const sid = randomBytes(16).toString("base64url");
    const token = this.tokens.sign({ sid, node: this.node, mount: this.host.mount, origin: crossOrigin(req) ?? "" });
    const session = new LongPollConnection(sid, token, this.options, this.host.log, (s) => {
      if (this.sessions.get(s.id) === s) this.sessions.delete(s.id);
    });
    this.sessions.set(sid, session);
    session.bind(decision.open(session));
    sendJson(res, { status: 410, token, messages: [] });
  }

  private async post(req: IncomingMessage, res: ServerResponse, query: string): Promise<void> {
    const claims = this.claims(req, new URLSearchParams(query))?.claims;
    const local = claims !== undefined && claims.node === this.node ? this.sessions.get(claims.sid) : undefined;
    if (claims === undefined || (claims.node === this.node && local === undefined)) {
      sendJson(res, { status: 410 });
      return;
    }
    const read = await readBody(req, this.options.maxBodyBytes, this.host.log);
    if (!read.ok) {
      if (read.reason === "too_large") sendJson(res, { status: 413, code: "ERR_BODY_TOO_LARGE" }, 413, { connection: "close" });
      return;
    }
    const batch = parseBatch(read.body, req.headers["content-type"]);
    if (!batch.ok) {
      sendJson(res, { status: 400, code: batch.code }, 400);
      return;
    }
    if (local !== undefined) {
      sendJson(res, { status: local.dispatch(batch.frames) ? 200 : 410 });
      return;
    }
    sendJson(res, { status: await this.relay.dispatch(claims.node, claims.sid, batch.frames, this.options.window) });
  }
}

/**
 * The request's `Origin` when it differs from the server's own host, else
 * undefined. Browsers send no `Origin` on same-origin GETs but do on POSTs, so
 * a same-origin page's polls and posts must bind to the same "no foreign origin";
 * only a foreign origin is recorded in (and checked against) the session token.
 */
function crossOrigin(req: IncomingMessage): string | undefined {
  const origin = req.headers.origin;
  if (typeof origin !== "string" || origin === "") return undefined;
  try {
    return new URL(origin).host === req.headers.host ? undefined : origin;
  } catch {
    return origin;
  }
}
