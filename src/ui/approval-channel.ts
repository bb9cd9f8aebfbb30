// Between the tool gate (which waits for an answer) and the terminal UI (which shows the
// question and reads a key): one pending question at a time, and whoever renders it answers.

export type ApprovalAnswer = 'yes' | 'no' | 'always';

/** A tool call waiting for the user's word. */
export interface ApprovalRequest {
  /** The name the model called. */
  tool: string;
  server: string;
  arguments: unknown;
}

export type AskApproval = (request: ApprovalRequest) => Promise<ApprovalAnswer>;

export interface PendingApproval extends ApprovalRequest {
  answer(said: ApprovalAnswer): void;
}

export interface ApprovalChannel {
  ask: AskApproval;
  /** Told of each question, and of undefined once it is answered; returns the unsubscribe. */
  subscribe(listener: (pending: PendingApproval | undefined) => void): () => void;
}

export function createApprovalChannel(): ApprovalChannel {
  const listeners = new Set<(pending: PendingApproval | undefined) => void>();
  let current: PendingApproval | undefined;
  const tell = () => {
    for (const listener of listeners) listener(current);
  };
  return {
    ask: (request) =>
      new Promise<ApprovalAnswer>((resolve) => {
        current = {
          ...request,
          answer: (said) => {
            current = undefined;
            tell();
            resolve(said);
          },
        };
        tell();
      }),
    subscribe(listener) {
      listeners.add(listener);
      // A question asked before the UI was listening is shown at once.
      if (current) listener(current);
      return () => listeners.delete(listener);
    },
  };
}
