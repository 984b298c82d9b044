// Which directories the cache may restore into and clean: the rules of ownership.ts on real
// directories (temp dirs, symlinks, CACHEDIR.TAG files), without cargo.
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  cargoOwnership,
  hasCargoTag,
  isInside,
  placementProblem,
  restoreOwnership,
  type ProtectedPlaces,
} from '../../src/cache/ownership.js';

// What cargo writes into every target and build directory it creates.
const CARGO_TAG =
  'Signature: 8a477f597d28d172789f06886806bc55\n# This file is a cache directory tag created by cargo.\n# For information about cache directory tags see https://bford.info/cachedir/\n';

/** A checkout with a cargo workspace in rust/, a home directory with CARGO_HOME in it, all under one temp dir. */
function layout() {
  const base = mkdtempSync(path.join(os.tmpdir(), 'wm-ownership-'));
  const checkout = path.join(base, 'checkout');
  const workspaceRoot = path.join(checkout, 'rust');
  const home = path.join(base, 'home');
  const cargoHome = path.join(home, '.cargo');
  for (const d of [workspaceRoot, cargoHome]) mkdirSync(d, { recursive: true });
  const places: ProtectedPlaces = { workspaceRoot, checkout, home, cargoHome };
  return { base, checkout, workspaceRoot, home, cargoHome, places };
}

/** A directory as cargo leaves it: tagged, with a profile dir. */
function cargoTargetDir(dir: string): string {
  mkdirSync(path.join(dir, 'debug', 'deps'), { recursive: true });
  writeFileSync(path.join(dir, 'CACHEDIR.TAG'), CARGO_TAG);
  return dir;
}

