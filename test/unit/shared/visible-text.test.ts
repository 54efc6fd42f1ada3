import { describe, expect, it } from 'vitest';
import { visible } from '../../../shared/visible-text.js';

describe('visible', () => {
  it('shows ANSI escapes, NUL and bidi overrides instead of letting them act', () => {
    expect(visible('\x1b[31mred\x1b[0m\x00')).toBe('\\x1b[31mred\\x1b[0m\\x00');
    expect(visible('abc\u202Edef')).toBe('abc\\u202edef');
  });
  it('keeps ordinary text, tabs and newlines', () => {
    expect(visible('220 mx ESMTP\tok\nnext')).toBe('220 mx ESMTP\tok\nnext');
  });
  it('bounds the length and says how much was cut', () => {
    expect(visible('x'.repeat(50), 10)).toBe(`${'x'.repeat(10)} [... 40 more characters]`);
  });
});
