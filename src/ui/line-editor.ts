// The REPL's line editor as a pure reducer: (state, key) → state, with readline's keys. It is
// a reducer, not component state, so that keys read in one go (text and Enter typed ahead, a
// quick double Up) each see the state the previous one left, whenever React renders.
//
// Positions are UTF-16 offsets that always sit on a grapheme boundary (Intl.Segmenter): an
// emoji with its modifiers, or a letter with its accents, is one step for the cursor and one
// deletion for Backspace. The text may hold several lines (a paste, a line continued with "\");
// Home/End, Ctrl+U and Ctrl+K then act on the cursor's line, Up/Down move between its lines
// before they walk the history.

export type EditorKey = { readonly name: 'insert'; readonly text: string } | { readonly name: KeyName };

/** The keys that carry no text. */
export type KeyName =
  | 'enter'
  | 'newline'
  | 'left'
  | 'right'
  | 'home'
  | 'end'
  | 'wordLeft'
  | 'wordRight'
  | 'backspace'
  | 'delete'
  | 'killWordBack'
  | 'killBigWordBack'
  | 'killWordForward'
  | 'killToStart'
  | 'killToEnd'
  | 'yank'
  | 'up'
  | 'down'
  | 'search'
  | 'cancel'
  | 'eof'
  | 'interrupt'
  | 'ignore';

export interface SearchState {
  readonly query: string;
  /** The history entry shown, or null when none matches. */
  readonly match: number | null;
  /** The line as it was when the search began: Esc or Ctrl+G brings it back. */
  readonly original: { readonly text: string; readonly cursor: number };
}

export interface LineEditorState {
  readonly text: string;
  readonly cursor: number;
  /** Oldest first. */
  readonly history: readonly string[];
  /** The history entry shown while walking it with Up/Down; null: the line being typed. */
  readonly browsing: number | null;
  /** The line being typed, kept while the history is walked. */
  readonly draft: string;
  /** The last text killed (Ctrl+W, Ctrl+U, Ctrl+K…), for Ctrl+Y. */
  readonly killed: string;
  readonly search: SearchState | null;
}

export interface EditorOutcome {
  readonly state: LineEditorState;
  /** Enter on a line that is not blank (nor continued with "\"): the text to run. */
  readonly submitted?: string;
  /** Ctrl+D on an empty line. */
  readonly endOfInput?: true;
}

export function initialEditorState(history: readonly string[] = []): LineEditorState {
  return { text: '', cursor: 0, history, browsing: null, draft: '', killed: '', search: null };
}

/** Adds an entry as a shell does: not a blank one, nor a repeat of the one before. */
export function withHistoryEntry(history: readonly string[], text: string): readonly string[] {
  if (text.trim() === '' || history.at(-1) === text) return history;
  return [...history, text];
}

const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** The grapheme boundary before `index` (0 at the start). */
export function previousBoundary(text: string, index: number): number {
  if (index <= 0) return 0;
  return segmenter.segment(text).containing(index - 1)?.index ?? index - 1;
}

/** The grapheme boundary after `index` (text.length at the end). */
export function nextBoundary(text: string, index: number): number {
  if (index >= text.length) return text.length;
  const segment = segmenter.segment(text).containing(index);
  return segment ? segment.index + segment.segment.length : index + 1;
}

/** The grapheme that starts at `index`, or '' at the end. */
export function graphemeAt(text: string, index: number): string {
  return text.slice(index, nextBoundary(text, index));
}

const isWordChar = (char: string) => /[\p{L}\p{N}\p{M}_]/u.test(char);
const isSpace = (char: string) => /\s/u.test(char);

/** Back over what `skip` accepts, then over what `take` accepts (readline's word motions). */
function scanBack(text: string, from: number, skip: (c: string) => boolean, take: (c: string) => boolean): number {
  let index = from;
  while (index > 0 && skip(graphemeAt(text, previousBoundary(text, index)))) index = previousBoundary(text, index);
  while (index > 0 && take(graphemeAt(text, previousBoundary(text, index)))) index = previousBoundary(text, index);
  return index;
}

function scanForward(text: string, from: number, skip: (c: string) => boolean, take: (c: string) => boolean): number {
  let index = from;
  while (index < text.length && skip(graphemeAt(text, index))) index = nextBoundary(text, index);
  while (index < text.length && take(graphemeAt(text, index))) index = nextBoundary(text, index);
  return index;
}

