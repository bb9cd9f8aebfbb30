/**
 * devsynth-or as a library: `import { OpenRouterProvider, createProvider, OpenRouterError } from 'devsynth-or'`.
 */
export * from './core/index.js';
