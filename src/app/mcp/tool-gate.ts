// Which tool calls run. A tool named by --allow-tool or allow_tools: runs. Otherwise, in a
// terminal, the user is asked (yes / no / always for this tool, remembered for the run); in a
// pipe, CI or --json nobody can answer, so the call is refused and the model is told why: a
// script never runs a tool nobody approved.
import type { ApprovalAnswer, ApprovalRequest, AskApproval } from '../../ui/approval-channel.js';

export type GateDecision = { run: true } | { run: false; reason: string };

export class ToolGate {
  private readonly allowed: Set<string>;
  /** Questions are asked one at a time, in the order the calls came. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    allowed: Iterable<string>,
    private readonly ask?: AskApproval,
  ) {
    this.allowed = new Set(allowed);
  }

  async decide(request: ApprovalRequest): Promise<GateDecision> {
    if (this.allowed.has(request.tool)) return { run: true };
    if (!this.ask) {
      return { run: false, reason: `the user has not allowed the tool ${request.tool} to run here (only tools given with --allow-tool run without a person to ask)` };
    }
    const ask = this.ask;
    const answer = new Promise<ApprovalAnswer>((resolve, reject) => {
      this.queue = this.queue.then(async () => {
        // "always" for this tool, said while this question waited its turn.
        if (this.allowed.has(request.tool)) return resolve('yes');
        try {
          resolve(await ask(request));
        } catch (error) {
          reject(error);
        }
      });
    });
    const said = await answer;
    if (said === 'always') this.allowed.add(request.tool);
    return said === 'no' ? { run: false, reason: `the user declined to run the tool ${request.tool}` } : { run: true };
  }
}
