/**
 * A client driver for `@fawkes/conformance` (and your own tests): speaks the
 * TCP transport's line protocol over `node:net`. It matches the conformance
 * `ClientDriver` types structurally, so this package never imports the suite.
 *
 * ```ts
 * import { tcpClientDriver } from "@fawkes/example-tcp-transport/testing";
 * const outcome = await tcpClientDriver.connect({ url: "http://127.0.0.1:4000", path: "/socket/tcp", params: { vsn: "2.0.0" } });
 * if (outcome.ok) outcome.connection.send({ opcode: "text", data: '[null,"1","phoenix","heartbeat",{}]' });
 * ```
 */
import { connect as netConnect, type Socket } from "node:net";
import { FrameInbox, type ClientConnection, type ClientConnectOutcome, type ClientDriver, type Frame } from "@fawkes/core/testing";
import { LINE_TOO_LONG, LineSplitter } from "./line-splitter.js";
import { WireCloseCode, decodeAnswer, decodeLine, encodeClose, encodeFrame, type Handshake } from "./wire-format.js";

// The driver contract lives in core; re-exported for convenience.
export type { ClientConnection, ClientConnectOutcome, ClientConnectOptions, ClientDriver } from "@fawkes/core/testing";

/** Where to connect and what to say in the handshake. */
export interface TcpConnectOptions extends Handshake {
  readonly host: string;
  readonly port: number;
  /** Longest line accepted from the server. Default 16 MiB. */
  readonly maxLineBytes?: number;
}

/**
 * The driver. The suite only knows the endpoint's HTTP `url`, so the driver asks
 * it where the TCP listener is (`GET <url><path>` answers `{"port": N}`) and
 * connects there: each case's fixture gets its own listener on port 0, and cases
 * run concurrently, so there is no single port to close over.
 */
export const tcpClientDriver: ClientDriver = {
  supports: { sendBatch: true, pauseReading: true },
  async connect({ url, path, params, authToken, headers }) {
    const res = await fetch(new URL(path, url));
    const body = (await res.json()) as { port?: unknown };
    if (res.status !== 200 || typeof body.port !== "number") throw new Error(`no tcp listener behind ${url}${path} (status ${res.status})`);
    const host = new URL(url).hostname.replace(/^\[|\]$/g, "");
    return connectTcp({
      host,
      port: body.port,
      path,
      params,
      ...(authToken === undefined ? {} : { authToken }),
      ...(headers === undefined ? {} : { headers }),
    });
  },
};

/**
 * Opens a socket, sends the handshake and reads the answer. Resolves the
 * refusal's status, or an open connection; rejects if the server cannot be
 * reached or hangs up without a valid answer.
 */
export function connectTcp(options: TcpConnectOptions): Promise<ClientConnectOutcome> {
  const { host, port, maxLineBytes = 16 * 1024 * 1024, ...handshake } = options;
  const socket = netConnect({ host, port, noDelay: true });
  const lines = new LineSplitter(maxLineBytes);
  return new Promise((resolve, reject) => {
    const fail = (error: Error): void => {
      socket.destroy();
      reject(error);
    };
    const onData = (chunk: Buffer): void => {
      lines.push(chunk);
      const line = lines.next();
      if (line === undefined) return;
      socket.off("data", onData).off("error", fail).off("close", onClose);
      const answer = line === LINE_TOO_LONG ? undefined : decodeAnswer(line);
      if (answer === undefined) {
        fail(new Error("the server's handshake answer is not valid"));
        return;
      }
      if (!answer.ok) {
        socket.destroy();
        resolve({ ok: false, status: answer.status });
        return;
      }
      resolve({ ok: true, connection: new TcpClientConnection(socket, lines) });
    };
    const onClose = (): void => fail(new Error("the server closed before answering the handshake"));
    socket.on("data", onData).on("error", fail).on("close", onClose);
    socket.write(`${JSON.stringify(handshake)}\n`);
  });
}

class TcpClientConnection implements ClientConnection {
  readonly closed: Promise<{ code: number | undefined; reason: string }>;
  private readonly inbox = new FrameInbox();
  private ending: { code: number; reason: string } | undefined;

  constructor(
    private readonly socket: Socket,
    private readonly lines: LineSplitter,
  ) {
    socket.on("error", () => {}); // reported by "close"
    socket.on("data", (chunk: Buffer) => {
      lines.push(chunk);
      this.read();
    });
    this.closed = new Promise((resolve) => {
      socket.on("close", () => {
        const info = this.ending ?? { code: WireCloseCode.Abnormal, reason: "connection lost" };
        this.inbox.end(`connection closed (${info.code})`);
        resolve(info);
      });
    });
    this.read(); // frames that came in the same chunk as the answer
  }

  send(frame: Frame): void {
    if (this.ending === undefined && this.socket.writable) this.socket.write(encodeFrame(frame));
  }

  /** Every frame's line in one write. */
  sendBatch(frames: readonly Frame[]): void {
    if (this.ending === undefined && this.socket.writable) this.socket.write(frames.map(encodeFrame).join(""));
  }

  /** Stops reading the socket: the server's output queues in the kernel, then in the server. */
  pauseReading(): void {
    this.socket.pause();
  }

  resumeReading(): void {
    this.socket.resume();
  }

  receive(timeoutMs = 2000): Promise<Frame> {
    return this.inbox.receive(timeoutMs);
  }

  async close(): Promise<void> {
    if (this.inbox.ended) return;
    if (this.ending === undefined) {
      this.ending = { code: 1000, reason: "" };
      this.socket.end(encodeClose(1000, ""));
    }
    const timer = setTimeout(() => this.socket.destroy(), 2000);
    await this.closed;
    clearTimeout(timer);
  }

  private read(): void {
    for (let line = this.lines.next(); line !== undefined && this.ending === undefined; line = this.lines.next()) {
      if (line === LINE_TOO_LONG) {
        this.socket.destroy();
        return;
      }
      const read = decodeLine(line);
      if (read.kind === "frame") this.deliver(read.frame);
      else if (read.kind === "close") {
        this.ending = { code: read.code, reason: read.reason };
        this.socket.end();
      } else {
        this.ending = { code: read.code, reason: read.problem };
        this.socket.end(encodeClose(read.code, read.problem));
      }
    }
  }

  private deliver(frame: Frame): void {
    this.inbox.push(frame);
  }
}
