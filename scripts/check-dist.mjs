// Fails when dist/ differs from a fresh bundle of src/: users run dist/, so it must be current.
import { bundle } from './bundle.mjs';
import { mkdtempSync, readdirSync, readFileSync, statSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const fresh = mkdtempSync(path.join(tmpdir(), 'watchmaker-dist-'));

function listFiles(dir, prefix = '') {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? listFiles(full, path.join(prefix, name)) : [path.join(prefix, name)];
  });
}

try {
  await bundle(fresh);
  const committed = path.join(root, 'dist');
  const want = listFiles(fresh).sort();
  let have = [];
  try {
    have = listFiles(committed).sort();
  } catch {
    /* no dist yet: reported below */
  }
  const problems = [];
  for (const f of want) {
    if (!have.includes(f)) problems.push(`missing dist/${f}`);
    else if (!readFileSync(path.join(fresh, f)).equals(readFileSync(path.join(committed, f))))
      problems.push(`stale dist/${f}`);
  }
  for (const f of have) if (!want.includes(f)) problems.push(`extra dist/${f}`);
  if (problems.length) {
    console.error(
      `dist/ does not match a fresh bundle of src/:\n  ${problems.join('\n  ')}\nRun \`npm run build\` and commit dist/.`,
    );
    process.exit(1);
  }
  console.log(`dist/ matches a fresh bundle (${want.length} files).`);
} finally {
  rmSync(fresh, { recursive: true, force: true });
}
