/**
 * The client's `Sec-WebSocket-Protocol` offer, with the Phoenix auth token taken out.
 *
 * The official client sends its `authToken` as a second subprotocol next to
 * `phoenix`: `base64url.bearer.phx.<token>`, where `<token>` is the token's bytes in
 * base64 without padding. Browsers' `btoa` gives the standard alphabet (`+` `/`) and
 * other clients the URL-safe one (`-` `_`); both are accepted, padded or not.
 */
export interface SubprotocolOffer {
  /** The offered subprotocols, in order, without the token entry. */
  readonly protocols: readonly string[];
  /** The decoded token (UTF-8), when the client sent one. */
  readonly authToken: string | undefined;
}

/** Prefix of the subprotocol entry that carries the auth token. */
export const AUTH_TOKEN_PREFIX = "base64url.bearer.phx.";

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const BASE64 = /^[A-Za-z0-9+/\-_]*={0,2}$/;

/**
 * Parses a `Sec-WebSocket-Protocol` header value. Returns null when it is malformed
 * (an empty or non-token entry, a duplicate, a token that is not base64), which the
 * transport answers with 400.
 */
export function parseSubprotocolOffer(header: string | undefined): SubprotocolOffer | null {
  if (header === undefined) return { protocols: [], authToken: undefined };
  const protocols: string[] = [];
  let authToken: string | undefined;
  for (const raw of header.split(",")) {
    const entry = raw.trim();
    if (entry.startsWith(AUTH_TOKEN_PREFIX)) {
      const encoded = entry.slice(AUTH_TOKEN_PREFIX.length);
      if (authToken !== undefined || !BASE64.test(encoded) || encoded.length % 4 === 1) return null;
      authToken = Buffer.from(encoded, "base64").toString("utf8");
      continue;
    }
    if (!TOKEN.test(entry) || protocols.includes(entry)) return null;
    protocols.push(entry);
  }
  return { protocols, authToken };
}
