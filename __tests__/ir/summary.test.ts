// Compile work's pure core (src/ir/summary.ts): which groups are defined in your own crates, that
// the record keeps them beyond the biggest, and that a comparison names them first, however small.
import { ownCrateNames, type WorkArtifact } from '../../src/ir/index.js';
import {
  definedIn,
  emptyTally,
  groupChanges,
  OWN_GROUPS,
  rustName,
  tallyWork,
  TOP_GROUPS,
  addGroups,
  type CrateWork,
} from '../../src/ir/summary.js';

const mine = new Set(['engine', 'my_app']);

describe('definedIn: a group is yours when its path starts in one of your crates', () => {
  test.each([
    ['engine::tables::build', true],
    ['engine::tables::build::<T>', true],
    ['engine::tables::build::{{closure}}', true],
    ['my_app::main', true],
    // An impl is in the crate of its type or of its trait.
    ['<engine::Table<T> as core::fmt::Debug>::fmt', true],
    ['<alloc::vec::Vec<T> as engine::Encode>::encode', true],
    ['<&engine::Table<T> as core::fmt::Debug>::fmt', true],
    ['<[T] as engine::Encode>::encode', true],
    ['<dyn engine::Sink as core::fmt::Debug>::fmt', true],
    ['<engine::Table<T>>::new', true],
    ['engine::Table<T>::new', true],
    ['<<engine::Table<T> as engine::Rows>::Iter as core::iter::traits::iterator::Iterator>::next', true],
    ['engine[1a2b3c]::tables::build', true],
    // std's and the dependencies' code, even instantiated with your types.
    ['<core::slice::iter::Iter<T> as core::iter::traits::iterator::Iterator>::fold', false],
    ['core::iter::adapters::map::map_fold::{{closure}}', false],
    ['alloc::vec::Vec<T>::extend_trusted', false],
    ['<alloc::vec::Vec<T> as core::ops::drop::Drop>::drop', false],
    ['core::ptr::drop_in_place::<T>', false],
    ['<core::fn::Fn<T> as engine_x::Run>::run', false],
    ['engines::build', false],
    // Not a Rust path (a C function, an unparsed symbol), even if named like a crate.
    ['engine', false],
    ['_ZN6engine5buildE', false],
    ['', false],
  ])('%s: %s', (group, yours) => {
    expect(definedIn(group, mine)).toBe(yours);
  });

  test('no crates of yours: nothing is', () => {
    expect(definedIn('engine::build', new Set())).toBe(false);
  });

  test("a crate's Rust name has `_` for `-`; a library's name is among the names, not build scripts", () => {
    expect(rustName('my-app')).toBe('my_app');
    const artifact = (name: string, targetName: string, targetKinds: string[]): WorkArtifact => ({
      package: { name, version: '0.1.0' },
      targetName,
      targetKinds,
      filenames: [],
      executable: null,
      fresh: true,
      test: false,
    });
    const names = ownCrateNames(
      [
        artifact('my-app', 'my-app', ['bin']),
        artifact('my-app', 'build-script-build', ['custom-build']),
        artifact('engine-core', 'engine', ['lib']),
        artifact('serde', 'serde', ['lib']),
      ],
      new Set(['my-app', 'engine-core']),
    );
    expect([...names].sort()).toEqual(['engine', 'engine_core', 'my_app']);
  });
});

/** A tally of `n` std groups of 1000+ bytes each and some small groups of yours. */
function tally(std: number, ownSizes: number[]) {
  const t = emptyTally();
  addGroups(t, [
    ...Array.from({ length: std }, (_, i): [string, number, number] => [`core::f${i}`, 1, 1000 + i]),
    ...ownSizes.map((bytes, i): [string, number, number] => [`engine::small${i}::<T>`, 2, bytes]),
  ]);
  return t;
}

describe('the record keeps your groups beyond the biggest, up to a cap', () => {
  test('the 40 biggest, then yours, biggest first; and whether that is all of them', () => {
    const work = tallyWork(tally(50, [30, 10, 20]), TOP_GROUPS, mine);
    expect(work.groups.slice(0, TOP_GROUPS).every((g) => g.name.startsWith('core::'))).toBe(true);
    expect(work.groups.slice(TOP_GROUPS).map((g) => g.name)).toEqual([
      'engine::small0::<T>',
      'engine::small2::<T>',
      'engine::small1::<T>',
    ]);
    expect(work.ownGroupsComplete).toBe(true);
    expect(work.bytes).toBe(tally(50, [30, 10, 20]).bytes);
  });

  test('at most OWN_GROUPS more: the record stays bounded, and says some of yours were cut', () => {
    const work = tallyWork(
      tally(
        50,
        Array.from({ length: OWN_GROUPS + 5 }, (_, i) => 10 + i),
      ),
      TOP_GROUPS,
      mine,
    );
    expect(work.groups).toHaveLength(TOP_GROUPS + OWN_GROUPS);
    expect(work.ownGroupsComplete).toBe(false);
  });

  test('without your crates, as before: the biggest only, no mark', () => {
    const work = tallyWork(tally(50, [30]));
    expect(work.groups).toHaveLength(TOP_GROUPS);
    expect(work.groups.some((g) => g.name.startsWith('engine::'))).toBe(false);
    expect(work).not.toHaveProperty('ownGroupsComplete');
  });
});

