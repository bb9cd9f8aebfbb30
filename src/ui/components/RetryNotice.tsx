// "retrying in 3 s (429, attempt 2 of 4)", counting down.
import { Text } from 'ink';
import { useEffect, useState } from 'react';
import type { RetryView } from '../chat-view-state.js';

export function RetryNotice({ retry, now = Date.now }: { readonly retry: RetryView; readonly now?: () => number }) {
  const [, tick] = useState(0);
  useEffect(() => {
    const timer = setInterval(() => tick((t) => t + 1), 250);
    return () => clearInterval(timer);
  }, []);
  const seconds = Math.max(0, Math.ceil((retry.until - now()) / 1000));
  return (
    <Text color="yellow">
      ↻ {retry.reason}: retrying in {seconds} s (attempt {retry.attempt + 1} of {retry.maxRetries + 1})
    </Text>
  );
}
