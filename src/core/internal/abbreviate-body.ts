// A request body as the --debug log shows it: data URLs and base64 audio cut to their type and
// size (`data:image/png;base64,…(412 KB)`), long texts to their start, so that attaching a
// photo does not print megabytes of base64 to stderr. Redaction is the logger's (it redacts
// every line it writes), so the abbreviated body is still redacted.
import { formatBytes } from '../message-content.js';

/** Texts longer than this are cut in the log; a prompt's start says which prompt it was. */
const MAX_LOGGED_TEXT = 1_000;
const DATA_URL_HEAD = /^data:[^,]{0,200};base64,/;
/** A long run of base64 alone: audio data, or base64 in a field we do not know. */
const LONG_BASE64 = /^[A-Za-z0-9+/=_-]{256,}$/;

const base64Size = (length: number) => formatBytes(Math.floor((length * 3) / 4));

function abbreviateText(text: string): string {
  const head = DATA_URL_HEAD.exec(text);
  if (head) return `${head[0]}…(${base64Size(text.length - head[0].length)})`;
  if (LONG_BASE64.test(text)) return `…(${base64Size(text.length)} base64)`;
  if (text.length > MAX_LOGGED_TEXT) return `${text.slice(0, MAX_LOGGED_TEXT)}…(${text.length - MAX_LOGGED_TEXT} more characters)`;
  return text;
}

/** A copy of `value` with its long strings abbreviated; the value itself is not changed. */
export function abbreviateBody(value: unknown): unknown {
  if (typeof value === 'string') return abbreviateText(value);
  if (Array.isArray(value)) return value.map(abbreviateBody);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, abbreviateBody(item)]));
  }
  return value;
}
