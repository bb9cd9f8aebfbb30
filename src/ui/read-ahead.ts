// Starts reading an async iterable at once and keeps what arrives until it is read. The terminal
// UI hands the chat stream to this before it loads Ink and React (about 0.1 s), so that the
// request goes out first and that time is spent while the model works on its first token.
export interface ReadAhead<T> extends AsyncIterable<T> {
  /** Stops reading the source, for a reader that will not come after all. */
  stop(): void;
}

export function readAhead<T>(source: AsyncIterable<T>): ReadAhead<T> {
  const iterator = source[Symbol.asyncIterator]();
  const arrived: Array<{ value: T } | { end: true } | { error: unknown }> = [];
  let wake: (() => void) | undefined;
  const keep = (item: (typeof arrived)[number]) => {
    arrived.push(item);
    wake?.();
  };
  let reading = true;
  const stop = () => {
    if (!reading) return;
    reading = false;
    void iterator.return?.()?.catch(() => undefined);
  };
  void (async () => {
    try {
      while (reading) {
        const result = await iterator.next();
        if (result.done) return keep({ end: true });
        keep({ value: result.value });
      }
    } catch (error) {
      keep({ error });
    }
  })();
  return {
    stop,
    async *[Symbol.asyncIterator]() {
      try {
        for (;;) {
          while (arrived.length === 0) await new Promise<void>((resolve) => (wake = resolve));
          const item = arrived.shift() as (typeof arrived)[number];
          if ('error' in item) throw item.error;
          if ('end' in item) return;
          yield item.value;
        }
      } finally {
        // A reader that stops early stops the source too (the request, with it).
        stop();
      }
    },
  };
}
