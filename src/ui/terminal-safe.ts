// Untrusted text (an answer, a model or provider name, a server's error message, a catalogue
// entry, a state file's contents) as text a terminal only displays. A terminal obeys the
// control characters in what it is given: ESC ] 52 writes the clipboard, ESC ] 0 the window
// title, ESC [ ? 1049 h switches screens, C1 \x9b is a one-byte CSI, and U+202E reverses the
// text that follows. So every writer to a terminal passes untrusted text through here first,
// and adds its own styling afterwards.
//
// Each unsafe character is replaced on its own (ESC → "^["), never a whole sequence: the
// result does not depend on where a stream's chunks were cut (an ESC at the end of one token,
// "]52;c;…" in the next), so a streamed answer needs no state, and what remains of a sequence
// stays visible for the user to notice.

/**
 * C0 controls but tab and newline (carriage return too: it moves back over a line), DEL, C1
 * controls, and the bidi embeddings, overrides and isolates (Trojan Source, CVE-2021-42574).
 */
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
const UNSAFE_ALL = new RegExp(UNSAFE.source, 'g');

/** The same, with tab and newline: a table cell or one-line field must not break its row. */
const UNSAFE_IN_CELL = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
const UNSAFE_IN_CELL_ALL = new RegExp(UNSAFE_IN_CELL.source, 'g');

/** What the user sees instead: caret notation for C0 and DEL (as `cat -v`), U+XXXX for the rest. */
function visible(char: string): string {
  const code = char.charCodeAt(0);
  // A CR is dropped: "\r\n" reads as a newline, and a lone one cannot return over the line.
  if (code === 0x0d) return '';
  if (code < 0x20) return `^${String.fromCharCode(code + 0x40)}`;
  if (code === 0x7f) return '^?';
  return `<U+${code.toString(16).toUpperCase().padStart(4, '0')}>`;
}

const spaceOrVisible = (char: string): string => (char === '\t' || char === '\n' ? ' ' : visible(char));

/**
 * The text with every control character a terminal would act on made visible (or, for CR,
 * dropped). Text without any comes back as the same string, after one scan.
 */
export function terminalSafe(text: string): string {
  return UNSAFE.test(text) ? text.replace(UNSAFE_ALL, visible) : text;
}

/** As terminalSafe, and tabs and newlines become spaces: for a table cell or a one-line field. */
export function terminalSafeCell(text: string): string {
  return UNSAFE_IN_CELL.test(text) ? text.replace(UNSAFE_IN_CELL_ALL, spaceOrVisible) : text;
}

/**
 * A value as JSON that is safe on a terminal and means the same to a parser: JSON.stringify
 * escapes C0 controls itself, and DEL, C1 and the bidi controls are escaped here as \uXXXX.
 */
export function terminalSafeJson(value: unknown, space?: number): string {
  const json = JSON.stringify(value, null, space);
  return JSON_UNSAFE.test(json) ? json.replace(JSON_UNSAFE_ALL, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`) : json;
}

const JSON_UNSAFE = /[\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
const JSON_UNSAFE_ALL = new RegExp(JSON_UNSAFE.source, 'g');
