// A JSON body parsed as its bytes arrive, a member at a time, without ever holding the whole
// text: each member of the top-level object is parsed from its own bytes, and the members named
// in `arrays` (an embeddings response's `data`, megabytes of vectors) an element at a time. The
// chunks already read, and each element's text, are let go as soon as they are parsed, so a large
// body costs about one element of memory on top of what it parses into, instead of its bytes,
// their copy, the whole text and the parsed tree at once. The result is what JSON.parse of the
// whole text gives (later duplicate keys win, "__proto__" is an own key); a body that is not JSON
// fails with a SyntaxError, as JSON.parse would. A body that is not an object is parsed whole.
//
// A small body (up to 256 KB: one or a few vectors) is parsed whole with JSON.parse: the scanner
// is JavaScript that V8 compiles with TurboFan once it is hot, which it is after one vector, and
// a process waits at its exit for the compiler's background work: about 40 ms of a one-text
// `embed` that took 0.2 s, for a body JSON.parse reads in microseconds.

const enum Byte {
  Tab = 0x09,
  Newline = 0x0a,
  Return = 0x0d,
  Space = 0x20,
  Quote = 0x22,
  Comma = 0x2c,
  Colon = 0x3a,
  OpenBracket = 0x5b,
  Backslash = 0x5c,
  CloseBracket = 0x5d,
  OpenBrace = 0x7b,
  CloseBrace = 0x7d,
}

const isSpace = (byte: number) => byte === Byte.Space || byte === Byte.Newline || byte === Byte.Return || byte === Byte.Tab;

/** Where the scanner is: between the members of the top-level object, or inside one. */
const enum At {
  /** Before the opening brace. */
  Start,
  /** After "{" (a key or "}") or after "," (a key). */
  Key,
  /** Inside a key's string. */
  KeyText,
  /** After a key, before ":". */
  Colon,
  /** After ":", before the value's first byte. */
  Value,
  /** Inside a value, parsed whole once it ends. */
  Whole,
  /** Inside a streamed array, between or inside its elements. */
  Element,
  /** After a value, before "," or "}". */
  After,
  /** After the closing brace: only white space may follow. */
  End,
}

export interface JsonObjectStreamOptions {
  /** Top-level members parsed an element at a time when they are arrays. */
  arrays?: readonly string[];
  /** A body of at most this many bytes is parsed whole (default 256 KB; 0: always scanned). */
  wholeUpTo?: number;
}

const WHOLE_UP_TO_BYTES = 256 * 1024;

const fail = (what: string) => new SyntaxError(`invalid JSON: ${what}`);

/** The parsed body; a SyntaxError when it is not JSON. */
export async function parseJsonStream(chunks: AsyncIterable<Uint8Array>, options: JsonObjectStreamOptions = {}): Promise<unknown> {
  const limit = options.wholeUpTo ?? WHOLE_UP_TO_BYTES;
  const iterator = chunks[Symbol.asyncIterator]();
  const head: Uint8Array[] = [];
  let size = 0;
  while (size <= limit) {
    const next = await iterator.next();
    if (next.done) return JSON.parse(Buffer.concat(head, size).toString('utf8'));
    head.push(next.value);
    size += next.value.length;
  }
  return scan(rest(head, iterator), options);
}

/** The chunks already read, then the rest; the source is closed however the reader ends. */
async function* rest(head: Uint8Array[], iterator: AsyncIterator<Uint8Array>): AsyncGenerator<Uint8Array> {
  let done = false;
  try {
    yield* head.splice(0);
    for (;;) {
      const next = await iterator.next();
      if (next.done) {
        done = true;
        return;
      }
      yield next.value;
    }
  } finally {
    if (!done) await iterator.return?.();
  }
}