describe('placementProblem', () => {
  test('the filesystem root is never a target directory', () => {
    const { places } = layout();
    expect(placementProblem('/', places)).toBe('it is the filesystem root');
  });

  test('the workspace itself, and a directory that contains it', () => {
    const { base, workspaceRoot, places } = layout();
    expect(placementProblem(workspaceRoot, places)).toMatch(/^it is the cargo workspace \(/);
    // `target-dir = ".."` from rust/: the checkout, which holds the workspace.
    expect(placementProblem(path.join(workspaceRoot, '..'), places)).toMatch(/^it contains the cargo workspace \(/);
    expect(placementProblem(base, places)).toMatch(/^it contains the cargo workspace/);
  });

  test('the checkout, when the workspace is not at its root', () => {
    const { checkout, places } = layout();
    // The workspace check comes first: the checkout contains the workspace.
    expect(placementProblem(checkout, places)).toMatch(/cargo workspace/);
    // With the workspace elsewhere, the checkout is still protected by name.
    const elsewhere = mkdtempSync(path.join(os.tmpdir(), 'wm-ownership-ws-'));
    expect(placementProblem(checkout, { ...places, workspaceRoot: elsewhere })).toMatch(
      /^it is the repository checkout \(/,
    );
    expect(placementProblem(path.dirname(checkout), { ...places, workspaceRoot: elsewhere })).toMatch(
      /^it contains the repository checkout/,
    );
  });

  test('HOME and its ancestors', () => {
    const { home, places } = layout();
    const elsewhere = {
      ...places,
      workspaceRoot: mkdtempSync(path.join(os.tmpdir(), 'wm-ownership-ws-')),
      checkout: null,
    };
    expect(placementProblem(home, elsewhere)).toMatch(/^it is the home directory \(/);
    expect(placementProblem(path.dirname(home), elsewhere)).toMatch(/^it contains the home directory/);
  });

  test('CARGO_HOME, and any directory inside it', () => {
    const { cargoHome, places } = layout();
    const noHome = { ...places, home: null };
    expect(placementProblem(cargoHome, noHome)).toMatch(/^it is CARGO_HOME \(/);
    expect(placementProblem(path.join(cargoHome, 'registry'), noHome)).toMatch(/^it is inside CARGO_HOME/);
    expect(placementProblem(path.join(cargoHome, 'registry', 'src', 'not-yet-created'), noHome)).toMatch(
      /^it is inside CARGO_HOME/,
    );
  });

  test('a symlink is judged by where it points', () => {
    const { base, workspaceRoot, checkout, places } = layout();
    const link = path.join(base, 'link-to-workspace');
    symlinkSync(workspaceRoot, link);
    expect(placementProblem(link, places)).toMatch(/^it is the cargo workspace/);
    // `target -> ..` inside the workspace: the workspace's parent, the checkout.
    symlinkSync('..', path.join(workspaceRoot, 'target'));
    expect(placementProblem(path.join(workspaceRoot, 'target'), places)).toMatch(/^it contains the cargo workspace/);
    // A directory that does not exist yet below a symlinked parent resolves through it.
    const checkoutLink = path.join(base, 'link-to-checkout');
    symlinkSync(checkout, checkoutLink);
    expect(placementProblem(path.join(checkoutLink, 'rust', 'target-new'), places)).toBeNull();
    expect(placementProblem(path.join(checkoutLink, 'rust'), places)).toMatch(/^it is the cargo workspace/);
  });

  test('the ordinary places are fine: target/ in the workspace, a directory of its own elsewhere', () => {
    const { base, workspaceRoot, places } = layout();
    expect(placementProblem(path.join(workspaceRoot, 'target'), places)).toBeNull();
    expect(placementProblem(path.join(base, 'shared-target'), places)).toBeNull();
    expect(placementProblem(path.join(base, 'does', 'not', 'exist', 'yet'), places)).toBeNull();
  });

  test('unknown places (no checkout, no home) are skipped, the rest still apply', () => {
    const { workspaceRoot, cargoHome } = layout();
    const places: ProtectedPlaces = { workspaceRoot, checkout: null, home: null, cargoHome };
    expect(placementProblem(workspaceRoot, places)).toMatch(/cargo workspace/);
    expect(placementProblem(path.join(workspaceRoot, 'target'), places)).toBeNull();
  });
});

describe('cargoOwnership (may the cleaner delete inside?)', () => {
  test('a proper cargo target directory is owned', () => {
    const { workspaceRoot, places } = layout();
    const target = cargoTargetDir(path.join(workspaceRoot, 'target'));
    expect(hasCargoTag(target)).toBe(true);
    expect(cargoOwnership(target, places)).toEqual({ owned: true });
  });

  test('a shared target directory outside the workspace is owned when cargo tagged it', () => {
    const { base, places } = layout();
    expect(cargoOwnership(cargoTargetDir(path.join(base, 'shared-target')), places)).toEqual({ owned: true });
  });

  test("without CACHEDIR.TAG it is not cargo's", () => {
    const { workspaceRoot, places } = layout();
    const dir = path.join(workspaceRoot, 'target');
    mkdirSync(path.join(dir, 'debug', 'deps'), { recursive: true });
    const result = cargoOwnership(dir, places);
    expect(result.owned).toBe(false);
    expect(result.owned ? '' : result.reason).toMatch(/no CACHEDIR\.TAG with cargo's signature/);
  });

  test('a CACHEDIR.TAG without the standard signature does not count', () => {
    const { workspaceRoot, places } = layout();
    const dir = path.join(workspaceRoot, 'target');
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'CACHEDIR.TAG'), '# made by hand\nSignature: 0000\n');
    expect(hasCargoTag(dir)).toBe(false);
    expect(cargoOwnership(dir, places).owned).toBe(false);
    // The signature must open the file.
    writeFileSync(path.join(dir, 'CACHEDIR.TAG'), `# note\n${CARGO_TAG}`);
    expect(cargoOwnership(dir, places).owned).toBe(false);
  });

  test('a missing directory is not owned', () => {
    const { workspaceRoot, places } = layout();
    expect(cargoOwnership(path.join(workspaceRoot, 'target'), places)).toEqual({
      owned: false,
      reason: 'it does not exist',
    });
  });

  test('a tag does not make a protected place owned', () => {
    const { home, cargoHome, workspaceRoot, checkout, places } = layout();
    for (const dir of [workspaceRoot, checkout, home, cargoHome, path.join(cargoHome, 'registry')]) {
      cargoTargetDir(dir);
      const result = cargoOwnership(dir, places);
      expect(result.owned).toBe(false);
      expect(result.owned ? '' : result.reason).toMatch(/^it (is|contains)/);
    }
    expect(cargoOwnership('/', places)).toEqual({ owned: false, reason: 'it is the filesystem root' });
  });

  test('a tagged symlink to the workspace is still the workspace', () => {
    const { base, workspaceRoot, places } = layout();
    writeFileSync(path.join(workspaceRoot, 'CACHEDIR.TAG'), CARGO_TAG);
    const link = path.join(base, 'target-link');
    symlinkSync(workspaceRoot, link);
    const result = cargoOwnership(link, places);
    expect(result.owned).toBe(false);
    expect(result.owned ? '' : result.reason).toMatch(/cargo workspace/);
  });
});

describe('restoreOwnership (may a restore extract into it?)', () => {
  test('a directory that does not exist yet, or is empty, may be restored into', () => {
    const { workspaceRoot, places } = layout();
    const target = path.join(workspaceRoot, 'target');
    expect(restoreOwnership(target, places)).toEqual({ owned: true });
    mkdirSync(target);
    expect(restoreOwnership(target, places)).toEqual({ owned: true });
  });

  test("an existing directory with files must be cargo's", () => {
    const { workspaceRoot, places } = layout();
    const target = path.join(workspaceRoot, 'target');
    mkdirSync(target);
    writeFileSync(path.join(target, 'notes.txt'), 'mine\n');
    const result = restoreOwnership(target, places);
    expect(result.owned).toBe(false);
    expect(result.owned ? '' : result.reason).toMatch(/already holds files and has no CACHEDIR\.TAG/);
    writeFileSync(path.join(target, 'CACHEDIR.TAG'), CARGO_TAG);
    expect(restoreOwnership(target, places)).toEqual({ owned: true });
  });

  test('protected places are refused even when empty or missing', () => {
    const { base, workspaceRoot, home, cargoHome, places } = layout();
    expect(restoreOwnership('/', places).owned).toBe(false);
    expect(restoreOwnership(workspaceRoot, places).owned).toBe(false);
    expect(restoreOwnership(path.dirname(workspaceRoot), places).owned).toBe(false);
    expect(restoreOwnership(home, places).owned).toBe(false);
    expect(restoreOwnership(cargoHome, places).owned).toBe(false);
    expect(restoreOwnership(path.join(cargoHome, 'not-created'), places).owned).toBe(false);
    const link = path.join(base, 'link');
    symlinkSync(workspaceRoot, link);
    expect(restoreOwnership(link, places).owned).toBe(false);
  });
});

describe('isInside', () => {
  test('only strictly inside counts, through symlinks', () => {
    const { base, workspaceRoot } = layout();
    expect(isInside(path.join(workspaceRoot, 'target'), workspaceRoot)).toBe(true);
    expect(isInside(workspaceRoot, workspaceRoot)).toBe(false);
    expect(isInside(path.join(base, 'shared-target'), workspaceRoot)).toBe(false);
    expect(isInside(path.join(workspaceRoot, '..', 'rust-other'), workspaceRoot)).toBe(false);
    const link = path.join(base, 'ws-link');
    symlinkSync(workspaceRoot, link);
    expect(isInside(path.join(link, 'target'), workspaceRoot)).toBe(true);
  });
});
