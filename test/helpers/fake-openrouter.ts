// A fake OpenRouter on real HTTP (127.0.0.1, port 0) that answers with the shapes of real
// captures (../shared/docs/openrouter-api.md) and injects faults on demand. Request bodies are
// validated against OpenRouter's official OpenAPI spec, so a client that drifts from the real
// API fails here rather than in production.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { defaultEmbeddingModels, defaultEndpoints, defaultKeyInfo, defaultModels, endpointsBody } from './fake-catalogue.js';
import { validateSpec } from './openapi.js';

export const TEST_API_KEY = 'sk-or-v1-test-0000000000000000';

type Json = Record<string, unknown>;

/** A normal answer: SSE when the request asked for a stream, else one JSON body. */
export interface ReplyStep {
  kind: 'reply';
  content?: string[];
  reasoning?: string[];
  model?: string;
  provider?: string;
  finishReason?: string;
  usage?: Json;
  /** Where usage goes in a stream; the three placements seen in real captures. */
  usagePlacement?: 'separate-empty-choices' | 'separate-with-role-choice' | 'on-finish-chunk';
  /** `: OPENROUTER PROCESSING` comments before the first chunk. */
  keepAlives?: number;
  chunkDelayMs?: number;
  crlf?: boolean;
  /** Send `data: [DONE]` (default true). */
  done?: boolean;
  /**
   * What the prompt cache did, reported in the usage: prompt_tokens_details.cached_tokens
   * (read) and cache_write_tokens (written), and cache_discount (dollars saved; negative when
   * writes cost more).
   */
  cache?: { read?: number; written?: number; discount?: number };
  /** Leave `cost` out of the usage (the generation's record still has it: GET /generation). */
  omitCost?: boolean;
  /**
   * `url_citation` annotations (the web plugin's sources): on the last content chunk's delta
   * when streaming, as OpenRouter sends them, else on the message.
   */
  annotations?: Json[];
}
/** An error status with a body (see errorBodies for the real ones). */
export interface HttpErrorStep {
  kind: 'http-error';
  status: number;
  body: Json | string;
  headers?: Record<string, string>;
}
/** Chunks, then a chunk with a top-level `error` and finish_reason "error". */
export interface MidstreamErrorStep {
  kind: 'midstream-error';
  content: string[];
  error: { code?: number | string; message: string; metadata?: Json };
  done?: boolean;
  /** false: the error chunk has `choices: []` (no finish_reason "error" to lean on). Default true. */
  withChoice?: boolean;
}
/** Chunks, then finish_reason "error" alone (no `error` object). */
export interface FinishErrorStep {
  kind: 'finish-error';
  content: string[];
  nativeFinishReason?: string;
}
/** A non-streaming 200 carrying an error. */
export interface ErrorIn200Step {
  kind: 'error-in-200';
  shape: 'error-only' | 'error-with-empty-choices' | 'choice-error';
  error?: { code?: number | string; message: string; metadata?: Json };
  partialContent?: string;
}
/** The socket is destroyed: before headers, or after `afterChunks` content chunks. */
export interface ResetStep {
  kind: 'reset';
  afterChunks?: number;
}
/** Never finishes (until close()): before headers, or after some chunks, optionally with keep-alives. */
export interface StallStep {
  kind: 'stall';
  afterChunks?: number;
  beforeHeaders?: boolean;
  keepAliveEveryMs?: number;
}
/** Chunks, then the end: no finish_reason, no [DONE]. */
export interface TruncateStep {
  kind: 'truncate';
  content: string[];
}
/** Chunks, then a data line that is not JSON. */
export interface MalformedStep {
  kind: 'malformed';
  content: string[];
  line?: string;
}
/**
 * The model asks for tools: optional text, then the calls. Streamed as real providers do it: the
 * first fragment of a call carries its index, id and name, the arguments follow in pieces of
 * `piece` characters (several calls one after another, or `interleave`d by index); then
 * finish_reason "tool_calls" and usage. Without streaming: `message.tool_calls` whole.
 */
export interface ToolCallsStep {
  kind: 'tool-calls';
  /** `arguments` as the exact text to send, or an object sent as its JSON. */
  calls: Array<{ id?: string; name: string; arguments: string | Json }>;
  content?: string[];
  /** Characters per arguments fragment (default 3). */
  piece?: number;
  interleave?: boolean;
  finishReason?: string;
  usage?: Json;
  /** Send `data: [DONE]` (default true). */
  done?: boolean;
  /** false: no chunk carries a finish_reason (the stream ends with [DONE] alone). Default true. */
  finish?: boolean;
}
export interface DelayStep {
  kind: 'delay';
  ms: number;
  then: Step;
}
export interface RawStep {
  kind: 'raw';
  handle: (req: IncomingMessage, res: ServerResponse, body: Json | undefined) => void;
}
export type Step =
  | ReplyStep
  | HttpErrorStep
  | MidstreamErrorStep
  | FinishErrorStep
  | ErrorIn200Step
  | ResetStep
  | StallStep
  | TruncateStep
  | MalformedStep
  | DelayStep
  | RawStep
  | ToolCallsStep;

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: Record<string, string | string[] | undefined>;
  body: Json | undefined;
  receivedAt: number;
  /** Why the body was refused (400) by the spec check; absent when it passed or was not checked. */
  invalid?: string[];
}

