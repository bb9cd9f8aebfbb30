#!/usr/bin/env node
// Thin entry: everything, including the one error handler, lives in the built main.
import { main } from '../dist/cli/main.js';

await main(process.argv);
