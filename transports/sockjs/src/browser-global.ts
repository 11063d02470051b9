/**
 * Side effect, imported by `client.ts` before `sockjs-client`: sockjs-client's
 * browser code reads the Node free variable `global` as soon as it loads
 * (`global.WebSocket`, `global.XMLHttpRequest`, `global.location`, ...), which
 * browserify and webpack 4 used to provide. Bundlers that do not (esbuild,
 * Vite, Rollup) would leave `ReferenceError: global is not defined` at load
 * time. Where no `global` exists, this aliases it to `globalThis`; in Node, or
 * where a page already defines `global`, it does nothing.
 */
const scope = globalThis as { global?: unknown };
if (typeof scope.global === "undefined") scope.global = globalThis;

export {};
