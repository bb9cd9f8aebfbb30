// Numbers as JSON text, packed two characters to a byte. A vector is stored as the very text
// `JSON.stringify` gave it when it came from the server, so that a cached run prints the same
// bytes as an uncached one by construction, and prints them without turning 1,536 doubles back
// into text (V8's number-to-text is most of an uncached run: 10,000 vectors of 1,536 numbers
// with ten significant digits take about 2.4 s to stringify here, against about 0.1 s to unpack
// this). JSON text of finite numbers uses 15 characters ("0"-"9", "-", ".", "e", "+", ","):
// four bits each, so a vector from text-embedding-3-small (about 14 characters a number) takes
// about 7 bytes a number, less than Float64's 8. The alphabet also keeps a stored entry from
// putting anything but numbers and commas between the brackets it is printed in.
const ALPHABET = '0123456789-.e+,';
const PAD = 15;
const CODE = new Int8Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) CODE[ALPHABET.charCodeAt(i)] = i;

/** Two output characters (ASCII, the high nibble's first in memory) for each byte. */
const PAIRS = new Uint16Array(256);
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
for (let byte = 0; byte < 256; byte++) {
  const first = byte >> 4;
  const second = byte & 15;
  // A pad nibble is only ever the very last one; anywhere else it reads as a space, which JSON allows.
  const charOf = (nibble: number) => (nibble === PAD ? 0x20 : ALPHABET.charCodeAt(nibble));
  PAIRS[byte] = LITTLE_ENDIAN ? charOf(first) | (charOf(second) << 8) : (charOf(first) << 8) | charOf(second);
}

// Two ways to do it, the same bytes either way. A JavaScript loop over a vector's 20,000
// characters runs in V8's interpreter and is then compiled in the background (5 ms here), which a
// run that packs one vector never gets back; afterwards it is four times faster than native
// code. So a run's first NATIVE_CALLS vectors go through Buffer's hex codec (the alphabet
// renamed to hex digits by string replacement, native code), the rest through the loop.
// (Measured with `embed "one new text"`: 5 ms less of about 150; test/unit/state/disk-cache.test.ts
// checks that both give the same bytes.)
export const NATIVE_CALLS = 16;
let packCalls = 0;
let unpackCalls = 0;

/** Only the alphabet's characters (the check before the hex codec, which would stop at others). */
const PACKABLE = /^[-0-9.e+,]*$/;

/** The packed form of `text`, or undefined when it holds a character outside the alphabet. */
export function packNumbers(text: string): Buffer | undefined {
  packCalls += 1;
  if (packCalls <= NATIVE_CALLS) return packNative(text);
  return packLoop(text);
}

/** packNumbers through the hex codec: each character renamed to its nibble's hex digit. */
export function packNative(text: string): Buffer | undefined {
  if (!PACKABLE.test(text)) return undefined;
  // "e" first, before "," becomes one. Each pass copies the text: the two for characters that
  // JSON.stringify writes only for very small or very large numbers are skipped when absent.
  const withoutE = text.includes('e') ? text.replaceAll('e', 'c') : text;
  const renamed = withoutE.replaceAll(',', 'e').replaceAll('-', 'a').replaceAll('.', 'b');
  const hex = renamed.includes('+') ? renamed.replaceAll('+', 'd') : renamed;
  return Buffer.from(text.length % 2 === 1 ? `${hex}f` : hex, 'hex');
}

/** packNumbers as a loop over the characters. */
export function packLoop(text: string): Buffer | undefined {
  const out = Buffer.allocUnsafe((text.length + 1) >> 1);
  for (let i = 0; i < text.length; i += 2) {
    const first = CODE[text.charCodeAt(i)] ?? -1;
    const second = i + 1 < text.length ? (CODE[text.charCodeAt(i + 1)] ?? -1) : PAD;
    if (first < 0 || second < 0) return undefined;
    out[i >> 1] = (first << 4) | second;
  }
  return out;
}

/** The text packed by packNumbers, as ASCII bytes. */
export function unpackNumbers(packed: Uint8Array): Buffer {
  unpackCalls += 1;
  if (unpackCalls <= NATIVE_CALLS) return unpackNative(packed);
  return unpackLoop(packed);
}

/** unpackNumbers through the hex codec. */
export function unpackNative(packed: Uint8Array): Buffer {
  const hex = Buffer.from(packed.buffer, packed.byteOffset, packed.byteLength).toString('hex');
  // The pad nibble ends an odd-length text; anywhere else it reads as a space, as in the loop.
  const digits = hex.endsWith('f') ? hex.slice(0, -1) : hex;
  // "e" (",") first, before "c" becomes one.
  const text = digits.replaceAll('e', ',').replaceAll('c', 'e').replaceAll('a', '-').replaceAll('b', '.').replaceAll('d', '+').replaceAll('f', ' ');
  return Buffer.from(text, 'latin1');
}

/** unpackNumbers as a loop over the bytes. */
export function unpackLoop(packed: Uint8Array): Buffer {
  if (packed.length === 0) return Buffer.alloc(0);
  const pairs = new Uint16Array(packed.length);
  for (let i = 0; i < packed.length; i++) pairs[i] = PAIRS[packed[i] as number] as number;
  const text = Buffer.from(pairs.buffer, 0, packed.length * 2);
  return ((packed[packed.length - 1] as number) & 15) === PAD ? text.subarray(0, text.length - 1) : text;
}
