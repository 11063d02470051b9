import { createHmac, timingSafeEqual } from "node:crypto";

/** What a session token proves: which session, on which node, for which mount and origin. */
export interface SessionClaims {
  /** Random session id (128 bits, base64url): unguessable. */
  readonly sid: string;
  /** The transport instance (node) that holds the session. */
  readonly node: string;
  /** The socket mount the session was opened on, e.g. `/socket`. */
  readonly mount: string;
  /** The `Origin` header the session was opened with; "" when there was none. */
  readonly origin: string;
}

const VERSION = 1;
const MAX_TOKEN_LENGTH = 2048;

/**
 * Signs and verifies LongPoll session tokens: `<claims>.<mac>`, both base64url,
 * where claims is the JSON array `[1, sid, node, mount, origin]` and mac is
 * HMAC-SHA256 over the claims part with a key derived from the secret.
 *
 * A token carries no expiry: it is only worth anything while its session lives,
 * and sessions end after 1.5 windows without a poll.
 */
export class SessionTokens {
  private readonly key: Buffer;

  constructor(secret: Uint8Array) {
    // Derive a purpose-bound key so the user's secret is never used raw.
    this.key = createHmac("sha256", secret).update("fawkes/longpoll/session-token/v1").digest();
  }

  sign(claims: SessionClaims): string {
    const body = Buffer.from(JSON.stringify([VERSION, claims.sid, claims.node, claims.mount, claims.origin])).toString("base64url");
    return `${body}.${this.mac(body).toString("base64url")}`;
  }

  /**
   * The claims of `token` when its signature is valid, it was minted for `mount`,
   * and `origin` (the request's `Origin` header, if any) is the one it was minted
   * for. Otherwise undefined. Never throws.
   */
  verify(token: string, mount: string, origin: string | undefined): SessionClaims | undefined {
    if (token.length > MAX_TOKEN_LENGTH) return undefined;
    const dot = token.indexOf(".");
    if (dot <= 0) return undefined;
    const body = token.slice(0, dot);
    const given = Buffer.from(token.slice(dot + 1), "base64url");
    const expected = this.mac(body);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    let parsed: unknown;
    try {
      parsed = JSON.parse(Buffer.from(body, "base64url").toString("utf8"));
    } catch {
      return undefined;
    }
    if (!Array.isArray(parsed) || parsed.length !== 5 || parsed[0] !== VERSION) return undefined;
    const [, sid, node, tokenMount, tokenOrigin] = parsed as unknown[];
    if (typeof sid !== "string" || typeof node !== "string" || typeof tokenMount !== "string" || typeof tokenOrigin !== "string") return undefined;
    if (tokenMount !== mount) return undefined;
    if (origin !== undefined && origin !== tokenOrigin) return undefined;
    return { sid, node, mount: tokenMount, origin: tokenOrigin };
  }

  private mac(body: string): Buffer {
    return createHmac("sha256", this.key).update(body).digest();
  }
}
