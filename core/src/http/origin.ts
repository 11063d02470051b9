import type { IncomingHttpHeaders } from "node:http";

/**
 * How a transport checks the `Origin` header of browser connections:
 * - `true`: the origin's host must equal the request's `Host` (port ignored);
 * - `false`: no check;
 * - a list: `"https://example.com"`, `"//example.com"` (any scheme and port) or
 *   `"//*.example.com"` (any subdomain); scheme and port must match when given;
 * - a function of the parsed origin URL and the headers, returning true to allow.
 *
 * A request without an `Origin` header (not a browser) is allowed. An origin that
 * has no host (`null`, `file://`) is refused.
 */
export type CheckOrigin = boolean | readonly string[] | ((origin: URL, headers: IncomingHttpHeaders) => boolean);

interface AllowedOrigin {
  scheme: string | null;
  host: string;
  wildcard: boolean;
  port: string | null;
}

/** Compiles a {@link CheckOrigin} rule into a checker; throws for a malformed list entry. */
export function originChecker(rule: CheckOrigin): (headers: IncomingHttpHeaders) => boolean {
  if (rule === false) return () => true;
  if (typeof rule === "function") {
    return (headers) => {
      const origin = parseOrigin(headers.origin);
      if (origin === undefined) return true;
      return origin !== null && rule(origin, headers) === true;
    };
  }
  if (rule === true) {
    return (headers) => {
      const origin = parseOrigin(headers.origin);
      if (origin === undefined) return true;
      if (origin === null) return false;
      const host = (headers.host ?? "")
        .replace(/:\d+$/, "")
        .replace(/^\[|\]$/g, "")
        .toLowerCase();
      return origin.hostname.replace(/^\[|\]$/g, "") === host;
    };
  }
  const allowed = rule.map(compileAllowed);
  return (headers) => {
    const origin = parseOrigin(headers.origin);
    if (origin === undefined) return true;
    if (origin === null) return false;
    return allowed.some((a) => matchesAllowed(a, origin));
  };
}

function compileAllowed(entry: string): AllowedOrigin {
  const m = /^(?:([a-z][a-z0-9+.-]*):)?\/\/(\*\.)?([^/:]+)(?::(\d+))?\/?$/i.exec(entry);
  if (!m) throw new TypeError(`checkOrigin entry ${JSON.stringify(entry)} is not "scheme://host[:port]" or "//host"`);
  return { scheme: m[1]?.toLowerCase() ?? null, wildcard: m[2] !== undefined, host: m[3]!.toLowerCase(), port: m[4] ?? null };
}

function matchesAllowed(a: AllowedOrigin, origin: URL): boolean {
  if (a.scheme !== null && origin.protocol !== `${a.scheme}:`) return false;
  if (a.port !== null && origin.port !== a.port) return false;
  const host = origin.hostname;
  return a.wildcard ? host.endsWith(`.${a.host}`) || host === a.host : host === a.host;
}

/** undefined: no Origin header; null: present but without a host. */
function parseOrigin(value: string | undefined): URL | null | undefined {
  if (value === undefined) return undefined;
  try {
    const url = new URL(value);
    return url.hostname === "" ? null : url;
  } catch {
    return null;
  }
}
