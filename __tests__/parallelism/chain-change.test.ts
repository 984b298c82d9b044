// Whether the bounding chain changed materially against the baseline (the pull-request comment
// shows the parallelism section only then), with controlled records.
import { criticalPathChange, type ChainSide } from '../../src/parallelism/index.js';

const units = (...names: string[]) => names.map((crate) => ({ crate, kind: 'lib', target: crate }));
const side = (chain: Array<[string, number]>, compiled = units('syn', 'serde_derive', 'app')): ChainSide => ({
  units: compiled,
  parallelism: {
    jobs: 2,
    modelError: 0.02,
    predicted: null,
    criticalPath: chain.map(([unit, seconds]) => ({ unit, seconds, share: 0 })),
    serialSeconds: 0,
  },
});

/** The baseline's chain: syn → serde_derive → app, 8 s. */
const baseChain = () =>
  side([
    ['syn', 4],
    ['serde_derive', 3],
    ['app', 1],
  ]);

test('the same chain, a little longer: no material change', () => {
  const base = baseChain();
  expect(
    criticalPathChange(
      side([
        ['syn', 4.5],
        ['serde_derive', 3],
        ['app', 1.2],
      ]),
      base,
    ),
  ).toBeNull();
});

test('other units on the chain, or the same chain 20% and 1 s longer: named, before and now', () => {
  const base = baseChain();
  expect(
    criticalPathChange(
      side([
        ['syn', 4],
        ['app', 6],
      ]),
      base,
    ),
  ).toBe(
    'The chain that bounds the build changed: syn → serde_derive → app (8.0 s) in the baseline, syn → app (10.0 s) now.',
  );
  expect(
    criticalPathChange(
      side([
        ['syn', 4],
        ['serde_derive', 5],
        ['app', 1],
      ]),
      base,
    ),
  ).toMatch(/\(10\.0 s\) now\.$/);
});

test('builds that compiled different units (a warm build against a cold one): not compared', () => {
  const base = baseChain();
  expect(criticalPathChange(side([['app', 1]], units('app')), base)).toBeNull();
  expect(criticalPathChange({ units: units('app'), parallelism: null }, base)).toBeNull();
});
