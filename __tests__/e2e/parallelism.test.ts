// End to end: the parallelism prediction of a real build whose shape is known. Four path crates
// in a chain (each depends on the one before, and each is slow to compile), and six small leaf
// crates the top one also depends on: whatever the machine, the chain bounds the build. Only
// relations are asserted, never a measured time.
import { readFileSync } from 'node:fs';
import type { RunRecord } from '../../src/record.js';
import { parseTimingsHtml } from '../../src/timings/html.js';
import { Job } from '../helpers/action-runner.js';
import { writeTree } from '../helpers/fixtures.js';

const LEAVES = ['leaf-1', 'leaf-2', 'leaf-3', 'leaf-4', 'leaf-5', 'leaf-6'];
const CHAIN = ['chain-1', 'chain-2', 'chain-3', 'chain-4'];

const manifest = (name: string, deps: string[]) =>
  `[package]\nname = "${name}"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\n${deps.map((d) => `${d} = { path = "../${d}" }`).join('\n')}\n`;

/** Enough distinct functions that rustc takes a while on them (debug builds still type-check and codegen each). */
function slowFunctions(count: number): string {
  return Array.from(
    { length: count },
    (_, i) =>
      `pub fn f${i}(x: u64) -> u64 {\n    let mut a = x ^ ${i};\n    for k in 0..${(i % 7) + 3} {\n        a = a.wrapping_mul(6364136223846793005).wrapping_add(k) ^ (a >> ${(i % 13) + 1});\n    }\n    a\n}\n`,
  ).join('');
}

/** chain-1 ← chain-2 ← chain-3 ← chain-4 (a binary), which also uses leaf-1 … leaf-6. */
function chainWorkspace(): string {
  const files: Record<string, string> = {
    'Cargo.toml': `[workspace]\nmembers = [${[...CHAIN, ...LEAVES].map((c) => `"${c}"`).join(', ')}]\nresolver = "2"\n`,
  };
  for (const leaf of LEAVES) {
    files[`${leaf}/Cargo.toml`] = manifest(leaf, []);
    files[`${leaf}/src/lib.rs`] = 'pub fn value() -> u64 {\n    7\n}\n';
  }
  CHAIN.forEach((crate, i) => {
    const previous = i > 0 ? CHAIN[i - 1]! : null;
    const deps = [...(previous ? [previous] : []), ...(i === CHAIN.length - 1 ? LEAVES : [])];
    files[`${crate}/Cargo.toml`] = manifest(crate, deps);
    const base = previous ? `${previous.replace('-', '_')}::base(x) + f0(x)` : 'f0(x)';
    const body = `pub fn base(x: u64) -> u64 {\n    ${base}\n}\n${slowFunctions(SLOW_FUNCTIONS)}`;
    if (i < CHAIN.length - 1) files[`${crate}/src/lib.rs`] = body;
    else
      files[`${crate}/src/main.rs`] =
        `${body}\nfn main() {\n    println!("{}", base(1)${LEAVES.map((l) => ` + ${l.replace('-', '_')}::value()`).join('')});\n}\n`;
  });
  return writeTree(files, 'wm-e2e-parallel-');
}

/** Functions per chain crate: a second or so each on a CI runner, far more than a leaf. */
const SLOW_FUNCTIONS = 1500;

describe('the parallelism of a chain with wide leaves', () => {
  let record: RunRecord;
  let output: string | undefined;
  let summary = '';
  let timingsHtml = '';

  beforeAll(async () => {
    const job = new Job({ workspace: chainWorkspace(), inputs: { cache: 'false' } });
    const main = await job.main();
    expect(main.exitCode).toBe(0);
    record = JSON.parse(readFileSync(main.outputs.report!, 'utf8')) as RunRecord;
    output = main.outputs.parallelism;
    summary = job.summary;
    timingsHtml = main.outputs['timings-html']!;
  });

  test('the critical path is the chain, in order, and nothing else', () => {
    const p = record.parallelism!;
    expect(p.jobs).toBeGreaterThanOrEqual(1);
    expect(p.criticalPath.map((c) => c.unit)).toEqual(['chain-1', 'chain-2', 'chain-3', 'chain-4 (bin)']);
    // Shares of one wall time: each link some of it, all of them together at most the whole.
    for (const c of p.criticalPath) expect(c.share).toBeGreaterThan(0);
    expect(p.criticalPath.reduce((a, c) => a + c.share, 0)).toBeLessThanOrEqual(1.005);
  });

  test('predictions pass their own check and never rise with more jobs, or are withheld with the error kept', () => {
    const p = record.parallelism!;
    if (p.modelError <= 0.15) {
      const predicted = p.predicted!;
      const values = (['1', '2', '4', '8', '16'] as const).map((k) => predicted[k]);
      values.slice(1).forEach((v, i) => expect(v).toBeLessThanOrEqual(values[i]!));
      // One job runs every unit one after another: at least the chain's units, whole.
      const units = parseTimingsHtml(readFileSync(timingsHtml, 'utf8')).units;
      const chain = units.filter((u) => u.ran && CHAIN.includes(u.name) && (u.kind === 'lib' || u.kind === 'bin'));
      expect(chain).toHaveLength(4);
      expect(predicted['1']).toBeGreaterThanOrEqual(chain.reduce((a, u) => a + u.duration, 0) - 0.01);
      expect(Object.keys(JSON.parse(output!) as object)).toEqual(['1', '2', '4', '8', '16']);
      expect(summary).toContain("Parallelism (predicted from this build's own units):");
    } else {
      expect(p.predicted).toBeNull();
      expect(output ?? '').toBe('');
      expect(summary).toMatch(/the model missed this build by \d+(\.\d)?%, so no prediction/);
    }
  });
});
