// The baseline: Node's own fetch and a minimal SSE line parser, printing deltas to stdout.
const [url, chunks] = process.argv.slice(2);
const response = await fetch(`${url}/chat/completions`, {
  method: 'POST',
  headers: { 'content-type': 'application/json', authorization: 'Bearer bench' },
  body: JSON.stringify({ model: 'bench/model', stream: true, max_tokens: Number(chunks), messages: [{ role: 'user', content: 'go' }] }),
});
const decoder = new TextDecoder();
let buffer = '';
for await (const bytes of response.body) {
  buffer += decoder.decode(bytes, { stream: true });
  let out = '';
  let end;
  while ((end = buffer.indexOf('\n')) >= 0) {
    const line = buffer.slice(0, end).trimEnd();
    buffer = buffer.slice(end + 1);
    if (!line.startsWith('data: ') || line === 'data: [DONE]') continue;
    out += JSON.parse(line.slice(6)).choices[0]?.delta?.content ?? '';
  }
  if (out) process.stdout.write(out);
}
process.stdout.write('\n');
