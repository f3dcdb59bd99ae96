// Characters that have no place in a name or a payment reference and can deceive whoever reads
// them: C0 and C1 control characters, DEL, and the Unicode bidirectional controls that reorder
// what a screen shows ("Trojan Source"). Imports refuse them; the CLI escapes them when it prints.

/** C0 (except tab, LF, CR, which the callers treat as spaces), DEL, C1, and the bidi controls. */
const unsafePattern =
  // eslint-disable-next-line no-control-regex -- matching control characters is this pattern's purpose
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/u;
/** Everything a terminal could act on, including tab and line breaks, for single-line output. */
// eslint-disable-next-line no-control-regex -- matching control characters is this pattern's purpose
const terminalPattern = /[\u0000-\u001F\u007F-\u009F\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/gu;

const spokenNames: Record<number, string> = {
  0x00: 'NUL',
  0x1b: 'ESC (escape)',
  0x7f: 'DEL',
  0x061c: 'Arabic letter mark (bidi control)',
  0x200e: 'left-to-right mark (bidi control)',
  0x200f: 'right-to-left mark (bidi control)',
  0x202a: 'left-to-right embedding (bidi control)',
  0x202b: 'right-to-left embedding (bidi control)',
  0x202c: 'pop directional formatting (bidi control)',
  0x202d: 'left-to-right override (bidi control)',
  0x202e: 'right-to-left override (bidi control)',
  0x2066: 'left-to-right isolate (bidi control)',
  0x2067: 'right-to-left isolate (bidi control)',
  0x2068: 'first strong isolate (bidi control)',
  0x2069: 'pop directional isolate (bidi control)',
};

function codePoint(code: number): string {
  return `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** "ESC (escape, U+001B)" for the first unsafe character in `text`, or undefined when there is none. */
export function unsafeCharacter(text: string): string | undefined {
  const match = unsafePattern.exec(text);
  if (match === null) return undefined;
  const code = match[0].codePointAt(0) ?? 0;
  const spoken = spokenNames[code] ?? (code >= 0x80 ? 'C1 control character' : 'control character');
  return `${spoken}, ${codePoint(code)}`;
}

/** `text` with every control and bidi character written as \u{…}, so printing it cannot move the cursor, recolour or reorder. */
export function escapeControls(text: string, keepNewlines = false): string {
  return text.replace(terminalPattern, (char) => {
    if (keepNewlines && char === '\n') return char;
    if (char === '\t') return '\\t';
    if (char === '\n') return '\\n';
    return `\\u{${(char.codePointAt(0) ?? 0).toString(16).toUpperCase()}}`;
  });
}
