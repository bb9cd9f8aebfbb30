// Every command of the CLI, in the order --help lists them (the full bundle's, main.ts).
import type { CommandEntry } from '../program.js';
import { authCommand } from './auth.js';
import { batchCommand } from './batch.js';
import { cacheCommand } from './cache.js';
import { chatCommand } from './chat.js';
import { completionCommand, modelIdsCommand } from './completion.js';
import { configCommand } from './config.js';
import { embedCommand } from './embed.js';
import { mcpCommand } from './mcp.js';
import { modelsCommand } from './models.js';
import { statusCommand } from './status.js';
import { templateNamesCommand, templatesCommand } from './templates.js';
import { usageCommand } from './usage.js';

export const ALL_COMMANDS: readonly CommandEntry[] = [
  { create: chatCommand },
  { create: embedCommand },
  { create: batchCommand },
  { create: modelsCommand },
  { create: statusCommand },
  { create: usageCommand },
  { create: configCommand },
  { create: templatesCommand },
  { create: authCommand },
  { create: mcpCommand },
  { create: cacheCommand },
  { create: completionCommand },
  { create: modelIdsCommand, hidden: true },
  { create: templateNamesCommand, hidden: true },
];
