/** Returned by {@link LineSplitter.next} once the line being read is over the limit. */
export const LINE_TOO_LONG = Symbol("line too long");

/**
 * Cuts a byte stream into `\n`-terminated lines, without copying a line that
 * arrived in one chunk. Pull-based, so the reader can stop between lines (while
 * the core decides on a handshake) and carry on later from the same place.
 */
export class LineSplitter {
  private chunks: Buffer[] = [];
  /** Bytes held, over every chunk. */
  private held = 0;
  /** Leading chunks already searched for `\n` in vain, and their size. */
  private searched = 0;
  private searchedBytes = 0;

  constructor(private readonly maxLineBytes: number) {}

  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.held += chunk.length;
  }

  /**
   * The next complete line, without its `\n`; `undefined` when no line is complete
   * yet; {@link LINE_TOO_LONG} when the line being read passed `maxLineBytes`
   * (the stream cannot be resynchronised: stop reading).
   */
  next(): Buffer | undefined | typeof LINE_TOO_LONG {
    for (let i = this.searched; i < this.chunks.length; i++) {
      const chunk = this.chunks[i]!;
      const nl = chunk.indexOf(10);
      if (nl === -1) {
        this.searched = i + 1;
        this.searchedBytes += chunk.length;
        continue;
      }
      const length = this.searchedBytes + nl;
      if (length > this.maxLineBytes) return LINE_TOO_LONG;
      const line = i === 0 ? chunk.subarray(0, nl) : Buffer.concat([...this.chunks.slice(0, i), chunk.subarray(0, nl)], length);
      const rest = chunk.subarray(nl + 1);
      if (rest.length > 0) this.chunks.splice(0, i + 1, rest);
      else this.chunks.splice(0, i + 1);
      this.held -= length + 1;
      this.searched = 0;
      this.searchedBytes = 0;
      return line;
    }
    return this.held > this.maxLineBytes ? LINE_TOO_LONG : undefined;
  }
}
