/** A query parameter value, after Rails-style nesting. */
export type ParamValue = string | ParamValue[] | { [key: string]: ParamValue };
export type Params = { [key: string]: ParamValue };

/**
 * Parses a query string Rails-style, as Phoenix (Plug) does:
 * `a=1&b[c]=2&d[]=x&d[]=y&e[0]=z` becomes
 * `{ a: "1", b: { c: "2" }, d: ["x", "y"], e: { "0": "z" } }`.
 * The last value wins for a repeated plain key. Keys that would reach
 * `__proto__` are dropped, so client input cannot pollute prototypes.
 */
export function parseParams(query: string | URLSearchParams): Params {
  const search = typeof query === "string" ? new URLSearchParams(query.startsWith("?") ? query.slice(1) : query) : query;
  const out: Params = Object.create(null) as Params;
  for (const [rawKey, value] of search) {
    const parts = splitKey(rawKey);
    if (parts === null) continue;
    assignPath(out, parts, value);
  }
  return out;
}

function splitKey(key: string): string[] | null {
  const open = key.indexOf("[");
  if (open <= 0) return key === "" || isUnsafe(key) ? null : [key];
  const parts = [key.slice(0, open)];
  const re = /\[([^\]]*)\]/gy;
  re.lastIndex = open;
  let m: RegExpExecArray | null;
  while ((m = re.exec(key)) !== null) parts.push(m[1]!);
  if (re.lastIndex !== 0 && re.lastIndex < key.length) return null;
  return parts.some(isUnsafe) ? null : parts;
}

function isUnsafe(part: string): boolean {
  return part === "__proto__" || part === "constructor" || part === "prototype";
}

function assignPath(target: Params | ParamValue[], parts: string[], value: string): void {
  let node: Params | ParamValue[] = target;
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    const last = i === parts.length - 1;
    const nextIsList = !last && parts[i + 1] === "";
    if (Array.isArray(node)) {
      if (last) {
        node.push(value);
        return;
      }
      const child: ParamValue = nextIsList ? [] : (Object.create(null) as Params);
      node.push(child);
      node = child as Params | ParamValue[];
      continue;
    }
    if (last) {
      node[part] = value;
      return;
    }
    let child = node[part];
    if (nextIsList ? !Array.isArray(child) : typeof child !== "object" || Array.isArray(child)) {
      child = nextIsList ? [] : (Object.create(null) as Params);
      node[part] = child;
    }
    node = child as Params | ParamValue[];
  }
}
