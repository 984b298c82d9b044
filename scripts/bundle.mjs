// Bundles the action's entry points into dist/ (committed: GitHub runs dist/, not src/).
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const distDir = process.env.WATCHMAKER_DIST_DIR ?? path.join(root, 'dist');

export async function bundle(outdir = distDir) {
  rmSync(outdir, { recursive: true, force: true });
  mkdirSync(outdir, { recursive: true });
  await build({
    absWorkingDir: root,
    entryPoints: { main: 'src/main.ts', post: 'src/post.ts' },
    outdir,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    outExtension: { '.js': '.js' },
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
    legalComments: 'none',
    logLevel: 'warning',
    // Some bundled CommonJS dependencies call require(); give the ESM bundle one.
    banner: {
      js: "import { createRequire as __wmCreateRequire } from 'node:module'; const require = __wmCreateRequire(import.meta.url);",
    },
  });
  // The rustc wrapper runs in cargo's process tree, not in Node: its Rust source ships beside
  // the bundle and the runner's rustc builds it once per job (src/timings/wrapper.ts).
  copyFileSync(path.join(root, 'tools/rustc-wrapper/main.rs'), path.join(outdir, 'rustc-wrapper.rs'));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  await bundle(process.argv[2] ? path.resolve(process.argv[2]) : distDir);
}