describe('groupChanges: your groups first, however small, then the others that changed the most', () => {
  const work = (groups: Array<[string, number, number]>, over: Partial<CrateWork> = {}): CrateWork => ({
    bytes: groups.reduce((a, [, , b]) => a + b, 0),
    functions: groups.reduce((a, [, c]) => a + c, 0),
    groups: groups.map(([name, copies, bytes]) => ({ name, copies, bytes })),
    ...over,
  });

  test('a small change of yours comes before big ones in std', () => {
    const base = work([
      ['<core::slice::iter::Iter<T> as core::iter::traits::iterator::Iterator>::fold', 21, 8000],
      ['alloc::vec::Vec<T>::extend_trusted', 0, 0],
      ['engine::tables::build::<T>', 1, 300],
      ['engine::unchanged', 1, 50],
    ]);
    const head = work([
      ['<core::slice::iter::Iter<T> as core::iter::traits::iterator::Iterator>::fold', 117, 51824],
      ['alloc::vec::Vec<T>::extend_trusted', 96, 30912],
      ['engine::tables::build::<T>', 4, 1200],
      ['engine::unchanged', 1, 50],
    ]);
    const changes = groupChanges(base, head, mine);
    expect(changes.map((c) => [c.name, c.own])).toEqual([
      ['engine::tables::build::<T>', true],
      ['<core::slice::iter::Iter<T> as core::iter::traits::iterator::Iterator>::fold', false],
      ['alloc::vec::Vec<T>::extend_trusted', false],
    ]);
    expect(changes[0]).toEqual({
      name: 'engine::tables::build::<T>',
      baseCopies: 1,
      headCopies: 4,
      baseBytes: 300,
      headBytes: 1200,
      own: true,
    });
    // Without your crates: by size alone, as before.
    expect(groupChanges(base, head).map((c) => c.name)[0]).toMatch(/^<core::slice/);
  });

  test('all of yours up to the limit, then up to the limit of the others', () => {
    const names = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i}`);
    const base = work([...names('engine::f', 7), ...names('core::g', 7)].map((n) => [n, 1, 10]));
    const head = work([
      ...names('engine::f', 7).map((n, i): [string, number, number] => [n, 2, 20 + i]),
      ...names('core::g', 7).map((n, i): [string, number, number] => [n, 1, 1000 + i]),
    ]);
    const changes = groupChanges(base, head, mine, 5);
    expect(changes.map((c) => c.name)).toEqual([
      'engine::f6',
      'engine::f5',
      'engine::f4',
      'engine::f3',
      'engine::f2',
      'core::g6',
      'core::g5',
      'core::g4',
      'core::g3',
      'core::g2',
    ]);
  });

  test('one of yours kept beyond the biggest is compared only when the other side kept all of yours', () => {
    const big = Array.from({ length: TOP_GROUPS }, (_, i): [string, number, number] => [`core::f${i}`, 1, 1000]);
    // This run kept `engine::small` beyond its 40 biggest; a record from before kept only its 40 biggest.
    const head = work([...big, ['engine::small::<T>', 3, 90]], { ownGroupsComplete: true });
    const old = work(big);
    expect(groupChanges(old, head, mine)).toEqual([]);
    // A baseline that kept all of yours and has none of it: it is new.
    expect(groupChanges(work(big, { ownGroupsComplete: true }), head, mine)).toEqual([
      { name: 'engine::small::<T>', baseCopies: 0, headCopies: 3, baseBytes: 0, headBytes: 90, own: true },
    ]);
    // A crate with fewer groups than the list holds lists every one: its absence is real.
    expect(groupChanges(work([['core::f0', 1, 1000]]), head, mine).map((c) => c.name)).toContain('engine::small::<T>');
    // Kept on both sides: compared, whatever the marks.
    expect(groupChanges(work([...big, ['engine::small::<T>', 1, 30]]), head, mine)[0]).toMatchObject({
      name: 'engine::small::<T>',
      baseCopies: 1,
      headCopies: 3,
    });
  });
});
