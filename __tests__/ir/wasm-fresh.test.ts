// src/ir/ir-wasm.ts is generated from tools/ir-wasm/*.rs by scripts/build-ir-wasm.mjs, which
// writes a hash of those sources into its header. A change to the Rust reader without a rebuild
// would ship the old reader: this recomputes the hash and fails until the file is rebuilt.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

test('src/ir/ir-wasm.ts was built from the Rust sources in tools/ir-wasm as they are now', () => {
  const sources = path.join(root, 'tools', 'ir-wasm');
  // sha256 over the .rs files in name order, each as its name, NUL, its text, NUL (the header says so).
  const hash = createHash('sha256');
  for (const name of readdirSync(sources)
    .filter((f) => f.endsWith('.rs'))
    .sort())
    hash.update(`${name}\0${readFileSync(path.join(sources, name), 'utf8')}\0`);
  const header = readFileSync(path.join(root, 'src', 'ir', 'ir-wasm.ts'), 'utf8')
    .split('\n')
    .slice(0, 5)
    .join('\n');
  const recorded = /Sources: sha256 ([0-9a-f]{64}) \(tools\/ir-wasm\/\*\.rs\)/.exec(header)?.[1];
  expect({ recorded, now: hash.digest('hex') }).toEqual({ recorded: expect.any(String), now: recorded });
});
