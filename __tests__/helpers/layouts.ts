// The toolchains and build-dir layouts the suite builds with: this machine's stable cargo in its
// default (old) layout, the same cargo in the new layout (RUSTC_BOOTSTRAP=1 with
// -Zbuild-dir-new-layout through CARGO_UNSTABLE_BUILD_DIR_NEW_LAYOUT, which is what cargo 1.100
// does by default), and a nightly toolchain when one is installed.
import { spawnSync } from 'node:child_process';

export interface LayoutCase {
  name: string;
  layout: 'old' | 'new';
  /** Environment for cargo (and so for the action's steps). */
  env: Record<string, string>;
}

const nightly = spawnSync('rustup', ['run', 'nightly', 'cargo', '-V']).status === 0;

export const LAYOUTS: LayoutCase[] = [
  { name: 'stable, old layout', layout: 'old', env: {} },
  {
    name: 'stable, new layout',
    layout: 'new',
    env: { RUSTC_BOOTSTRAP: '1', CARGO_UNSTABLE_BUILD_DIR_NEW_LAYOUT: 'true' },
  },
  ...(nightly
    ? [
        {
          name: 'nightly, new layout',
          layout: 'new' as const,
          env: { RUSTUP_TOOLCHAIN: 'nightly', CARGO_UNSTABLE_BUILD_DIR_NEW_LAYOUT: 'true' },
        },
      ]
    : []),
];
