#!/usr/bin/env node
// The CLI runs the TypeScript sources directly through tsx, so the CLI, the studio and the
// tests always run the very same core with no build step in between.
import { register } from 'tsx/esm/api';
import { fileURLToPath } from 'node:url';

register();
const { main } = await import(fileURLToPath(new URL('../src/cli/main.ts', import.meta.url)));
// Exit explicitly: a Dawn device keeps the event loop alive after the work is done.
process.exit(await main(process.argv.slice(2)));