/** The scanner: the body a member (and a streamed array an element) at a time. */
async function scan(chunks: AsyncIterable<Uint8Array>, options: JsonObjectStreamOptions): Promise<unknown> {
  const streamed = new Set(options.arrays ?? []);
  const result: Record<string, unknown> = {};
  // The bytes of the token being read (a key, a value, an element), as views of the chunks.
  let pieces: Uint8Array[] = [];
  let at: At = At.Start as At;
  let key = '';
  // Whether a "," between members came last: "}" may not follow it.
  let afterComma = false;
  let elements: unknown[] | undefined;
  // Inside a value or an element: how deep, and whether in a string (and just after a backslash).
  let depth = 0;
  let inString = false;
  let escaped = false;
  let emptyElement = true;
  // A body that is not an object: its bytes, parsed whole at the end.
  let other: Uint8Array[] | undefined;

  const take = (chunk: Uint8Array, from: number, to: number) => {
    if (to > from) pieces.push(chunk.subarray(from, to));
  };
  const parsePieces = (): unknown => {
    const bytes = pieces.length === 1 ? (pieces[0] as Uint8Array) : Buffer.concat(pieces);
    pieces = [];
    return JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'));
  };
  const setMember = (value: unknown) => {
    // As JSON.parse does: an own data property, even for "__proto__".
    Object.defineProperty(result, key, { value, writable: true, enumerable: true, configurable: true });
  };

  for await (const chunk of chunks) {
    if (other) {
      other.push(chunk);
      continue;
    }
    let start = 0;
    for (let i = 0; i < chunk.length; i++) {
      const byte = chunk[i] as number;
      switch (at) {
        case At.Start:
          if (isSpace(byte)) continue;
          if (byte !== Byte.OpenBrace) {
            other = [chunk.subarray(i)];
            i = chunk.length;
            continue;
          }
          at = At.Key;
          continue;
        case At.Key:
          if (isSpace(byte)) continue;
          if (byte === Byte.CloseBrace && !afterComma) {
            at = At.End;
            continue;
          }
          if (byte !== Byte.Quote) throw fail('a key was expected');
          at = At.KeyText;
          start = i;
          continue;
        case At.KeyText:
          if (escaped) escaped = false;
          else if (byte === Byte.Backslash) escaped = true;
          else if (byte === Byte.Quote) {
            take(chunk, start, i + 1);
            const parsed = parsePieces();
            if (typeof parsed !== 'string') throw fail('a key was expected');
            key = parsed;
            at = At.Colon;
          }
          continue;
        case At.Colon:
          if (isSpace(byte)) continue;
          if (byte !== Byte.Colon) throw fail('":" was expected');
          at = At.Value;
          continue;
        case At.Value:
          if (isSpace(byte)) continue;
          if (byte === Byte.OpenBracket && streamed.has(key)) {
            elements = [];
            at = At.Element;
            depth = 0;
            emptyElement = true;
            start = i + 1;
            continue;
          }
          at = At.Whole;
          depth = 0;
          start = i;
          i -= 1; // the value's first byte is read as part of it
          continue;
        case At.Whole:
        case At.Element: {
          if (inString) {
            if (escaped) escaped = false;
            else if (byte === Byte.Backslash) escaped = true;
            else if (byte === Byte.Quote) inString = false;
            continue;
          }
          if (byte === Byte.Quote) inString = true;
          else if (byte === Byte.OpenBrace || byte === Byte.OpenBracket) depth += 1;
          else if (depth > 0 && (byte === Byte.CloseBrace || byte === Byte.CloseBracket)) depth -= 1;
          else if (depth === 0 && at === At.Whole && (byte === Byte.Comma || byte === Byte.CloseBrace)) {
            // The value ends here (JSON.parse finds whatever is wrong inside it).
            take(chunk, start, i);
            setMember(parsePieces());
            at = byte === Byte.Comma ? At.Key : At.End;
            afterComma = byte === Byte.Comma;
            continue;
          } else if (depth === 0 && at === At.Element && (byte === Byte.Comma || byte === Byte.CloseBracket)) {
            take(chunk, start, i);
            if (emptyElement) {
              // "[]" is an empty array; an empty element anywhere else ("[,", "[1,]") is an error.
              if (byte === Byte.Comma || (elements as unknown[]).length > 0) throw fail('an array element was expected');
              pieces = [];
            } else (elements as unknown[]).push(parsePieces());
            start = i + 1;
            emptyElement = true;
            if (byte === Byte.CloseBracket) {
              setMember(elements);
              elements = undefined;
              at = At.After;
            }
            continue;
          }
          if (!isSpace(byte)) emptyElement = false;
          continue;
        }
        case At.After:
          if (isSpace(byte)) continue;
          if (byte === Byte.Comma) {
            at = At.Key;
            afterComma = true;
          } else if (byte === Byte.CloseBrace) at = At.End;
          else throw fail('"," or "}" was expected');
          continue;
        case At.End:
          if (!isSpace(byte)) throw fail('more after the end');
          continue;
      }
    }
    // What is left of this chunk belongs to the token being read.
    if (at === At.KeyText || at === At.Whole || at === At.Element) take(chunk, start, chunk.length);
  }
  if (other) return JSON.parse(Buffer.concat(other).toString('utf8'));
  if (at === At.Start) return JSON.parse(''); // an empty body: JSON.parse's own error
  if (at !== At.End) throw fail('the body ended too soon');
  return result;
}
