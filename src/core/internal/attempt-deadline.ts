// One AbortController per attempt that every limit feeds: the caller's signal (Ctrl+C), the
// wait for response headers, the longest silence inside a stream, the wait for the first token,
// the longest time without new content once it flows, the whole of a streamed answer and the
// whole of a non-streaming attempt. Whoever fires first sets the abort reason to the
// typed error that explains it, so a rejected read can be reported precisely.
import { CancelledError, type DevsynthError } from '../errors.js';

export type DeadlineName = 'headers' | 'silence' | 'first_token' | 'content' | 'stream' | 'attempt';

export class AttemptDeadline {
  private readonly controller = new AbortController();
  private readonly timers = new Map<DeadlineName, NodeJS.Timeout>();
  private readonly onUserAbort: () => void;

  constructor(private readonly userSignal?: AbortSignal) {
    this.onUserAbort = () => this.abort(new CancelledError('cancelled by the user'));
    if (userSignal?.aborted) this.onUserAbort();
    else userSignal?.addEventListener('abort', this.onUserAbort, { once: true });
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** The typed error that ended the attempt, if a limit or the user did. */
  get reason(): DevsynthError | undefined {
    return this.controller.signal.aborted ? (this.controller.signal.reason as DevsynthError) : undefined;
  }

  /** Starts (or restarts) a limit; when it fires, the attempt aborts with makeError(). */
  arm(name: DeadlineName, ms: number, makeError: () => DevsynthError): void {
    this.disarm(name);
    if (!Number.isFinite(ms) || ms <= 0) return;
    const timer = setTimeout(() => this.abort(makeError()), ms);
    // A pending limit must not keep a finished CLI process alive.
    timer.unref();
    this.timers.set(name, timer);
  }

  /** Pushes a limit back to its full length: there was activity. Cheap (no new timer). */
  refresh(name: DeadlineName): void {
    this.timers.get(name)?.refresh();
  }

  disarm(name: DeadlineName): void {
    const timer = this.timers.get(name);
    if (timer) clearTimeout(timer);
    this.timers.delete(name);
  }

  /**
   * Ends the attempt: clears the limits and aborts the request, so that a consumer that stops
   * reading early (break, return) closes the connection instead of leaving it open.
   * `completed`: the response was read to its end; nothing is aborted.
   */
  dispose(options: { completed?: boolean } = {}): void {
    // A body read to its end has nothing left to close (and its connection is back in the
    // pool): no abort, and no error made for it (a stack trace per request, in a batch).
    if (!options.completed) this.abort(new CancelledError('the consumer stopped reading'));
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    this.userSignal?.removeEventListener('abort', this.onUserAbort);
  }

  private abort(error: DevsynthError): void {
    if (!this.controller.signal.aborted) this.controller.abort(error);
  }
}

/** Waits `ms`, or rejects with CancelledError as soon as `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new CancelledError('cancelled by the user'));
    const onAbort = () => {
      clearTimeout(timer);
      reject(new CancelledError('cancelled by the user'));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
