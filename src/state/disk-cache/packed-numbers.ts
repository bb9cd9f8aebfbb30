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

/** The packed form of `text`, or undefined when it holds a character outside the alphabet. */
export function packNumbers(text: string): Buffer | undefined {
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
  if (packed.length === 0) return Buffer.alloc(0);
  const pairs = new Uint16Array(packed.length);
  for (let i = 0; i < packed.length; i++) pairs[i] = PAIRS[packed[i] as number] as number;
  const text = Buffer.from(pairs.buffer, 0, packed.length * 2);
  return ((packed[packed.length - 1] as number) & 15) === PAD ? text.subarray(0, text.length - 1) : text;
}
