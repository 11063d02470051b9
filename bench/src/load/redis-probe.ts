import { connect, type Socket } from "node:net";

/** How long the orchestrator waits for Redis to answer one command. */
const PROBE_TIMEOUT_MS = 2_000;

/**
 * A minimal RESP client for the orchestrator's two questions to Redis (is it
 * there; how much CPU has it used), so the orchestrator needs no Redis library.
 * Every call is bounded by a 2 s timeout and uses its own short connection.
 */
export class RedisProbe {
  private readonly host: string;
  private readonly port: number;
  private readonly auth: string[] | undefined;

  constructor(readonly url: string) {
    const u = new URL(url);
    if (u.protocol !== "redis:") throw new Error(`the bench probes only plain redis:// URLs, not ${u.protocol}`);
    this.host = u.hostname || "127.0.0.1";
    this.port = u.port === "" ? 6379 : Number(u.port);
    const password = decodeURIComponent(u.password);
    const user = decodeURIComponent(u.username);
    this.auth = password === "" ? undefined : user === "" ? ["AUTH", password] : ["AUTH", user, password];
  }

  /** Resolves when Redis answers PING; rejects with a message that says where and why not. */
  async ping(): Promise<void> {
    const reply = await this.command(["PING"]);
    if (reply !== "PONG") throw new Error(`Redis at ${this.where()} answered PING with ${JSON.stringify(reply.slice(0, 80))}`);
  }

  /** Redis' own CPU so far (used_cpu_user + used_cpu_sys, all its threads), microseconds; undefined if it does not say. */
  async cpuUs(): Promise<number | undefined> {
    try {
      const info = await this.command(["INFO", "cpu"]);
      const field = (name: string): number | undefined => {
        const m = new RegExp(`^${name}:([0-9.]+)`, "m").exec(info);
        return m === null ? undefined : Number(m[1]);
      };
      const user = field("used_cpu_user");
      const sys = field("used_cpu_sys");
      return user === undefined || sys === undefined ? undefined : Math.round((user + sys) * 1e6);
    } catch {
      return undefined;
    }
  }

  private where(): string {
    return `${this.host}:${this.port}`;
  }

  /** One command (after AUTH when the URL has a password) on a fresh connection; the reply as text. */
  private command(args: readonly string[]): Promise<string> {
    const commands = [...(this.auth === undefined ? [] : [this.auth]), args];
    return new Promise((resolve, reject) => {
      const socket: Socket = connect({ host: this.host, port: this.port });
      let buffer = Buffer.alloc(0);
      const replies: string[] = [];
      const finish = (error: Error | undefined): void => {
        clearTimeout(timer);
        socket.destroy();
        if (error !== undefined) reject(error);
        else resolve(replies[replies.length - 1]!);
      };
      const timer = setTimeout(() => finish(new Error(`Redis at ${this.where()} did not answer within ${PROBE_TIMEOUT_MS} ms`)), PROBE_TIMEOUT_MS);
      socket.on("error", (e) => finish(new Error(`Redis at ${this.where()} is not reachable: ${e.message}`)));
      socket.on("connect", () => socket.write(commands.map(encode).join("")));
      socket.on("data", (chunk: Buffer) => {
        buffer = Buffer.concat([buffer, chunk]);
        for (;;) {
          const parsed = parseReply(buffer);
          if (parsed === undefined) return;
          buffer = buffer.subarray(parsed.length);
          if (parsed.error !== undefined) {
            finish(new Error(`Redis at ${this.where()}: ${parsed.error}`));
            return;
          }
          replies.push(parsed.text);
          if (replies.length === commands.length) {
            finish(undefined);
            return;
          }
        }
      });
    });
  }
}

function encode(args: readonly string[]): string {
  return `*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join("")}`;
}

/** One simple string, error, integer or bulk string reply from the start of `b`; undefined while incomplete. */
function parseReply(b: Buffer): { text: string; error?: string; length: number } | undefined {
  const eol = b.indexOf("\r\n");
  if (eol < 0) return undefined;
  const head = b.toString("utf8", 1, eol);
  switch (b[0]) {
    case 0x2b: /* + */
    case 0x3a:
      /* : */ return { text: head, length: eol + 2 };
    case 0x2d:
      /* - */ return { text: "", error: head, length: eol + 2 };
    case 0x24: /* $ */ {
      const n = Number(head);
      if (n < 0) return { text: "", length: eol + 2 };
      if (b.length < eol + 2 + n + 2) return undefined;
      return { text: b.toString("utf8", eol + 2, eol + 2 + n), length: eol + 2 + n + 2 };
    }
    default:
      return { text: "", error: `unexpected reply ${JSON.stringify(b.toString("latin1", 0, Math.min(40, b.length)))}`, length: b.length };
  }
}
