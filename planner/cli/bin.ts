#!/usr/bin/env node
/** The CLI's entry: runs the process shell under the node flags it needs (relaunch.ts says why). */
import { fileURLToPath } from 'node:url';
import { missingNodeFlags, relaunchWithFlags } from './relaunch.js';

const missing = missingNodeFlags(process.execArgv);
if (missing.length > 0) relaunchWithFlags(fileURLToPath(import.meta.url), missing);
else await import('./process-shell.js');