export interface FakeOptions {
  /**
   * `openrouter` (default) or `openai`: an OpenAI-compatible server such as LM Studio, Ollama
   * or OpenAI itself, which serves under /v1, lists bare ids, sends no `provider`, no cost and
   * no keep-alive comments, streams usage only when asked with stream_options.include_usage,
   * and refuses OpenRouter's own request fields.
   */
  flavour?: 'openrouter' | 'openai';
  /** The key to expect; null: no key needed (local servers). */
  apiKey?: string | null;
  models?: Json[];
  embeddingModels?: Json[];
  /**
   * Who serves each model (model id → PublicEndpoint entries; fake-catalogue.ts's
   * defaultEndpoints by default): GET /models/{author}/{slug}/endpoints, and the `providers`
   * filter of GET /models.
   */
  endpoints?: Record<string, Json[]>;
  keyInfo?: Json;
  /**
   * Validate request bodies against the spec (default true): a violation gets a 400 in
   * OpenRouter's error shape, and is kept in `violations` and in the request's `invalid`.
   */
  validateRequests?: boolean;
  /** Serve HTTPS with this key and certificate (PEM). */
  tls?: { key: string; cert: string };
  /**
   * Real-sized vectors: this many dimensions when the request names none, each number with ten
   * significant digits, one of 64 vectors made once (chosen by the text, so the same text gets
   * the same vector), so that 100,000 of them cost the test process little.
   */
  embeddingDimensions?: number;
  /** false: bodies sent are not kept in `sent` (gigabytes of vectors). Default true. */
  keepSent?: boolean;
  /**
   * GET /generation?id= answers 404 this many times for each generation before its stats are
   * served (the real service's stats lag the answer for a moment). Default 0.
   */
  generationNotReady?: number;
  /**
   * A chat request's step chosen by its last user message's text (concurrent requests, whose
   * order a queue cannot know); undefined: the queue, else the default reply.
   */
  replyFor?: (prompt: string, body: Json) => Step | undefined;
}

export interface FakeOpenRouter {
  url: string;
  requests: RecordedRequest[];
  violations: string[];
  /** Every JSON body and SSE chunk sent, for validation against the spec. */
  sent: Array<{ path: string; status: number; stream: boolean; json: unknown }>;
  script(...steps: Step[]): void;
  close(): Promise<void>;
}

let generation = 0;

/** The chunk and body builders, shared by every step kind. */
class Answer {
  readonly id = `gen-${Math.floor(Date.now() / 1000)}-${String(++generation).padStart(20, '0')}`;
  readonly created = Math.floor(Date.now() / 1000);
  constructor(
    readonly model: string,
    /** Undefined for an OpenAI-compatible server, which names no upstream. */
    readonly provider: string | undefined,
  ) {}

  /** A non-streaming body around one choice, shaped like the real captures. */
  completion(choice: Json, extra: Json = {}): Json {
    return {
      id: this.id,
      ...(this.provider ? { provider: this.provider } : {}),
      model: this.model,
      object: 'chat.completion',
      created: this.created,
      choices: [{ index: 0, logprobs: null, ...choice }],
      system_fingerprint: null,
      ...extra,
    };
  }

  chunk(delta: Json, finishReason: string | null = null, extra: Json = {}): Json {
    return {
      id: this.id,
      ...(this.provider ? { provider: this.provider } : {}),
      model: this.model,
      object: 'chat.completion.chunk',
      created: this.created,
      choices: [{ index: 0, delta, finish_reason: finishReason, native_finish_reason: finishReason, logprobs: null }],
      ...extra,
    };
  }
}

export function defaultUsage(promptTokens: number, completionTokens: number): Json {
  return {
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    total_tokens: promptTokens + completionTokens,
    cost: 0.0000015 * (promptTokens + completionTokens),
    is_byok: false,
    prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
    cost_details: { upstream_inference_cost: null, upstream_inference_prompt_cost: 0, upstream_inference_completions_cost: 0 },
    completion_tokens_details: { reasoning_tokens: 0, image_tokens: 0 },
  };
}

/** The usage with what the prompt cache did (ReplyStep.cache) in OpenRouter's fields. */
function withCache(usage: Json, cache: ReplyStep['cache']): Json {
  if (!cache) return usage;
  const details = { ...((usage.prompt_tokens_details as Json | undefined) ?? {}) };
  if (cache.read !== undefined) details.cached_tokens = cache.read;
  if (cache.written !== undefined) details.cache_write_tokens = cache.written;
  return { ...usage, prompt_tokens_details: details, ...(cache.discount !== undefined ? { cache_discount: cache.discount } : {}) };
}