const notWord = (c: string) => !isWordChar(c);

const lineStart = (text: string, cursor: number) => text.lastIndexOf('\n', cursor - 1) + 1;
const lineEnd = (text: string, cursor: number) => {
  const end = text.indexOf('\n', cursor);
  return end === -1 ? text.length : end;
};

/** The offset in the line above or below at the same column (snapped to a grapheme), or null. */
function verticalMove(text: string, cursor: number, direction: -1 | 1): number | null {
  const start = lineStart(text, cursor);
  const column = cursor - start;
  if (direction === -1) {
    if (start === 0) return null;
    const aboveStart = lineStart(text, start - 1);
    return snap(text, Math.min(aboveStart + column, start - 1));
  }
  const end = lineEnd(text, cursor);
  if (end === text.length) return null;
  const belowStart = end + 1;
  return snap(text, Math.min(belowStart + column, lineEnd(text, belowStart)));
}

/** The grapheme boundary at or before `index`. */
function snap(text: string, index: number): number {
  if (index <= 0 || index >= text.length) return Math.max(0, Math.min(index, text.length));
  return segmenter.segment(text).containing(index)?.index ?? index;
}

function edit(state: LineEditorState, text: string, cursor: number): LineEditorState {
  return { ...state, text, cursor };
}

/** Removes [from, to) and remembers it for Ctrl+Y. */
function kill(state: LineEditorState, from: number, to: number): LineEditorState {
  if (from === to) return state;
  return { ...state, text: state.text.slice(0, from) + state.text.slice(to), cursor: from, killed: state.text.slice(from, to) };
}

function insert(state: LineEditorState, text: string): LineEditorState {
  return edit(state, state.text.slice(0, state.cursor) + text + state.text.slice(state.cursor), state.cursor + text.length);
}

function recall(state: LineEditorState, direction: -1 | 1): LineEditorState {
  const { history } = state;
  if (direction === -1) {
    if (history.length === 0) return state;
    const browsing = state.browsing === null ? history.length - 1 : Math.max(0, state.browsing - 1);
    const text = history[browsing] ?? '';
    return { ...state, browsing, draft: state.browsing === null ? state.text : state.draft, text, cursor: text.length };
  }
  if (state.browsing === null) return state;
  if (state.browsing + 1 >= history.length) return { ...state, browsing: null, text: state.draft, cursor: state.draft.length };
  const browsing = state.browsing + 1;
  const text = history[browsing] ?? '';
  return { ...state, browsing, text, cursor: text.length };
}

/** The newest entry before `before` that holds `query`, or null. */
function findOlder(history: readonly string[], query: string, before: number): number | null {
  for (let index = Math.min(before, history.length) - 1; index >= 0; index--) {
    if ((history[index] ?? '').includes(query)) return index;
  }
  return null;
}

/** The search state shown as the line: the match, with the cursor at the matched text. */
function showMatch(state: LineEditorState, search: SearchState): LineEditorState {
  if (search.match === null) return { ...state, search };
  const text = state.history[search.match] ?? '';
  return { ...state, search, text, cursor: Math.max(0, text.indexOf(search.query)), browsing: search.match };
}

function applySearchKey(state: LineEditorState, search: SearchState, key: EditorKey): EditorOutcome | null {
  switch (key.name) {
    case 'search': {
      // Ctrl+R again: the next older match of the same text (an empty query: the last one found).
      const match = findOlder(state.history, search.query, search.match ?? state.history.length);
      return { state: match === null ? state : showMatch(state, { ...search, match }) };
    }
    case 'insert': {
      const query = search.query + key.text;
      const match = findOlder(state.history, query, (search.match ?? state.history.length - 1) + 1);
      return { state: showMatch(state, { ...search, query, match }) };
    }
    case 'backspace': {
      const query = search.query.slice(0, previousBoundary(search.query, search.query.length));
      const match = query === '' ? null : findOlder(state.history, query, state.history.length);
      return { state: match === null ? { ...state, search: { ...search, query, match: null }, text: search.original.text, cursor: search.original.cursor } : showMatch(state, { ...search, query, match }) };
    }
    case 'cancel':
    case 'interrupt':
      return { state: { ...state, search: null, text: search.original.text, cursor: search.original.cursor, browsing: null } };
    default:
      return null; // any other key takes the match as the line, then acts on it
  }
}

