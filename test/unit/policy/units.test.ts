// The size bounds on a call's input: at the limit it is judged, one byte, level or element beyond it is unknown.
import { describe, expect, it } from 'vitest';
import { CALL_LIMITS, splitUnits } from '../../../src/policy/units.js';
import { call } from './helpers.js';

const tooLarge = (input: Record<string, unknown>) =>
  splitUnits(call('Write', input)).unknown.some((u) => u.includes('too large or too deeply nested'));

function nested(depth: number): unknown {
  let v: unknown = 'x';
  for (let i = 0; i < depth; i++) v = { k: v };
  return v;
}

describe('input bounds', () => {
  const max = CALL_LIMITS.inputBytes;
  it('counts string lengths, keys and 8 per other scalar against the byte budget', () => {
    // "file_path" (9) + "a" (1) + "c" (1) + content
    expect(tooLarge({ file_path: 'a', c: 'x'.repeat(max - 11) })).toBe(false);
    expect(tooLarge({ file_path: 'a', c: 'x'.repeat(max - 10) })).toBe(true);
    expect(tooLarge({ file_path: 'a', c: 1, d: 'x'.repeat(max - 20) })).toBe(false);
    expect(tooLarge({ file_path: 'a', c: 1, d: 'x'.repeat(max - 19) })).toBe(true);
    expect(tooLarge({ file_path: 'a', c: ['x'.repeat(max - 11)] })).toBe(false);
    expect(tooLarge({ file_path: 'a', c: ['x'.repeat(max - 11), null] })).toBe(true);
    expect(tooLarge({ file_path: 'a', ['k'.repeat(max)]: [] })).toBe(true);
    expect(tooLarge({ file_path: 'a', ['k'.repeat(max - 10)]: {} })).toBe(false);
  });

  it('bounds depth and array length; array holes count nothing', () => {
    expect(tooLarge({ file_path: 'a', n: nested(CALL_LIMITS.inputDepth - 1) })).toBe(false);
    expect(tooLarge({ file_path: 'a', n: nested(CALL_LIMITS.inputDepth) })).toBe(true);
    expect(tooLarge({ file_path: 'a', l: new Array(CALL_LIMITS.inputArray).fill(0) })).toBe(false);
    expect(tooLarge({ file_path: 'a', l: new Array(CALL_LIMITS.inputArray + 1).fill(0) })).toBe(true);
    const sparse: unknown[] = [];
    sparse[999] = 'x'.repeat(max - 12);
    expect(tooLarge({ file_path: 'a', s: sparse })).toBe(false);
  });
});
