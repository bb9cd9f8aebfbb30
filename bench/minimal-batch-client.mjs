// The batch baseline: Node's own fetch, `concurrency` requests at a time, one streamed
// one-chunk answer per line of the file, each printed as one NDJSON line. No retries, no
// pacing, no validation: the least a client can do.
import { readFileSync } from 'node:fs';

const [file, concurrency] = process.argv.slice(2);
const prompts = readFileSync(file, 'utf8').split('\n').filter(Boolean);
const url = `${process.env.OPENROUTER_BASE_URL}/chat/completions`;
let next = 0;

async function one(index) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${process.env.OPENROUTER_API_KEY}` },
    body: JSON.stringify({ model: 'bench/model', stream: true, max_tokens: 1, messages: [{ role: 'user', content: prompts[index] }] }),
  });
  const text = await response.text();
  let content = '';
  for (const line of text.split('\n')) {
    if (!line.startsWith('data: ') || line === 'data: [DONE]') continue;
    content += JSON.parse(line.slice(6)).choices[0]?.delta?.content ?? '';
  }
  process.stdout.write(`${JSON.stringify({ index, content })}\n`);
}

async function worker() {
  while (next < prompts.length) await one(next++);
}
await Promise.all(Array.from({ length: Number(concurrency) }, worker));
