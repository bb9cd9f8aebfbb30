// The benchmark's loopback OpenRouter: /chat/completions streams `chunks` deltas (query or
// header x-bench-chunks), /embeddings answers with small vectors after a fixed latency, /models
// serves a catalogue. Started by run.mjs in its own process, so it costs the clients nothing.
import http from 'node:http';

const EMBED_LATENCY_MS = Number(process.env.BENCH_EMBED_LATENCY_MS ?? 5);
const catalogue = JSON.stringify({
  data: Array.from({ length: 300 }, (_, i) => ({
    id: `org${i % 30}/model-${i}`,
    name: `Model ${i}`,
    context_length: 8192 * ((i % 16) + 1),
    pricing: { prompt: '0.000001', completion: '0.000002' },
  })),
});

function chunkLine(i, text) {
  return `data: {"id":"gen-bench","object":"chat.completion.chunk","created":1,"model":"bench/model","provider":"Bench","choices":[{"index":0,"delta":{"content":${JSON.stringify(text)}},"finish_reason":null}]}\n\n`;
}

http
  .createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      const url = new URL(req.url, 'http://x');
      if (url.pathname.endsWith('/models')) {
        res.writeHead(200, { 'content-type': 'application/json' });
        return res.end(catalogue);
      }
      if (url.pathname.endsWith('/embeddings')) {
        const input = JSON.parse(body).input;
        const texts = Array.isArray(input) ? input : [input];
        setTimeout(() => {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ object: 'list', model: 'bench/embed', data: texts.map((_, index) => ({ object: 'embedding', index, embedding: [0.1, 0.2, 0.3, 0.4] })), usage: { prompt_tokens: texts.length, total_tokens: texts.length } }));
        }, EMBED_LATENCY_MS);
        return;
      }
      // The reply's length is the request's max_tokens: every client can set that. A model named
      // like bench/slow-300 waits that many milliseconds first, as a real model does before its
      // first token.
      const request = JSON.parse(body || '{}');
      const chunks = Number(request.max_tokens ?? 1);
      const firstTokenMs = Number(/slow-(\d+)/.exec(String(request.model))?.[1] ?? 0);
      if (firstTokenMs > 0) setTimeout(stream, firstTokenMs, res, chunks);
      else stream(res, chunks);
    });
  })
  .listen(Number(process.env.BENCH_PORT ?? 0), '127.0.0.1', function () {
    process.stdout.write(`${this.address().port}\n`);
  });

/** `chunks` deltas of the answer, many per socket write. */
function stream(res, chunks) {
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  let i = 0;
  // Many chunks per socket write, as a fast upstream delivers them.
  const pump = () => {
    let out = '';
    for (let k = 0; k < 256 && i < chunks; k++, i++) out += chunkLine(i, i % 12 === 11 ? 'tok\n' : 'tok ');
    if (i < chunks) {
      if (res.write(out)) setImmediate(pump);
      else res.once('drain', pump);
      return;
    }
    out += `data: {"id":"gen-bench","object":"chat.completion.chunk","created":1,"model":"bench/model","choices":[{"index":0,"delta":{},"finish_reason":"stop"}],"usage":{"prompt_tokens":5,"completion_tokens":${chunks},"total_tokens":${chunks + 5}}}\n\ndata: [DONE]\n\n`;
    res.end(out);
  };
  pump();
}
