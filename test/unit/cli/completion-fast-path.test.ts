// `__models --embeddings` (what embed -m <Tab> asks) is answered from the cached embeddings
// catalogue before the CLI loads, as `__models` is from the models one; never a request.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { answerFromCache } from '../../../src/cli/fast-catalogue.js';

let home: string;
beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'devsynth-fast-'));
  mkdirSync(join(home, 'state', 'cache'), { recursive: true, mode: 0o700 });
});
afterEach(() => rmSync(home, { recursive: true, force: true }));

function seed(kind: 'models' | 'embeddings', ids: string[]): void {
  writeFileSync(join(home, 'state', 'cache', `catalogue-${kind}.json`), JSON.stringify({ fetchedAt: Date.now(), models: ids.map((id) => ({ id })) }), { mode: 0o600 });
}

function ask(args: string[], env: Record<string, string> = {}): { answered: boolean; stdout: string } {
  let stdout = '';
  const answered = answerFromCache(args, {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: () => true },
    env: { HOME: home, XDG_CONFIG_HOME: join(home, '.config'), DEVSYNTH_HOME: join(home, 'state'), ...env },
    cwd: home,
  });
  return { answered, stdout };
}

describe('__models from the cache', () => {
  it('--embeddings lists the embedding models, plain ids only; without, the chat models', () => {
    seed('models', ['openai/gpt-4o-mini']);
    seed('embeddings', ['openai/text-embedding-3-small', 'evil/\u001b]0;x\u0007']);
    expect(ask(['__models', '--embeddings'])).toEqual({ answered: true, stdout: 'openai/text-embedding-3-small\n' });
    expect(ask(['__models'])).toEqual({ answered: true, stdout: 'openai/gpt-4o-mini\n' });
  });

  it('leaves to the full CLI what the cache cannot answer: no cache, another provider, other arguments', () => {
    seed('models', ['openai/gpt-4o-mini']);
    expect(ask(['__models', '--embeddings']).answered).toBe(false);
    seed('embeddings', ['openai/text-embedding-3-small']);
    expect(ask(['__models', '--embeddings'], { DEVSYNTH_PROVIDER: 'offline' }).answered).toBe(false);
    expect(ask(['--provider', 'offline', '__models', '--embeddings']).answered).toBe(false);
    expect(ask(['__models', '--embeddings', 'x']).answered).toBe(false);
  });
});
