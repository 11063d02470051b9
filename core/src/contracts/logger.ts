/**
 * Minimal structured logger: the endpoint, every transport and every PubSub
 * adapter log through one. Fields are plain data (a `cause` field may hold an
 * error). Pass your own (pino, winston, ...) as `new Endpoint({ logger })`.
 */
export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** The default logger: warnings and errors to the console, `[fawkes]` first; debug and info dropped. */
export const consoleLogger: Logger = {
  debug() {},
  info() {},
  warn(message, fields) {
    console.warn(`[fawkes] ${message}`, fields ?? "");
  },
  error(message, fields) {
    console.error(`[fawkes] ${message}`, fields ?? "");
  },
};

/** A logger that drops everything (for tests and benchmarks). */
export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };
