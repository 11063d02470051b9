import { CodecError } from "./codec-error.js";

/**
 * Walks the MessagePack structure of `bytes` without building anything and throws
 * `ERR_TOO_DEEP` as soon as containers nest deeper than `maxDepth`. Anything else
 * (truncation, bad bytes, trailing data) is left for the real decoder to report.
 *
 * Why: the decoder materialises every level before we could look at it, so a 1 MB
 * frame of nested one-element arrays would cost a million objects; this scan costs
 * one small array of counters and stops at the first level too many.
 */
export function assertDepth(bytes: Uint8Array, maxDepth: number): void {
  const length = bytes.length;
  const remaining: number[] = [1]; // items still to read at each open level
  let pos = 0;
  while (remaining.length > 0) {
    const top = remaining.length - 1;
    if (remaining[top] === 0) {
      remaining.pop();
      continue;
    }
    remaining[top]!--;
    if (pos >= length) return;
    const b = bytes[pos++]!;
    let items = -1; // >= 0 when b opens a container of that many items
    let skip = 0;
    if (b <= 0x7f || b >= 0xe0 || b === 0xc0 || b === 0xc2 || b === 0xc3) skip = 0;
    else if (b <= 0x8f) items = (b & 0x0f) * 2;
    else if (b <= 0x9f) items = b & 0x0f;
    else if (b <= 0xbf) skip = b & 0x1f;
    else {
      switch (b) {
        case 0xc4:
        case 0xd9:
          skip = readUint(bytes, pos, 1);
          pos += 1;
          break;
        case 0xc5:
        case 0xda:
          skip = readUint(bytes, pos, 2);
          pos += 2;
          break;
        case 0xc6:
        case 0xdb:
          skip = readUint(bytes, pos, 4);
          pos += 4;
          break;
        case 0xc7:
          skip = readUint(bytes, pos, 1) + 1;
          pos += 1;
          break;
        case 0xc8:
          skip = readUint(bytes, pos, 2) + 1;
          pos += 2;
          break;
        case 0xc9:
          skip = readUint(bytes, pos, 4) + 1;
          pos += 4;
          break;
        case 0xca:
          skip = 4;
          break;
        case 0xcb:
          skip = 8;
          break;
        case 0xcc:
        case 0xd0:
          skip = 1;
          break;
        case 0xcd:
        case 0xd1:
          skip = 2;
          break;
        case 0xce:
        case 0xd2:
          skip = 4;
          break;
        case 0xcf:
        case 0xd3:
          skip = 8;
          break;
        case 0xd4:
          skip = 2;
          break;
        case 0xd5:
          skip = 3;
          break;
        case 0xd6:
          skip = 5;
          break;
        case 0xd7:
          skip = 9;
          break;
        case 0xd8:
          skip = 17;
          break;
        case 0xdc:
          items = readUint(bytes, pos, 2);
          pos += 2;
          break;
        case 0xdd:
          items = readUint(bytes, pos, 4);
          pos += 4;
          break;
        case 0xde:
          items = readUint(bytes, pos, 2) * 2;
          pos += 2;
          break;
        case 0xdf:
          items = readUint(bytes, pos, 4) * 2;
          pos += 4;
          break;
        default:
          return; // 0xc1: never used; the decoder reports it
      }
    }
    if (items >= 0) {
      if (remaining.length > maxDepth)
        throw new CodecError("ERR_TOO_DEEP", `frame nests containers deeper than ${maxDepth} levels (the envelope array counts as one)`);
      remaining.push(items);
    } else {
      pos += skip;
    }
  }
}

/** Big-endian unsigned integer of `size` bytes at `pos` (0 past the end: the decoder reports truncation). */
function readUint(bytes: Uint8Array, pos: number, size: number): number {
  let value = 0;
  for (let i = 0; i < size; i++) value = value * 256 + (bytes[pos + i] ?? 0);
  return value;
}
