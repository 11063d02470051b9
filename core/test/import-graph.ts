/**
 * Reads the import graph of a TypeScript source tree without a compiler: every
 * static `import ... from`, `export ... from`, side-effect `import "x"` and
 * `import("x")` (type positions included), comments and string contents
 * ignored. Used by `layering.test.ts`.
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, posix, relative, sep } from "node:path";

/**
 * The source with every comment and the contents of every string, template
 * and regex literal blanked out (quotes, `${...}` code and line breaks kept),
 * so that offsets still match the source.
 */
export function maskSource(source: string): string {
  const out = source.split("");
  const blank = (from: number, to: number): void => {
    for (let k = from; k < to && k < out.length; k++) if (out[k] !== "\n") out[k] = " ";
  };
  let i = 0;
  // The last significant character outside literals: decides whether a `/` opens a regex literal.
  let last = "";
  let lastWord = "";
  // Brace depth at which each open template's `${` was entered.
  const templates: number[] = [];
  let braces = 0;
  const regexAfter = new Set(["return", "typeof", "case", "do", "else", "in", "of", "new", "delete", "void", "throw", "yield", "await"]);
  const templateText = (from: number): number => {
    // Blank template text from `from` up to the closing backtick or a `${`; returns where code resumes.
    let k = from;
    while (k < source.length && source[k] !== "`") {
      if (source[k] === "\\") {
        k += 2;
        continue;
      }
      if (source[k] === "$" && source[k + 1] === "{") {
        blank(from, k);
        templates.push(braces);
        return k + 2;
      }
      k++;
    }
    blank(from, k);
    return k + 1;
  };
  while (i < source.length) {
    const c = source[i]!;
    const next = source[i + 1];
    if (c === "/" && next === "/") {
      const end = source.indexOf("\n", i);
      const stop = end === -1 ? source.length : end;
      blank(i, stop);
      i = stop;
      continue;
    }
    if (c === "/" && next === "*") {
      const end = source.indexOf("*/", i + 2);
      const stop = end === -1 ? source.length : end + 2;
      blank(i, stop);
      i = stop;
      continue;
    }
    if (c === "'" || c === '"') {
      let k = i + 1;
      while (k < source.length && source[k] !== c && source[k] !== "\n") k += source[k] === "\\" ? 2 : 1;
      blank(i + 1, k);
      i = k + 1;
      last = c;
      lastWord = "";
      continue;
    }
    if (c === "`") {
      i = templateText(i + 1);
      last = "`";
      lastWord = "";
      continue;
    }
    if (c === "}" && templates.length > 0 && templates[templates.length - 1] === braces) {
      templates.pop();
      i = templateText(i + 1);
      last = "`";
      lastWord = "";
      continue;
    }
    if (c === "/" && (last === "" || "([{,;:=!&|?+-*%<>~^}".includes(last) || regexAfter.has(lastWord))) {
      let k = i + 1;
      let inClass = false;
      while (k < source.length && source[k] !== "\n") {
        const r = source[k]!;
        if (r === "\\") {
          k += 2;
          continue;
        }
        if (r === "[") inClass = true;
        else if (r === "]") inClass = false;
        else if (r === "/" && !inClass) break;
        k++;
      }
      blank(i + 1, k);
      i = k + 1;
      while (i < source.length && /[a-z]/.test(source[i]!)) i++;
      last = "/";
      lastWord = "";
      continue;
    }
    if (c === "{") braces++;
    else if (c === "}") braces--;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (/[\w$]/.test(c)) {
      const start = i;
      while (i < source.length && /[\w$]/.test(source[i]!)) i++;
      lastWord = source.slice(start, i);
      last = "a";
      continue;
    }
    last = c;
    lastWord = "";
    i++;
  }
  return out.join("");
}

// Matched on the masked source; the specifier (group 1) is read back from the source at the same offsets.
const STATIC = /(?:^|[;}\n])[ \t]*(?:import|export)\s+(?:type\s+)?(?:[\w$*{}\s,]+?\s+from\s*)?["']([^"'\n]*)["']/dg;
const DYNAMIC = /\bimport\s*\(\s*["']([^"'\n]*)["']\s*\)/dg;

/** Every module specifier `source` imports or re-exports, type imports included, in order of appearance. */
export function importsOf(source: string): string[] {
  const code = maskSource(source);
  const found: { at: number; spec: string }[] = [];
  for (const pattern of [STATIC, DYNAMIC]) {
    for (const m of code.matchAll(pattern)) {
      const [from, to] = m.indices![1]!;
      found.push({ at: from, spec: source.slice(from, to) });
    }
  }
  return found.sort((a, b) => a.at - b.at).map((f) => f.spec);
}

/** One file of the tree: where its relative imports lead (paths relative to the root, `/`-separated) and what else it imports. */
export interface GraphNode {
  readonly local: string[];
  readonly external: string[];
}

/** The import graph of every `.ts` file under `root` (declaration files excluded), keyed by path relative to `root`. */
export function importGraph(root: string): Map<string, GraphNode> {
  const graph = new Map<string, GraphNode>();
  for (const file of tsFiles(root)) {
    const name = relative(root, file).split(sep).join("/");
    const local: string[] = [];
    const external: string[] = [];
    for (const spec of importsOf(readFileSync(file, "utf8"))) {
      if (!spec.startsWith(".")) {
        external.push(spec);
        continue;
      }
      local.push(posix.normalize(posix.join(posix.dirname(name), spec)).replace(/\.js$/, ".ts"));
    }
    graph.set(name, { local, external });
  }
  return graph;
}

function tsFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...tsFiles(path));
    else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts")) out.push(path);
  }
  return out.sort();
}

/**
 * The strongly connected components of more than one file (or a file that
 * imports itself), each as one cycle through it, e.g. `["a.ts", "b.ts", "a.ts"]`.
 * Empty when the graph is acyclic.
 */
export function findCycles(edges: ReadonlyMap<string, readonly string[]>): string[][] {
  // Tarjan's algorithm, iterative enough for source trees (recursion depth = longest import chain).
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    onStack.add(v);
    for (const w of edges.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    if (component.length > 1 || (edges.get(v) ?? []).includes(v)) components.push(component);
  };
  for (const v of [...edges.keys()].sort()) if (!index.has(v)) visit(v);
  return components.map((c) => cycleThrough(c, edges));
}

/** A shortest cycle from the component's first file back to it, staying inside the component. */
function cycleThrough(component: readonly string[], edges: ReadonlyMap<string, readonly string[]>): string[] {
  const inside = new Set(component);
  const start = [...component].sort()[0]!;
  const previous = new Map<string, string>();
  const queue = [start];
  for (let q = 0; q < queue.length; q++) {
    const v = queue[q]!;
    for (const w of edges.get(v) ?? []) {
      if (!inside.has(w)) continue;
      if (w === start) {
        const path = [start];
        for (let u: string | undefined = v; u !== undefined && u !== start; u = previous.get(u)) path.splice(1, 0, u);
        return [...path, start];
      }
      if (!previous.has(w)) {
        previous.set(w, v);
        queue.push(w);
      }
    }
  }
  return [start, start];
}

/** The directory of this compiled file's package: `core/`. */
export function packageDir(metaUrl: string): string {
  return dirname(dirname(new URL(metaUrl).pathname));
}
