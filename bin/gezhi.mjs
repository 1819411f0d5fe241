#!/usr/bin/env node
// The `gezhi` command: runs src/cli.ts through tsx, so no build step is needed.
import process from 'node:process';
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli.ts');
process.exitCode = await main(process.argv);
