// The openai SDK (6.x, the newest major that runs on Node 20) streaming the same reply.
import OpenAI from 'openai';
const [url, chunks] = process.argv.slice(2);
const client = new OpenAI({ baseURL: url, apiKey: 'bench' });
const stream = await client.chat.completions.create({ model: 'bench/model', stream: true, max_tokens: Number(chunks), messages: [{ role: 'user', content: 'go' }] });
for await (const chunk of stream) {
  const text = chunk.choices[0]?.delta?.content;
  if (text) process.stdout.write(text);
}
process.stdout.write('\n');
