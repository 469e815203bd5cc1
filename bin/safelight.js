#!/usr/bin/env node
// The engine is TypeScript run directly by Node 24's type stripping, so the command works
// right after `npm install` with no build step.
import '../src/cli.ts';
