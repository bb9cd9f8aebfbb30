// Fenced code blocks out of an answer as it streams, following CommonMark's rules for fences
// (https://spec.commonmark.org/0.31.2/#fenced-code-blocks): an opening fence of 3 or more
// backticks or tildes indented by at most 3 spaces, an info string after it (for backticks, one
// without backticks), content lines with up to the fence's indentation taken off, and a closing
// fence of the same character, at least as long, with nothing after it but spaces and tabs.
// A block still open when the answer ends is closed by the end (CommonMark's rule too).
//
// Chunks may be cut anywhere, even inside a fence or a CRLF: only complete lines are looked at,
// so the blocks found do not depend on the cuts.

export interface CodeBlock {
  /** The info string ("ts", "json title=x"), trimmed; "" when none. */
  info: string;
  /** The content, each line ending in a newline ("" for an empty block). */
  text: string;
}

const OPENING = /^( {0,3})(`{3,}|~{3,})(.*)$/;
const CLOSING = /^ {0,3}(`{3,}|~{3,})[ \t]*$/;

export class FenceExtractor {
  /** The unfinished last line. */
  #pending = '';
  #open: { fence: string; indent: number; info: string; lines: string[] } | undefined;

  /** Feeds a piece of the answer; returns the blocks that closed within it. */
  push(chunk: string): CodeBlock[] {
    const closed: CodeBlock[] = [];
    let from = 0;
    let text = this.#pending + chunk;
    // Only the new part can hold the next newline.
    let newline = text.indexOf('\n', this.#pending.length);
    while (newline !== -1) {
      this.#line(text.slice(from, newline), closed);
      from = newline + 1;
      newline = text.indexOf('\n', from);
    }
    text = text.slice(from);
    this.#pending = text;
    return closed;
  }

  /** The answer ended: the last line, and a block still open, closed by the end. */
  finish(): CodeBlock[] {
    const closed: CodeBlock[] = [];
    if (this.#pending !== '') this.#line(this.#pending, closed);
    this.#pending = '';
    if (this.#open) closed.push(this.#close());
    return closed;
  }

  #line(raw: string, closed: CodeBlock[]): void {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    const open = this.#open;
    if (open === undefined) {
      const match = OPENING.exec(line);
      if (!match) return;
      const [, indent = '', fence = '', info = ''] = match;
      if (fence[0] === '`' && info.includes('`')) return;
      this.#open = { fence, indent: indent.length, info: info.trim(), lines: [] };
      return;
    }
    const closing = CLOSING.exec(line);
    if (closing && closing[1]![0] === open.fence[0] && closing[1]!.length >= open.fence.length) {
      closed.push(this.#close());
      return;
    }
    open.lines.push(stripIndent(line, open.indent));
  }

  #close(): CodeBlock {
    const open = this.#open!;
    this.#open = undefined;
    return { info: open.info, text: open.lines.length > 0 ? `${open.lines.join('\n')}\n` : '' };
  }
}

/** Up to `count` leading spaces off, as CommonMark takes the opening fence's indentation off. */
function stripIndent(line: string, count: number): string {
  let cut = 0;
  while (cut < count && line[cut] === ' ') cut++;
  return cut === 0 ? line : line.slice(cut);
}
