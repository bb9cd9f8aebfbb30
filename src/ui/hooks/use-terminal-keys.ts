// The terminal's keys, decoded for the line editor (line-editor-keys.ts), from one subscription
// made once: Ink's useInput subscribes each render's handler in a passive effect, so a key read
// before that effect ran went to the previous render's handler, with the previous state. Here
// the handler is read from a ref when a key comes, and the caller keeps its state in refs too.
import { useStdin } from 'ink';
import { useEffect, useRef } from 'react';
import type { EditorKey } from '../line-editor.js';
import { createKeyDecoder } from '../line-editor-keys.js';

export function useTerminalKeys(onKeys: (keys: EditorKey[]) => void): void {
  // internal_eventEmitter: Ink's raw input events (its StdinContext type declares it), which
  // useInput would reduce to one key per event.
  const { internal_eventEmitter: events, setRawMode } = useStdin();
  const handler = useRef(onKeys);
  handler.current = onKeys;
  useEffect(() => {
    const decoder = createKeyDecoder();
    const onInput = (event: string) => {
      const keys = decoder.push(event);
      if (keys.length > 0) handler.current(keys);
    };
    events.on('input', onInput);
    setRawMode(true);
    return () => {
      events.off('input', onInput);
      setRawMode(false);
    };
  }, [events, setRawMode]);
}
