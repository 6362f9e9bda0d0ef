// Compiles every project's TypeScript to CommonJS beside it (libs/x/dist, services/x/dist) with swc.
// Type checking is separate (`npm run typecheck`); this only has to be fast.
import { mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const swc = require('@swc/core');
const root = join(dirname(fileURLToPath(import.meta.url)), '..');

const options = {
  swcrc: false,
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
    target: 'es2022',
    keepClassNames: true,
  },
  module: { type: 'commonjs' },
  sourceMaps: true,
};

async function* walk(dir) {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) yield* walk(p);
    else if (e.name.endsWith('.ts') && !e.name.endsWith('.spec.ts') && !e.name.endsWith('.int-spec.ts') && !e.name.endsWith('.d.ts')) yield p;
  }
}

async function compileTree(srcDir, outDir) {
  const jobs = [];
  for await (const file of walk(srcDir)) {
    const rel = relative(srcDir, file).replace(/\.ts$/, '.js');
    const out = join(outDir, rel);
    jobs.push(
      swc.transformFile(file, { ...options, filename: file, sourceFileName: relative(dirname(out), file) }).then(async (r) => {
        await mkdir(dirname(out), { recursive: true });
        await writeFile(out, `${r.code}\n//# sourceMappingURL=${rel.split('/').pop()}.map\n`);
        if (r.map) await writeFile(`${out}.map`, r.map);
      }),
    );
  }
  await Promise.all(jobs);
  return jobs.length;
}

const only = process.argv.slice(2);
const started = Date.now();
let files = 0;
for (const kind of ['libs', 'services']) {
  for (const name of await readdir(join(root, kind))) {
    if (only.length > 0 && !only.includes(name)) continue;
    const base = join(root, kind, name);
    // Compiled aside and swapped in whole: a service starting (or another build) meanwhile never
    // sees a half-written dist.
    const staging = join(base, `.dist-${process.pid}`);
    await rm(staging, { recursive: true, force: true });
    if (kind === 'libs') {
      files += await compileTree(join(base, 'src'), staging);
    } else {
      files += await compileTree(join(base, 'src'), join(staging, 'src'));
      files += await compileTree(join(base, 'migrations'), join(staging, 'migrations'));
    }
    await rm(join(base, 'dist'), { recursive: true, force: true });
    await rename(staging, join(base, 'dist'));
  }
}
console.error(`[build] compiled ${files} files in ${Date.now() - started} ms`);
