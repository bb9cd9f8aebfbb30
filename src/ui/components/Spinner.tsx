// A one-cell spinner with a label and the seconds waited so far, until the first token arrives:
// minutes of silence (a slow model, retries) must not look like a hang.
import { Text } from 'ink';
import { useEffect, useState } from 'react';

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const FRAME_MS = 80;

export interface SpinnerProps {
  readonly label: string;
  /** When the wait began (epoch ms): from a second on, the label says how long it has been. */
  readonly since?: number | undefined;
  readonly now?: () => number;
}

export function Spinner({ label, since, now = Date.now }: SpinnerProps) {
  const [frame, setFrame] = useState(0);
  useEffect(() => {
    const timer = setInterval(() => setFrame((f) => (f + 1) % FRAMES.length), FRAME_MS);
    return () => clearInterval(timer);
  }, []);
  const seconds = since === undefined ? 0 : Math.floor((now() - since) / 1000);
  return (
    <Text>
      <Text color="cyan">{FRAMES[frame]}</Text> <Text dimColor>{seconds >= 1 ? `${label} (${seconds} s)` : label}</Text>
    </Text>
  );
}
