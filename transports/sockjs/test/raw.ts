/** A bare SockJS xhr-polling client over fetch, to speak the wire protocol by hand. */
export class RawPollingSession {
  private readonly root: string;

  constructor(
    base: string,
    prefix: string,
    readonly session = Math.random().toString(36).slice(2, 10),
    private readonly query = "vsn=2.0.0",
  ) {
    this.root = `${base}${prefix}/000/${session}`;
  }

  /** One poll: the raw frame text (`o`, `a[...]`, `c[...]`, `h`). */
  async poll(): Promise<string> {
    const res = await fetch(`${this.root}/xhr?${this.query}`, { method: "POST" });
    return (await res.text()).trim();
  }

  /** Polls until a frame other than `h` arrives or `tries` polls passed. */
  async next(tries = 5): Promise<string> {
    for (let i = 0; i < tries; i++) {
      const frame = await this.poll();
      if (frame !== "h") return frame;
    }
    throw new Error("no frame");
  }

  /** Polls until `count` messages arrived (from `a[...]` frames); throws on any other frame. */
  async messages(count: number, tries = 10): Promise<string[]> {
    const out: string[] = [];
    for (let i = 0; i < tries && out.length < count; i++) {
      const frame = await this.poll();
      if (frame === "h") continue;
      if (!frame.startsWith("a")) throw new Error(`unexpected frame ${frame}`);
      out.push(...(JSON.parse(frame.slice(1)) as string[]));
    }
    return out;
  }

  /** xhr_send with a raw body; resolves with the HTTP status. */
  async sendRaw(body: string, headers: Record<string, string> = {}): Promise<number> {
    const res = await fetch(`${this.root}/xhr_send`, { method: "POST", body, headers: { "content-type": "text/plain", ...headers } });
    await res.arrayBuffer();
    return res.status;
  }

  send(...messages: string[]): Promise<number> {
    return this.sendRaw(JSON.stringify(messages));
  }
}
