// Server text is data. For terminals and plain-text views: make control characters (ANSI
// escapes, NUL, bidi overrides) visible instead of letting them act, and bound the length.

const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

export function visible(text: string, maxChars = 4000): string {
  const shown = text.replace(CONTROL, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`.replace(/^\\x(.{3,})$/, '\\u$1'));
  return shown.length > maxChars ? `${shown.slice(0, maxChars)} [... ${shown.length - maxChars} more characters]` : shown;
}
