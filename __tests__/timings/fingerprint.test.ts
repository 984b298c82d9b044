// Input fingerprints (src/timings/fingerprint.ts): a path crate is what rustc's dep-info says it
// reads, so a README edit is no change to a crate that does not include it; a root package does
// not own the files of the path crates inside it; a build script makes every file count.
import path from 'node:path';
import {
  closeOverLocalDeps,
  crateFingerprints,
  depInfoCandidates,
  parseDepInfo,
  type GitFiles,
} from '../../src/timings/fingerprint.js';
import { localDependencyGraph } from '../../src/workspace.js';
import { emptyMessages, type ArtifactMessage } from '../../src/timings/messages.js';

const root = path.resolve('/ws');
const at = (rel: string) => path.join(root, rel);

function artifact(name: string, dir: string, filenames: string[]): ArtifactMessage {
  return {
    packageId: `path+file://${dir}#${name}@0.1.0`,
    package: { name, version: '0.1.0', source: 'path' },
    targetName: name,
    targetKinds: ['lib'],
    filenames,
    executable: null,
    fresh: false,
    test: false,
    manifestDir: dir,
  };
}

const git = (blobs: Record<string, string>, dirty: string[] = []): GitFiles => ({
  blobs: new Map(Object.entries(blobs).map(([f, b]) => [at(f), b])),
  dirty: dirty.map(at),
});

/** A root package `app` (src/main.rs) with its path crate `gen` inside it. */
function rootPackage() {
  const m = emptyMessages();
  m.artifacts.push(artifact('gen', at('gen'), [at('target/debug/deps/libgen-1a2b.rlib')]));
  m.artifacts.push({ ...artifact('app', root, [at('target/debug/app')]), targetKinds: ['bin'] });
  return m;
}

const depInfo: Record<string, string[]> = {
  [at('target/debug/deps/libgen-1a2b.rlib')]: [at('gen/src/lib.rs')],
  [at('target/debug/app')]: [at('src/main.rs')],
};

const files = {
  'Cargo.toml': 'm1',
  'src/main.rs': 's1',
  'README.md': 'r1',
  'gen/Cargo.toml': 'g0',
  'gen/src/lib.rs': 'g1',
  'gen/README.md': 'gr',
};

test("a README edit changes no crate's fingerprint; a source edit changes only its crate", () => {
  const fp = (blobs: Record<string, string>) => crateFingerprints(rootPackage(), git(blobs), (f) => depInfo[f] ?? null);
  const before = fp(files);
  expect(before.get('app@0.1.0')).toMatch(/^[0-9a-f]{64}$/);
  expect(fp({ ...files, 'README.md': 'r2', 'gen/README.md': 'gr2' })).toEqual(before);
  const genEdit = fp({ ...files, 'gen/src/lib.rs': 'g2' });
  expect(genEdit.get('gen@0.1.0')).not.toBe(before.get('gen@0.1.0'));
  expect(genEdit.get('app@0.1.0')).toBe(before.get('app@0.1.0'));
  expect(fp({ ...files, 'Cargo.toml': 'm2' }).get('app@0.1.0')).not.toBe(before.get('app@0.1.0'));
});

test("without dep-info, a package counts every file of its directory but not a path crate's inside it", () => {
  const fp = (blobs: Record<string, string>) => crateFingerprints(rootPackage(), git(blobs));
  const before = fp(files);
  expect(fp({ ...files, 'README.md': 'r2' }).get('app@0.1.0')).not.toBe(before.get('app@0.1.0'));
  expect(fp({ ...files, 'gen/src/lib.rs': 'g2' }).get('app@0.1.0')).toBe(before.get('app@0.1.0'));
});

