#!/usr/bin/env node
// Runs a TypeScript entry point without a build step: `node tools/run-ts.js tools/eval/classification.ts [args]`.
// Transpiles each .ts file with swc on require (no type checking; `tsc --noEmit` covers that) and maps the
// workspace aliases `@helpdesk/<lib>` to `libs/<lib>/src/index.ts`, the same mapping jest and tsconfig use.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const Module = require('node:module');
const { transformSync } = require('@swc/core');

const root = path.resolve(__dirname, '..');
const swcOptions = {
  swcrc: false,
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
    target: 'es2022',
    keepClassNames: true,
  },
  module: { type: 'commonjs' },
  sourceMaps: 'inline',
};

const originalResolve = Module._resolveFilename;
Module._resolveFilename = function resolveWorkspaceAlias(request, parent, isMain, options) {
  const alias = /^@helpdesk\/([a-z-]+)$/.exec(request);
  if (alias) return path.join(root, 'libs', alias[1], 'src', 'index.ts');
  return originalResolve.call(this, request, parent, isMain, options);
};

require.extensions['.ts'] = function compileTypeScript(module, filename) {
  const source = fs.readFileSync(filename, 'utf8');
  const { code } = transformSync(source, { ...swcOptions, filename });
  module._compile(code, filename);
};

const [entry, ...rest] = process.argv.slice(2);
if (!entry) {
  process.stderr.write('usage: node tools/run-ts.js <file.ts> [args...]\n');
  process.exit(2);
}
const entryPath = path.resolve(entry);
process.argv = [process.argv[0], entryPath, ...rest];
// Loaded as the main module so `require.main === module` holds in the entry script.
Module._load(entryPath, null, true);
