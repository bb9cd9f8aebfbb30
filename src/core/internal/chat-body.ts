// ChatRequest → the JSON body of POST /chat/completions, validated before anything is sent.
import type { ChatRequest } from '../types.js';
import {
  DEFAULT_MAX_MEDIA_REQUEST_BYTES,
  validateMaxTokens,
  validateMessages,
  validateReasoning,
  validateModelId,
  validateRequestSize,
  validateTemperature,
} from './validate-request.js';
import { toolFields, wireMessages } from './tool-body.js';

export interface ChatBodyDefaults {
  model: string;
  temperature: number;
  maxTokens: number;
  maxRequestBytes: number;
  /** The ceiling when messages carry images, files or audio (DEFAULT_MAX_MEDIA_REQUEST_BYTES). */
  maxMediaRequestBytes?: number;
  /** How model ids are checked; OpenRouter's org/slug form by default. */
  checkModelId?: (model: string, what?: string) => void;
}

export function chatRequestBody(request: ChatRequest, defaults: ChatBodyDefaults): Record<string, unknown> {
  const model = request.model ?? defaults.model;
  const checkModelId = defaults.checkModelId ?? validateModelId;
  checkModelId(model);
  for (const fallback of request.models ?? []) checkModelId(fallback, 'fallback model');
  validateMessages(request.messages);
  const temperature = request.temperature ?? defaults.temperature;
  const maxTokens = request.maxTokens ?? defaults.maxTokens;
  validateTemperature(temperature);
  validateMaxTokens(maxTokens);
  validateReasoning(request.reasoning);

  const body: Record<string, unknown> = {
    ...request.extra,
    model,
    messages: wireMessages(request.messages),
    temperature,
    // Documented as deprecated in favour of max_completion_tokens, but every provider honours it.
    max_tokens: maxTokens,
    stream: request.stream ?? true,
  };
  // OpenRouter tries `models` in order after `model`; the primary must lead the list.
  if (request.models && request.models.length > 0) body.models = [model, ...request.models.filter((m) => m !== model)];
  if (request.provider) body.provider = request.provider;
  if (request.reasoning) body.reasoning = request.reasoning;
  if (request.plugins && request.plugins.length > 0) body.plugins = request.plugins;
  Object.assign(body, toolFields(request));
  validateRequestSize(body, {
    maxRequestBytes: defaults.maxRequestBytes,
    maxMediaRequestBytes: defaults.maxMediaRequestBytes ?? DEFAULT_MAX_MEDIA_REQUEST_BYTES,
  });
  return body;
}
