// fencedFile: a fence nothing in the file can close, a language hint from the name, the path as
// a heading that stays on its line.
import { describe, expect, it } from '@jest/globals';
import { fenceFor, fencedFile, languageFor } from '../../../../src/app/inputs/file-fence.js';

describe('fencedFile', () => {
  it('puts the text under its path in a ``` block with the language', () => {
    expect(fencedFile('src/a.ts', 'const a = 1;\n')).toBe('## src/a.ts\n\n```typescript\nconst a = 1;\n```\n');
  });

  it('makes the fence longer than any run of backticks in the text', () => {
    const text = 'Example:\n```js\nx\n```\nand ````` five\n';
    const fenced = fencedFile('README.md', text);
    expect(fenced).toBe(`## README.md\n\n\`\`\`\`\`\`markdown\n${text}\`\`\`\`\`\`\n`);
    expect(fenceFor('no ticks')).toBe('```');
    expect(fenceFor('`one` and ``two``')).toBe('```');
    expect(fenceFor('````')).toBe('`````');
  });

  it('ends the text with a newline so the closing fence is on its own line', () => {
    expect(fencedFile('x.go', 'package x')).toBe('## x.go\n\n```go\npackage x\n```\n');
    expect(fencedFile('empty.txt', '')).toBe('## empty.txt\n\n```text\n```\n');
  });

  it('quotes a path holding a control character, so a newline cannot start a line of its own', () => {
    expect(fencedFile('evil\n```\nname.txt', 'x\n').split('\n')[0]).toBe('## "evil\\n```\\nname.txt"');
  });

  it.each([
    ['a.ts', 'typescript'],
    ['a.PY', 'python'],
    ['Dockerfile', 'dockerfile'],
    ['Makefile', 'makefile'],
    ['config.yml', 'yaml'],
    ['main.rs', 'rust'],
    ['schema.sql', 'sql'],
    ['LICENSE', ''],
    ['weird.ext with space', ''],
  ])('language of %s: %j', (path, language) => {
    expect(languageFor(path)).toBe(language);
  });
});
