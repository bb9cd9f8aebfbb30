// The benchmark's loopback OpenRouter: /chat/completions streams `chunks` deltas (query or
// header x-bench-chunks), /embeddings answers with vectors of real size (1,536 dimensions, each
// number with ten significant digits as OpenAI's text-embedding-3-small sends them) after the
// latency its model's name asks for (bench/embed-5ms: 5 ms; none by default), /models serves a
// catalogue. Started by run.mjs in its own process, so it costs the clients nothing.
import http from 'node:http';

const EMBED_DIMENSIONS = Number(process.env.BENCH_EMBED_DIMENSIONS ?? 1536);
// 64 vectors, made once as JSON text: the server spends nothing per vector but the copy.
let seed = 12345;
const random = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
const VECTORS = Array.from({ length: 64 }, () =>
  JSON.stringify(Array.from({ length: EMBED_DIMENSIONS }, () => Number(((random() - 0.5) * 0.2).toPrecision(10)))),
);
/** A vector's JSON for a text: the same text, the same vector. */
function vectorFor(text) {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return VECTORS[(h >>> 0) % VECTORS.length];
}
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
        const request = JSON.parse(body);
        const texts = Array.isArray(request.input) ? request.input : [request.input];
        const latencyMs = Number(/embed-(\d+)ms/.exec(String(request.model))?.[1] ?? 0);
        const data = texts.map((text, index) => `{"object":"embedding","index":${index},"embedding":${vectorFor(String(text))}}`).join(',');
        const answer = () => {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(`{"object":"list","model":"bench/embed","data":[${data}],"usage":{"prompt_tokens":${texts.length},"total_tokens":${texts.length},"cost":${texts.length * 2e-8}}}`);
        };
        if (latencyMs > 0) setTimeout(answer, latencyMs);
        else answer();
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
    out += `data: {"id":"gen-bench","object":"chat.completion.chunk","created":1,"model":"bench/model","choices":[{"index":0,"delta":{},"finish_reason":"stop"}],"usage":{"prompt_tokens":5,"completion_tokens":${chunks},"total_tokens":${chunks + 5},"cost":${(5 + chunks) * 1e-7}}}\n\ndata: [DONE]\n\n`;
    res.end(out);
  };
  pump();
}
