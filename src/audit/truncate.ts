// Cutting long strings to a prefix, keeping their length and sha256 so the original can still be matched.
import { hashHex } from './seal.js';

/** Strings longer than this (in bytes) are cut. */
export const DEFAULT_MAX_STRING_BYTES = 2048;

export interface Truncated {
  value: string;
  /** Byte length of the original. */
  bytes: number;
  sha256: string;
}

// Cuts `s` to at most `max` bytes of UTF-8 (never inside a character); undefined when it already fits.
export function truncateString(s: string, max = DEFAULT_MAX_STRING_BYTES): Truncated | undefined {
  if (s.length <= max / 3) return undefined;
  const buf = Buffer.from(s, 'utf8');
  if (buf.length <= max) return undefined;
  let end = max;
  while (end > 0 && ((buf[end] as number) & 0xc0) === 0x80) end--;
  return { value: buf.subarray(0, end).toString('utf8'), bytes: buf.length, sha256: hashHex(buf) };
}
