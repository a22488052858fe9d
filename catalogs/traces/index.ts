/** Pure trace parsers (text or one line in, typed records out; no file access): see README.md in this folder. */
export * from './trace-lines.js';
export * from './conserve-csv.js';
export * from './mooncake-jsonl.js';
export * from './mooncake-conversations.js';
export * from './azure-csv.js';
export * from './fleetplan-jsonl.js';
