// The sources an answer cited (the web plugin's url_citation annotations), as lines for a
// person: numbered, the title then the URL. Both came from the network: made terminal-safe here.
import type { Citation } from '../core/index.js';
import { terminalSafe } from './terminal-safe.js';

export function citationLines(citations: readonly Citation[] | undefined): string {
  if (!citations?.length) return '';
  const lines = citations.map((citation, index) => {
    const title = citation.title ? `${terminalSafe(citation.title).replace(/\s+/g, ' ').trim()} ` : '';
    return `  [${index + 1}] ${title}${terminalSafe(citation.url)}`;
  });
  return `Sources:\n${lines.join('\n')}\n`;
}