test('a build script may read any file of its package: every file counts; a modified one leaves no fingerprint', () => {
  const m = rootPackage();
  m.buildScripts.push({
    package: { name: 'gen', version: '0.1.0', source: 'path' },
    outDir: at('target/debug/build/gen-9f9f/out'),
  } as never);
  const fp = (blobs: Record<string, string>, dirty: string[] = []) =>
    crateFingerprints(m, git(blobs, dirty), (f) => depInfo[f] ?? null);
  expect(fp({ ...files, 'gen/README.md': 'gr2' }).get('gen@0.1.0')).not.toBe(fp(files).get('gen@0.1.0'));
  expect(fp(files, ['gen/src/lib.rs']).get('gen@0.1.0')).toBeNull();
  expect(fp(files, ['src/main.rs']).get('app@0.1.0')).toBeNull();
});

test("dep-info: where it is, and the files it lists (escaped spaces, the workspace root's relative paths)", () => {
  expect(depInfoCandidates(at('target/debug/deps/libgen-1a2b.rlib'))).toEqual([
    at('target/debug/deps/libgen-1a2b.d'),
    at('target/debug/deps/gen-1a2b.d'),
  ]);
  expect(depInfoCandidates(at('target/debug/app.exe'))).toEqual([at('target/debug/app.d')]);
  const text = `${at('target/debug/deps/app-1.d')}: src/main.rs src/my\\ file.rs ${at('other/x.rs')}\n\nsrc/main.rs:\n`;
  expect(parseDepInfo(text, root)).toEqual([at('src/main.rs'), at('src/my file.rs'), at('other/x.rs')]);
});

test('fingerprints closed over local dependencies: a change in a dependency changes its dependents, not the crates beside it', () => {
  const graph = new Map([
    ['app', ['gen', 'util']],
    ['gen', []],
    ['util', []],
    ['side', []],
  ]);
  const own = (gen: string) =>
    new Map<string, string | null>([
      ['app@0.1.0', 'a'],
      ['gen@0.1.0', gen],
      ['util@0.1.0', 'u'],
      ['side@0.1.0', 's'],
      ['serde@1.0.0', 'r'],
    ]);
  const before = closeOverLocalDeps(own('g1'), graph);
  const after = closeOverLocalDeps(own('g2'), graph);
  expect(after.get('app@0.1.0')).not.toBe(before.get('app@0.1.0'));
  expect(after.get('side@0.1.0')).toBe(before.get('side@0.1.0'));
  expect(after.get('util@0.1.0')).toBe('u');
  expect(after.get('serde@1.0.0')).toBe('r');
  // An unknown dependency makes its dependents unknown; one the build did not compile is left out.
  expect(closeOverLocalDeps(new Map([...own('g1'), ['gen@0.1.0', null]]), graph).get('app@0.1.0')).toBeNull();
  const withoutUtil = new Map(own('g1'));
  withoutUtil.delete('util@0.1.0');
  expect(closeOverLocalDeps(withoutUtil, graph).get('app@0.1.0')).toMatch(/^[0-9a-f]{64}$/);
});

test("the local dependency graph from cargo's resolve: path packages only, dev-dependencies left out", () => {
  const meta = {
    packages: [
      { id: 'app', name: 'app', source: null },
      { id: 'gen', name: 'gen', source: null },
      { id: 'tests', name: 'testkit', source: null },
      { id: 'serde', name: 'serde', source: 'registry+https://example.invalid/index' },
    ],
    resolve: {
      nodes: [
        {
          id: 'app',
          deps: [
            { pkg: 'gen', dep_kinds: [{ kind: null }] },
            { pkg: 'serde', dep_kinds: [{ kind: null }] },
            { pkg: 'tests', dep_kinds: [{ kind: 'dev' }] },
          ],
        },
        { id: 'gen', deps: [{ pkg: 'tests', dep_kinds: [{ kind: 'build' }] }] },
        { id: 'serde', deps: [] },
      ],
    },
  };
  expect(localDependencyGraph(meta)).toEqual(
    new Map([
      ['app', ['gen']],
      ['gen', ['testkit']],
    ]),
  );
  expect(localDependencyGraph({ packages: [], resolve: null })).toBeNull();
});
