// What the terminal sends, as the line editor's keys. Ink's input parser hands us its events as
// read: a run of plain text (which may hold control characters: "hello\r" typed ahead, Ctrl+W
// in the middle of a fast burst), or one escape sequence. Ink's own useInput turns each event
// into one key, which loses the Enter at the end of "hello\r" and the paste markers.
//
// Enter is CR in raw mode, and LF when it was typed before the REPL took the terminal (cooked
// mode maps CR to LF): both submit. A block pasted between ESC[200~ and ESC[201~ (bracketed
// paste, which the REPL turns on) is one insertion whose line breaks stay line breaks.
import type { EditorKey, KeyName } from './line-editor.js';

const CONTROL_KEYS: Record<string, KeyName> = {
  '\u0001': 'home', // Ctrl+A
  '\u0002': 'left', // Ctrl+B
  '\u0003': 'interrupt', // Ctrl+C
  '\u0004': 'eof', // Ctrl+D
  '\u0005': 'end', // Ctrl+E
  '\u0006': 'right', // Ctrl+F
  '\u0007': 'cancel', // Ctrl+G
  '\u0008': 'backspace', // Ctrl+H
  '\n': 'enter',
  '\u000b': 'killToEnd', // Ctrl+K
  '\r': 'enter',
  '\u000e': 'down', // Ctrl+N
  '\u0010': 'up', // Ctrl+P
  '\u0012': 'search', // Ctrl+R
  '\u0015': 'killToStart', // Ctrl+U
  '\u0017': 'killBigWordBack', // Ctrl+W
  '\u0019': 'yank', // Ctrl+Y
  '\u007f': 'backspace',
};

/** CSI and SS3 final letters (ESC [ A, ESC O A). */
const LETTER_KEYS: Record<string, KeyName> = { A: 'up', B: 'down', C: 'right', D: 'left', H: 'home', F: 'end' };
/** ESC [ n ~ */
const TILDE_KEYS: Record<string, KeyName> = { '1': 'home', '7': 'home', '4': 'end', '8': 'end', '3': 'delete' };
/** Alt+letter: ESC then the letter. */
const META_KEYS: Record<string, KeyName> = {
  b: 'wordLeft',
  f: 'wordRight',
  d: 'killWordForward',
  '\u007f': 'killWordBack',
  '\u0008': 'killWordBack',
  '\r': 'newline',
};

const PASTE_START = '\u001b[200~';
const PASTE_END = '\u001b[201~';

/** A pasted block as text: its line breaks as "\n", other control characters dropped. */
function pastedText(raw: string): string {
  return raw.replace(/\r\n?/g, '\n').replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, '');
}

function decodeText(run: string, keys: EditorKey[]): void {
  let text = '';
  const flush = () => {
    if (text) keys.push({ name: 'insert', text });
    text = '';
  };
  for (let index = 0; index < run.length; index++) {
    const char = run[index] as string;
    const control = CONTROL_KEYS[char];
    if (control) {
      flush();
      keys.push({ name: control });
      // CR LF (a terminal that sends both) is one Enter.
      if (char === '\r' && run[index + 1] === '\n') index++;
    } else if (/[\u0000-\u001f\u0080-\u009f]/.test(char)) {
      flush(); // Tab and the other controls: no action
    } else {
      text += char;
    }
  }
  flush();
}

function decodeSequence(sequence: string): KeyName {
  if (sequence === '\u001b') return 'cancel'; // Esc on its own
  const csi = /^\u001b{1,2}(?:\[|O)(\d*)(?:;(\d+))?([~A-Za-z])$/.exec(sequence);
  if (csi) {
    const [, number = '', modifier, final = ''] = csi;
    // Ctrl or Alt with an arrow (ESC[1;5D, ESC[1;3C, or ESC ESC[D): a word at a time.
    const withModifier = (modifier !== undefined && modifier !== '1') || sequence.startsWith('\u001b\u001b');
    if (final === '~') {
      const name = TILDE_KEYS[number] ?? 'ignore';
      return name === 'delete' && withModifier ? 'killWordForward' : name;
    }
    const name = LETTER_KEYS[final] ?? 'ignore';
    if (withModifier && name === 'left') return 'wordLeft';
    if (withModifier && name === 'right') return 'wordRight';
    return name;
  }
  const meta = /^\u001b([\s\S])$/.exec(sequence);
  if (meta) return META_KEYS[meta[1] as string] ?? 'ignore';
  return 'ignore';
}

export interface KeyDecoder {
  /** One of Ink's input events → the keys it holds (none while a paste is still arriving). */
  push(event: string): EditorKey[];
}

export function createKeyDecoder(): KeyDecoder {
  let paste: string | null = null;
  return {
    push(event) {
      const keys: EditorKey[] = [];
      if (paste !== null) {
        if (event === PASTE_END) {
          const text = pastedText(paste);
          paste = null;
          if (text) keys.push({ name: 'insert', text });
        } else if (!event.startsWith('\u001b')) {
          paste += event;
        }
        return keys;
      }
      if (event === PASTE_START) paste = '';
      else if (event.startsWith('\u001b')) keys.push({ name: decodeSequence(event) });
      else decodeText(event, keys);
      return keys;
    },
  };
}