/** One key's effect on the editor. Pure: the same state and key always give the same outcome. */
export function applyKey(state: LineEditorState, key: EditorKey): EditorOutcome {
  if (state.search) {
    const handled = applySearchKey(state, state.search, key);
    if (handled) return handled;
    state = { ...state, search: null };
  }
  const { text, cursor } = state;
  switch (key.name) {
    case 'insert':
      return { state: insert(state, key.text) };
    case 'newline':
      return { state: insert(state, '\n') };
    case 'enter': {
      // A line ending in "\" continues on the next one, as in a shell.
      if (text.endsWith('\\')) return { state: edit(state, `${text.slice(0, -1)}\n`, text.length) };
      const cleared: LineEditorState = { ...state, text: '', cursor: 0, browsing: null, draft: '', history: withHistoryEntry(state.history, text) };
      return text.trim() === '' ? { state: cleared } : { state: cleared, submitted: text };
    }
    case 'left':
      return { state: edit(state, text, previousBoundary(text, cursor)) };
    case 'right':
      return { state: edit(state, text, nextBoundary(text, cursor)) };
    case 'home':
      return { state: edit(state, text, lineStart(text, cursor)) };
    case 'end':
      return { state: edit(state, text, lineEnd(text, cursor)) };
    case 'wordLeft':
      return { state: edit(state, text, scanBack(text, cursor, notWord, isWordChar)) };
    case 'wordRight':
      return { state: edit(state, text, scanForward(text, cursor, notWord, isWordChar)) };
    case 'backspace':
      return { state: edit(state, text.slice(0, previousBoundary(text, cursor)) + text.slice(cursor), previousBoundary(text, cursor)) };
    case 'delete':
      return { state: edit(state, text.slice(0, cursor) + text.slice(nextBoundary(text, cursor)), cursor) };
    case 'eof':
      // Ctrl+D: the end of input on an empty line; otherwise it deletes forward, as in readline.
      if (text === '') return { state, endOfInput: true };
      return { state: edit(state, text.slice(0, cursor) + text.slice(nextBoundary(text, cursor)), cursor) };
    case 'killWordBack':
      return { state: kill(state, scanBack(text, cursor, notWord, isWordChar), cursor) };
    case 'killBigWordBack':
      // Ctrl+W: back to the previous whitespace (unix-word-rubout).
      return { state: kill(state, scanBack(text, cursor, isSpace, (c) => !isSpace(c)), cursor) };
    case 'killWordForward':
      return { state: kill(state, cursor, scanForward(text, cursor, notWord, isWordChar)) };
    case 'killToStart': {
      const start = lineStart(text, cursor);
      // At the start of a line, the line break before it goes (as zsh's backward-kill-line).
      return { state: kill(state, start === cursor && cursor > 0 ? cursor - 1 : start, cursor) };
    }
    case 'killToEnd': {
      const end = lineEnd(text, cursor);
      return { state: kill(state, cursor, end === cursor && end < text.length ? end + 1 : end) };
    }
    case 'yank':
      return { state: insert(state, state.killed) };
    case 'up': {
      const to = verticalMove(text, cursor, -1);
      return { state: to === null ? recall(state, -1) : edit(state, text, to) };
    }
    case 'down': {
      const to = verticalMove(text, cursor, 1);
      return { state: to === null ? recall(state, 1) : edit(state, text, to) };
    }
    case 'search': {
      const search: SearchState = { query: '', match: null, original: { text, cursor } };
      return { state: { ...state, search } };
    }
    case 'interrupt':
      // Ctrl+C abandons the line (the REPL decides whether it also means more).
      return { state: { ...state, text: '', cursor: 0, browsing: null, draft: '' } };
    case 'cancel':
    case 'ignore':
      return { state };
  }
}

/**
 * A line cut where the cursor is drawn: before it, the grapheme under it (a space at the end of
 * the line), and after it. The cursor cell covers the whole grapheme: two cells for a wide
 * character, the whole cluster of an emoji.
 */
export function splitAtCursor(line: string, at: number): [before: string, under: string, after: string] {
  const under = graphemeAt(line, at);
  return [line.slice(0, at), under || ' ', line.slice(at + under.length)];
}

/** Puts an entry in the history without touching the line (a prompt run from elsewhere). */
export function rememberEntry(state: LineEditorState, text: string): LineEditorState {
  return { ...state, history: withHistoryEntry(state.history, text) };
}