/** Usage as OpenAI-style servers send it: token counts, no cost. */
function openAiUsage(promptTokens: number, completionTokens: number): Json {
  return { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens };
}

function embeddingOf(text: string, dimensions = 8): number[] {
  const vector = Array.from({ length: dimensions }, (_, i) => {
    let h = 2166136261 ^ i;
    for (const ch of text) h = Math.imul(h ^ ch.codePointAt(0)!, 16777619);
    return ((h >>> 0) % 2000) / 1000 - 1;
  });
  return vector;
}

/** 64 vectors of `dimensions` numbers as JSON text, and which one a text gets. */
function vectorPool(dimensions: number) {
  let seed = dimensions;
  const random = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
  const vectors = Array.from({ length: 64 }, () => JSON.stringify(Array.from({ length: dimensions }, () => Number(((random() - 0.5) * 0.2).toPrecision(10)))));
  return {
    for(text: string): string {
      let h = 2166136261;
      for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
      return vectors[(h >>> 0) % vectors.length] as string;
    },
  };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** The text of a chat body's last user message (its text parts joined). */
function lastUserText(body: Json | undefined): string {
  const messages = Array.isArray(body?.messages) ? (body.messages as Json[]) : [];
  const last = messages.filter((message) => message.role === 'user').at(-1);
  if (typeof last?.content === 'string') return last.content;
  return Array.isArray(last?.content) ? (last.content as Json[]).map((part) => (typeof part.text === 'string' ? part.text : '')).join('') : '';
}

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** OpenRouter's request fields, which OpenAI-style servers refuse as unknown parameters. */
const OPENROUTER_ONLY_FIELDS = ['models', 'provider', 'reasoning', 'usage', 'transforms', 'route', 'plugins'];

/** The request body schemas of the endpoints, as the spec's paths declare them. */
const REQUEST_SCHEMAS: Record<string, string> = {
  '/chat/completions': '#/paths/~1chat~1completions/post/requestBody/content/application~1json/schema',
  '/embeddings': '#/paths/~1embeddings/post/requestBody/content/application~1json/schema',
};

/**
 * What is wrong with a request body, [] when nothing. Every body, of either flavour, is
 * checked against the spec's request schema (messages, content parts, reasoning…): what an
 * OpenAI-compatible server is sent is a subset of what OpenRouter takes. A compatible server
 * also refuses OpenRouter's own fields.
 */
function requestProblems(path: string, body: Json | undefined, openai: boolean): string[] {
  const pointer = REQUEST_SCHEMAS[path];
  const problems = pointer ? validateSpec(pointer, body) : [];
  if (openai) {
    problems.push(...OPENROUTER_ONLY_FIELDS.filter((field) => body?.[field] !== undefined).map((field) => `unrecognized request argument supplied: ${field}`));
  }
  return problems;
}

/** The default catalogue of an OpenAI-compatible server: a chat model and an embedding model. */
export const COMPATIBLE_MODELS: Json[] = [
  { id: 'qwen2.5-7b-instruct', object: 'model', owned_by: 'organization_owner' },
  { id: 'text-embedding-nomic-embed-text-v1.5', object: 'model', owned_by: 'organization_owner' },
];

export async function startFakeOpenRouter(options: FakeOptions = {}): Promise<FakeOpenRouter> {
  const openai = options.flavour === 'openai';
  const apiKey = options.apiKey === undefined ? TEST_API_KEY : options.apiKey;
  const validate = options.validateRequests ?? true;
  if (validate) {
    // Compile the validators now: compiling on the first request would delay that answer by
    // the better part of a second, and tests with short timeouts would time out on it.
    requestProblems('/chat/completions', {}, false);
    requestProblems('/embeddings', {}, false);
  }
  const queue: Step[] = [];
  const requests: RecordedRequest[] = [];
  /** The answers given, by generation id, for GET /generation. */
  const generations = new Map<string, { answer: Answer; tokensPrompt: number; tokensCompletion: number; totalCost: number; asked: number }>();
  const violations: string[] = [];
  const sent: FakeOpenRouter['sent'] = [];
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  let closed = false;

  const pool = options.embeddingDimensions ? vectorPool(options.embeddingDimensions) : undefined;
  const sendJson = (res: ServerResponse, path: string, status: number, body: unknown, headers: Record<string, string> = {}) => {
    if (options.keepSent !== false) sent.push({ path, status, stream: false, json: body });
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(typeof body === 'string' ? body : JSON.stringify(body));
  };
  const authError = (req: IncomingMessage): Json | undefined => {
    if (apiKey === null) return undefined;
    const header = req.headers.authorization;
    if (!header) return { error: { message: 'No cookie auth credentials found', code: 401 } };
    if (header !== `Bearer ${apiKey}`) return { error: { message: 'User not found.', code: 401 }, user_id: 'user_fake' };
    return undefined;
  };

  /** Writes SSE lines with the step's line ending; returns false once the client is gone. */
  const sse = (res: ServerResponse, crlf = false) => {
    const eol = crlf ? '\r\n' : '\n';
    return {
      open: (extra: Record<string, string> = {}) =>
        res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', ...extra }),
      comment: (text = 'OPENROUTER PROCESSING') => res.write(`: ${text}${eol}${eol}`),
      data: (path: string, json: Json) => {
        sent.push({ path, status: 200, stream: true, json });
        return res.write(`data: ${JSON.stringify(json)}${eol}${eol}`);
      },
      raw: (text: string) => res.write(text),
      done: () => res.write(`data: [DONE]${eol}${eol}`),
    };
  };

  const contentChunks = (out: ReturnType<typeof sse>, answer: Answer, path: string, content: string[]) => {
    out.data(path, answer.chunk({ role: 'assistant', content: '' }));
    for (const piece of content) out.data(path, answer.chunk({ content: piece }));
  };

  async function serveChat(step: Step, req: IncomingMessage, res: ServerResponse, body: Json | undefined, path: string) {
    const stream = body?.stream === true;
    const answer = new Answer(String(body?.model ?? 'openrouter/free'), openai ? undefined : 'FakeProvider');
    const headers = { 'x-generation-id': answer.id };
    /** Opens an SSE response and sends the first chunk and `content`. */
    const startStream = (content: string[]) => {
      const out = sse(res);
      out.open(headers);
      contentChunks(out, answer, path, content);
      return out;
    };
    switch (step.kind) {
      case 'delay':
        await wait(step.ms);
        return serveChat(step.then, req, res, body, path);
      case 'raw':
        return step.handle(req, res, body);
      case 'http-error':
        if (typeof step.body === 'string') {
          res.writeHead(step.status, { 'content-type': 'text/html', ...step.headers });
          res.end(step.body);
          return;
        }
        return sendJson(res, path, step.status, step.body, step.headers ?? {});
      case 'reset':
        if (step.afterChunks === undefined || !stream) return req.socket.destroy();
        startStream(Array.from({ length: step.afterChunks }, (_, i) => `part${i} `));
        // Let the chunks reach the client before the connection drops.
        setTimeout(() => req.socket.destroy(), 20);
        return;
      case 'stall': {
        if (step.beforeHeaders || !stream) return stallWith(res, step.keepAliveEveryMs, false);
        startStream(Array.from({ length: step.afterChunks ?? 0 }, (_, i) => `part${i} `));
        return stallWith(res, step.keepAliveEveryMs, true);
      }
      case 'truncate':
        startStream(step.content);
        res.end();
        return;
      case 'malformed': {
        const out = startStream(step.content);
        out.raw(`${step.line ?? 'data: {"id":'}\n\n`);
        res.end();
        return;
      }
      case 'midstream-error': {
        const out = startStream(step.content);
        const errorChunk: Json = { ...answer.chunk({ content: '' }, 'error'), error: step.error };
        if (step.withChoice === false) errorChunk.choices = [];
        out.data(path, errorChunk);
        if (step.done) out.done();
        res.end();
        return;
      }
      case 'finish-error': {
        const out = startStream(step.content);
        const chunk = answer.chunk({ content: '' }, 'error');
        (chunk.choices as Json[])[0]!.native_finish_reason = step.nativeFinishReason ?? 'MALFORMED_FUNCTION_CALL';
        out.data(path, chunk);
        out.done();
        res.end();
        return;
      }
      case 'error-in-200': {
        const error = step.error ?? { code: 502, message: 'Provider returned error', metadata: { raw: 'upstream failed', provider_name: 'FakeProvider' } };
        if (step.shape === 'error-only') return sendJson(res, path, 200, { error, user_id: 'user_fake' }, headers);
        if (step.shape === 'error-with-empty-choices') {
          return sendJson(res, path, 200, { id: answer.id, object: 'chat.completion', error, choices: [] }, headers);
        }
        return sendJson(
          res,
          path,
          200,
          answer.completion({
            finish_reason: 'error',
            native_finish_reason: 'error',
            error,
            message: { role: 'assistant', content: step.partialContent ?? '', refusal: null, reasoning: null },
          }),
          headers,
        );
      }
      case 'reply':
        return serveReply(step, res, body, path, answer, stream, headers);
      case 'tool-calls':
        return serveToolCalls(step, res, body, path, answer, stream, headers);
    }
  }

  /**
   * Keeps what GET /generation tells of an answer (its cost: the usage's, else the default
   * price of its tokens); the usage as sent, without its cost when `omitCost`.
   */
  function remember(answer: Answer, usage: Json, omitCost = false): Json {
    if (openai) return usage;
    const tokensPrompt = typeof usage.prompt_tokens === 'number' ? usage.prompt_tokens : 0;
    const tokensCompletion = typeof usage.completion_tokens === 'number' ? usage.completion_tokens : 0;
    const totalCost = typeof usage.cost === 'number' ? usage.cost : 0.0000015 * (tokensPrompt + tokensCompletion);
    generations.set(answer.id, { answer, tokensPrompt, tokensCompletion, totalCost, asked: 0 });
    if (!omitCost) return usage;
    const { cost: _cost, ...rest } = usage;
    return rest;
  }

  /** GenerationResponse for an answer given (404 while `generationNotReady` says it is not ready). */
  function serveGeneration(res: ServerResponse, path: string, id: string | null) {
    const known = id ? generations.get(id) : undefined;
    if (!known || known.asked++ < (options.generationNotReady ?? 0)) {
      return sendJson(res, path, 404, { error: { code: 404, message: `Generation ${id ?? ''} not found` } });
    }
    const { answer } = known;
    return sendJson(res, path, 200, {
      data: {
        id: answer.id,
        api_type: 'completions',
        created_at: new Date(answer.created * 1000).toISOString(),
        model: answer.model,
        provider_name: answer.provider ?? null,
        total_cost: known.totalCost,
        usage: known.totalCost,
        upstream_inference_cost: null,
        cache_discount: null,
        tokens_prompt: known.tokensPrompt,
        tokens_completion: known.tokensCompletion,
        native_tokens_prompt: known.tokensPrompt,
        native_tokens_completion: known.tokensCompletion,
        native_tokens_reasoning: 0,
        native_tokens_cached: 0,
        finish_reason: 'stop',
        native_finish_reason: 'stop',
        latency: 120,
        generation_time: 100,
        moderation_latency: null,
        streamed: true,
        cancelled: false,
        is_byok: false,
        origin: '',
        app_id: null,
      },
    });
  }

  function stallWith(res: ServerResponse, keepAliveEveryMs: number | undefined, headersSent: boolean) {
    if (keepAliveEveryMs === undefined) return;
    if (!headersSent) res.writeHead(200, { 'content-type': 'text/event-stream' });
    const timer = setInterval(() => res.write(': OPENROUTER PROCESSING\n\n'), keepAliveEveryMs);
    timers.add(timer);
    res.on('close', () => {
      clearInterval(timer);
      timers.delete(timer);
    });
  }

  async function serveReply(step: ReplyStep, res: ServerResponse, body: Json | undefined, path: string, base: Answer, stream: boolean, headers: Record<string, string>) {
    const answer = step.model || step.provider ? new Answer(step.model ?? base.model, step.provider ?? base.provider) : base;
    const content = step.content ?? ['Hello', ' from', ' fake'];
    const reasoning = step.reasoning ?? [];
    const messages = Array.isArray(body?.messages) ? (body.messages as Json[]) : [];
    const promptTokens = Math.max(1, Math.ceil(JSON.stringify(messages).length / 4));
    const usage = remember(answer, withCache(step.usage ?? (openai ? openAiUsage(promptTokens, content.length) : defaultUsage(promptTokens, content.length)), step.cache), step.omitCost);
    const finishReason = step.finishReason ?? 'stop';
    const genHeaders = { 'x-generation-id': answer.id };
    if (!stream) {
      const message = { role: 'assistant', content: content.join(''), refusal: null, reasoning: reasoning.length ? reasoning.join('') : null, ...(step.annotations ? { annotations: step.annotations } : {}) };
      return sendJson(res, path, 200, answer.completion({ finish_reason: finishReason, native_finish_reason: finishReason, message }, { usage }), { ...headers, ...genHeaders });
    }
    const out = sse(res, step.crlf);
    out.open({ ...headers, ...genHeaders });
    for (let i = 0; i < (step.keepAlives ?? 0); i++) out.comment();
    out.data(path, answer.chunk({ role: 'assistant', content: '' }));
    for (const piece of reasoning) out.data(path, answer.chunk({ role: 'assistant', content: '', reasoning: piece }));
    for (const [index, piece] of content.entries()) {
      if (step.chunkDelayMs) await wait(step.chunkDelayMs);
      if (res.destroyed) return;
      const annotations = step.annotations && index === content.length - 1 ? { annotations: step.annotations } : {};
      out.data(path, answer.chunk({ role: 'assistant', content: piece, ...annotations }));
    }
    const placement = step.usagePlacement ?? 'separate-empty-choices';
    const usageAsked = (body?.stream_options as Json | undefined)?.include_usage === true;
    if (openai && !usageAsked) {
      // OpenAI's rule: no usage in a stream unless stream_options.include_usage asks for it.
      out.data(path, answer.chunk({}, finishReason));
    } else if (placement === 'on-finish-chunk') {
      out.data(path, answer.chunk({ role: 'assistant', content: '' }, finishReason, { usage }));
    } else {
      out.data(path, answer.chunk({ role: 'assistant', content: '' }, finishReason));
      const usageChunk = answer.chunk({ role: 'assistant', content: '' }, null, { usage });
      if (placement === 'separate-empty-choices') usageChunk.choices = [];
      out.data(path, usageChunk);
    }
    if (step.done !== false) out.done();
    res.end();
  }

  function serveToolCalls(step: ToolCallsStep, res: ServerResponse, body: Json | undefined, path: string, answer: Answer, stream: boolean, headers: Record<string, string>) {
    const calls = step.calls.map((call, index) => ({
      id: call.id ?? `call_${answer.id.slice(-6)}_${index}`,
      name: call.name,
      arguments: typeof call.arguments === 'string' ? call.arguments : JSON.stringify(call.arguments),
    }));
    const content = step.content ?? [];
    const messages = Array.isArray(body?.messages) ? (body.messages as Json[]) : [];
    const promptTokens = Math.max(1, Math.ceil(JSON.stringify(messages).length / 4));
    const usage = remember(answer, step.usage ?? defaultUsage(promptTokens, calls.reduce((sum, call) => sum + Math.ceil(call.arguments.length / 4), 1)));
    const finishReason = step.finishReason ?? 'tool_calls';
    if (!stream) {
      const message = {
        role: 'assistant',
        content: content.length > 0 ? content.join('') : null,
        refusal: null,
        reasoning: null,
        tool_calls: calls.map((call) => ({ id: call.id, type: 'function', function: { name: call.name, arguments: call.arguments } })),
      };
      return sendJson(res, path, 200, answer.completion({ finish_reason: finishReason, native_finish_reason: finishReason, message }, { usage }), headers);
    }
    const out = sse(res);
    out.open(headers);
    contentChunks(out, answer, path, content);
    const piece = Math.max(1, step.piece ?? 3);
    // Each call's fragments: the opening one (index, id, name), then the arguments in pieces.
    const fragments = calls.map((call, index) => {
      const list: Json[] = [{ index, id: call.id, type: 'function', function: { name: call.name, arguments: '' } }];
      for (let at = 0; at < call.arguments.length; at += piece) list.push({ index, function: { arguments: call.arguments.slice(at, at + piece) } });
      return list;
    });
    const order: Json[] = [];
    if (step.interleave) {
      for (let round = 0; fragments.some((list) => round < list.length); round++) {
        for (const list of fragments) if (round < list.length) order.push(list[round]!);
      }
    } else {
      for (const list of fragments) order.push(...list);
    }
    for (const fragment of order) out.data(path, answer.chunk({ role: 'assistant', content: null, tool_calls: [fragment] }));
    if (step.finish !== false) out.data(path, answer.chunk({ role: 'assistant', content: '' }, finishReason));
    const usageChunk = answer.chunk({ role: 'assistant', content: '' }, null, { usage });
    usageChunk.choices = [];
    out.data(path, usageChunk);
    if (step.done !== false) out.done();
    res.end();
  }

  function serveEmbeddings(step: Step | undefined, req: IncomingMessage, res: ServerResponse, body: Json | undefined, path: string) {
    if (step && step.kind !== 'reply') return serveChat(step, req, res, body, path);
    const input = body?.input;
    const texts = typeof input === 'string' ? [input] : Array.isArray(input) ? (input as string[]) : [];
    const tokens = texts.reduce((sum, text) => sum + Math.max(1, Math.ceil(String(text).length / 4)), 0);
    if (pool && typeof body?.dimensions !== 'number') {
      const data = texts.map((text, index) => `{"object":"embedding","embedding":${pool.for(String(text))},"index":${index}}`).join(',');
      const usage = JSON.stringify({ prompt_tokens: tokens, total_tokens: tokens, ...(openai ? {} : { cost: tokens * 0.00000002 }) });
      return sendJson(res, path, 200, `{"id":"gen-emb-${++generation}","object":"list","data":[${data}],"model":${JSON.stringify(String(body?.model ?? 'openai/text-embedding-3-small'))},"usage":${usage}}`);
    }
    const dimensions = typeof body?.dimensions === 'number' ? body.dimensions : 8;
    return sendJson(res, path, 200, {
      id: `gen-emb-${++generation}`,
      object: 'list',
      data: texts.map((text, index) => ({ object: 'embedding', embedding: embeddingOf(String(text), dimensions), index })),
      model: String(body?.model ?? 'openai/text-embedding-3-small'),
      usage: { prompt_tokens: tokens, total_tokens: tokens, ...(openai ? {} : { cost: tokens * 0.00000002 }) },
    });
  }

  const endpointsOf = (models: Json[]) => options.endpoints ?? defaultEndpoints(models);

  const handler = (req: IncomingMessage, res: ServerResponse) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const path = url.pathname.replace(openai ? /^\/v1/ : /^\/api\/v1/, '');
      const text = await readBody(req);
      let body: Json | undefined;
      try {
        body = text ? (JSON.parse(text) as Json) : undefined;
      } catch {
        return sendJson(res, path, 400, { error: { code: 400, message: 'Invalid JSON body' } });
      }
      requests.push({ method: req.method ?? 'GET', path, query: url.searchParams, headers: req.headers, body, receivedAt: Date.now() });

      if (openai && req.method === 'GET' && path === '/models') {
        const denied = authError(req);
        if (denied) return sendJson(res, path, 401, denied);
        return sendJson(res, path, 200, { object: 'list', data: options.models ?? COMPATIBLE_MODELS });
      }
      if (req.method === 'GET' && path === '/models') {
        const embeddings = url.searchParams.get('output_modalities') === 'embeddings';
        const data = embeddings ? options.embeddingModels ?? defaultEmbeddingModels() : options.models ?? defaultModels();
        // `providers=Groq,DeepInfra`: the models any of them serves (names compared without case).
        const hosts = url.searchParams.get('providers')?.split(',').map((name) => name.trim().toLowerCase());
        if (!hosts) return sendJson(res, path, 200, { data });
        const served = endpointsOf(data);
        return sendJson(res, path, 200, {
          data: data.filter((model) => (served[String(model.id)] ?? []).some((endpoint) => hosts.includes(String(endpoint.provider_name).toLowerCase()))),
        });
      }
      const endpointsPath = /^\/models\/([^/]+)\/([^/]+)\/endpoints$/.exec(path);
      if (req.method === 'GET' && endpointsPath) {
        const id = `${decodeURIComponent(endpointsPath[1]!)}/${decodeURIComponent(endpointsPath[2]!)}`;
        const models = options.models ?? defaultModels();
        const model = models.find((entry) => entry.id === id);
        if (!model) return sendJson(res, path, 404, { error: { code: 404, message: 'Resource not found' } });
        return sendJson(res, path, 200, endpointsBody(model, endpointsOf(models)[id] ?? []));
      }
      if (req.method === 'GET' && path === '/embeddings/models') {
        return sendJson(res, path, 200, { data: options.embeddingModels ?? defaultEmbeddingModels() });
      }
      const denied = authError(req);
      if (denied) return sendJson(res, path, 401, denied);
      if (req.method === 'GET' && (path === '/key' || path === '/auth/key')) {
        return sendJson(res, path, 200, { data: options.keyInfo ?? defaultKeyInfo() });
      }
      if (req.method === 'GET' && path === '/generation' && !openai) return serveGeneration(res, path, url.searchParams.get('id'));
      if (req.method === 'POST' && (path === '/chat/completions' || path === '/embeddings')) {
        if (validate) {
          const problems = requestProblems(path, body, openai);
          if (problems.length > 0) {
            violations.push(...problems.map((problem) => `${path}: ${problem}`));
            requests[requests.length - 1]!.invalid = problems;
            return sendJson(res, path, 400, { error: { code: 400, message: `Invalid request: ${problems[0]}`, metadata: { problems } } });
          }
        }
        const chosen = path === '/chat/completions' && options.replyFor ? options.replyFor(lastUserText(body), body ?? {}) : undefined;
        const step = chosen ?? queue.shift();
        if (path === '/embeddings') return serveEmbeddings(step, req, res, body, path);
        return serveChat(step ?? { kind: 'reply' }, req, res, body, path);
      }
      return sendJson(res, path, 404, { error: { code: 404, message: `Not Found: ${req.method} ${path}` } });
    })().catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { code: 500, message: `fake server bug: ${String(error)}` } }));
    });
  };
  const server = options.tls ? createHttpsServer({ key: options.tls.key, cert: options.tls.cert }, handler) : createServer(handler);
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}${openai ? '/v1' : '/api/v1'}`,
    requests,
    violations,
    sent,
    script: (...steps) => queue.push(...steps),
    close: async () => {
      if (closed) return;
      closed = true;
      for (const timer of timers) clearInterval(timer);
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Real error bodies (openrouter-api.md §4, §5), ready to use as steps. */
export const errorBodies = {
  rateLimited(retryAfterSeconds?: number): HttpErrorStep {
    const reset = String(Date.now() + 60_000);
    return {
      kind: 'http-error',
      status: 429,
      headers: {
        ...(retryAfterSeconds === undefined ? {} : { 'retry-after': String(retryAfterSeconds) }),
        'x-ratelimit-limit': '20',
        'x-ratelimit-remaining': '0',
        'x-ratelimit-reset': reset,
      },
      body: {
        error: {
          message: 'Rate limit exceeded: limit_rpm/meta-llama/llama-3.3-70b-instruct/abc. High demand for meta-llama/llama-3.3-70b-instruct:free on OpenRouter - limited to 20 requests per minute. Please retry shortly.',
          code: 429,
          metadata: { headers: { 'X-RateLimit-Limit': '20', 'X-RateLimit-Remaining': '0', 'X-RateLimit-Reset': reset }, provider_name: null },
        },
        user_id: 'user_fake',
      },
    };
  },
  dailyCap(resetMs: number): HttpErrorStep {
    const reset = String(resetMs);
    return {
      kind: 'http-error',
      status: 429,
      headers: { 'x-ratelimit-limit': '50', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': reset },
      body: {
        error: {
          message: 'Rate limit exceeded: free-models-per-day. Add 10 credits to unlock 1000 free model requests per day',
          code: 429,
          metadata: {
            headers: { 'X-RateLimit-Limit': '50', 'X-RateLimit-Remaining': '0', 'X-RateLimit-Reset': reset },
            provider_name: null,
            limit_source: 'openrouter_free_tier_daily',
            remedy_hint: 'Wait for the daily reset',
          },
        },
        user_id: 'user_fake',
      },
    };
  },
  upstreamRateLimited(): HttpErrorStep {
    return {
      kind: 'http-error',
      status: 429,
      headers: { 'retry-after': '1' },
      body: {
        error: {
          message: 'Provider returned error',
          code: 429,
          metadata: {
            raw: 'meta-llama/llama-3.3-70b-instruct:free is temporarily rate-limited upstream. Please retry shortly.',
            provider_name: 'Venice',
            is_byok: false,
            retry_after_seconds: 1,
            limit_source: 'upstream_provider_shared_pool',
          },
        },
      },
    };
  },
  unauthorized: (): HttpErrorStep => ({ kind: 'http-error', status: 401, body: { error: { message: 'No cookie auth credentials found', code: 401 } } }),
  userNotFound: (): HttpErrorStep => ({ kind: 'http-error', status: 401, body: { error: { message: 'User not found.', code: 401 }, user_id: 'user_fake' } }),
  insufficientCredits: (): HttpErrorStep => ({
    kind: 'http-error',
    status: 402,
    body: {
      error: {
        message: 'This request requires more credits, or fewer max_tokens. You requested up to 4096 tokens, but can only afford 1000. To increase, visit https://openrouter.ai/settings/credits and upgrade to a paid account',
        code: 402,
        metadata: { provider_name: null, limit_source: 'openrouter_credits' },
      },
      user_id: 'user_fake',
    },
  }),
  moderation: (): HttpErrorStep => ({
    kind: 'http-error',
    status: 403,
    body: {
      error: {
        code: 403,
        message: 'openai/gpt-5 requires moderation on OpenRouter. Your input was flagged for "violence". No credits were charged.',
        metadata: { reasons: ['violence'], flagged_input: 'how to...ght', provider_name: 'OpenAI', model_slug: 'openai/gpt-5' },
      },
    },
  }),
  keyLimit: (): HttpErrorStep => ({
    kind: 'http-error',
    status: 403,
    body: { error: { message: 'Key limit exceeded (total limit). Manage it using https://openrouter.ai/settings/keys', code: 403 } },
  }),
  invalidModel: (id: string): HttpErrorStep => ({
    kind: 'http-error',
    status: 400,
    body: { error: { message: `${id} is not a valid model ID`, code: 400 }, user_id: 'user_fake' },
  }),
  noEndpoints: (id: string): HttpErrorStep => ({
    kind: 'http-error',
    status: 404,
    body: { error: { message: `No endpoints found for ${id}.`, code: 404 }, user_id: 'user_fake' },
  }),
  payloadTooLarge: (): HttpErrorStep => ({ kind: 'http-error', status: 413, body: { error: { message: 'Request payload too large', code: 413 } } }),
  unprocessable: (): HttpErrorStep => ({ kind: 'http-error', status: 422, body: { error: { message: 'Invalid argument', code: 422 } } }),
  providerReturned: (status: number, raw: string, providerName: string): HttpErrorStep => ({
    kind: 'http-error',
    status,
    body: { error: { message: 'Provider returned error', code: status, metadata: { raw, provider_name: providerName } } },
  }),
  server(status: 500 | 502 | 503 | 504 | 524 | 529, headers: Record<string, string> = {}): HttpErrorStep {
    const messages: Record<number, string> = {
      500: 'Internal Server Error',
      502: 'Network connection lost.',
      503: 'Service temporarily unavailable',
      504: 'Gateway timeout',
      524: 'Request timed out. Please try again later.',
      529: 'Provider returned error',
    };
    return { kind: 'http-error', status, headers, body: { error: { code: status, message: messages[status] ?? 'error' } } };
  },
  availability(code: string, httpStatus: number, retryable: boolean, retryAfter?: number): HttpErrorStep {
    return {
      kind: 'http-error',
      status: httpStatus,
      body: {
        error: {
          message: `Model unavailable: ${code}`,
          error_type: 'provider_unavailable',
          http_status: httpStatus,
          availability: { code, retryable, ...(retryAfter === undefined ? {} : { retry_after: retryAfter }) },
          metadata: {},
        },
      },
    };
  },
};

/** A `url_citation` annotation as OpenRouter streams them (OpenAI's nested shape). */
export function urlCitation(url: string, title: string, content = ''): Json {
  return { type: 'url_citation', url_citation: { url, title, content, start_index: 0, end_index: 1 } };
}
