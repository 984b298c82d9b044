// The repository's workflows, Dependabot config and release notes, held to what zizmor checks
// (zizmor itself is not installable here): a top-level `permissions`, write permissions only
// where a job uses them (listed below), remote actions pinned by full commit SHA with a version
// comment, checkouts that keep no credentials, and no `${{ }}` expressions inside `run:` scripts
// (untrusted text would become shell code; pass it through `env:`). Each rule is also run on a
// broken workflow, to show it catches what it should.
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { isScalar, parse, parseDocument } from 'yaml';
import { changelogSection, parseTag, releaseNotes } from '../scripts/release-notes.mjs';
import { repoRoot } from './helpers/action-runner.js';

/** The write permissions each job may have, and why it uses them. A job not listed may write nothing. */
const ALLOWED_WRITES: Record<string, Record<string, string[]>> = {
  // The action deletes cache entries its save superseded, and posts its sticky comment.
  'ci.yml': { 'self-test': ['actions', 'pull-requests'] },
  // Creates the GitHub release and moves the major tag.
  'release.yml': { release: ['contents'] },
};

/**
 * Findings in workflows that are not this file's owner's to edit, each removed from here once it
 * is fixed (the test then fails until it is, so the list cannot go stale).
 */
const KNOWN_FINDINGS: Record<string, string[]> = {};

type Permissions = string | Record<string, string> | undefined;
interface Step {
  uses?: string;
  run?: unknown;
  with?: Record<string, unknown>;
}
interface Job {
  permissions?: Permissions;
  steps?: Step[];
  uses?: string;
}
interface Workflow {
  permissions?: Permissions;
  jobs: Record<string, Job>;
}

const SHA_PIN = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_./-]+@[0-9a-f]{40}$/;
const VERSION_COMMENT = /#\s*v\d+(\.\d+){0,2}\s*$/;

/** The text of the line that holds the `uses:` value at `at` (where its version comment is). */
function lineOf(text: string, offset: number): string {
  const start = text.lastIndexOf('\n', offset) + 1;
  const end = text.indexOf('\n', offset);
  return text.slice(start, end === -1 ? undefined : end);
}

function permissionFindings(file: string, workflow: Workflow): string[] {
  const out: string[] = [];
  const top = workflow.permissions;
  if (top === undefined)
    out.push('no top-level permissions: add `permissions: {}` (or `contents: read`) and widen per job');
  else if (typeof top === 'string') out.push(`top-level permissions: ${top}: list each permission instead`);
  else
    for (const [scope, level] of Object.entries(top))
      if (level === 'write') out.push(`top-level permissions: ${scope}: write: grant it to the job that uses it`);
  for (const [name, job] of Object.entries(workflow.jobs)) {
    const granted = job.permissions ?? top;
    if (typeof granted === 'string') {
      out.push(`job ${name}: permissions: ${granted}: list each permission instead`);
      continue;
    }
    const writes = Object.entries(granted ?? {})
      .filter(([, level]) => level === 'write')
      .map(([scope]) => scope);
    const allowed = ALLOWED_WRITES[file]?.[name] ?? [];
    for (const scope of writes)
      if (!allowed.includes(scope))
        out.push(`job ${name}: ${scope}: write is not used by the job (or add it to ALLOWED_WRITES with why)`);
    for (const scope of allowed)
      if (!writes.includes(scope))
        out.push(`job ${name}: ${scope}: write is listed in ALLOWED_WRITES but not granted: drop it from the list`);
  }
  return out;
}

function stepFindings(text: string, workflow: Workflow): string[] {
  const doc = parseDocument(text);
  const out: string[] = [];
  const checkUses = (where: string, uses: string, keyPath: (string | number)[]) => {
    if (uses.startsWith('./') || uses.startsWith('docker://')) return;
    if (!SHA_PIN.test(uses))
      out.push(
        `${where}: pin ${uses} by its full commit SHA, with the version in a comment (uses: owner/repo@<sha> # vX.Y.Z)`,
      );
    const node = doc.getIn(keyPath, true);
    if (isScalar(node) && node.range && !VERSION_COMMENT.test(lineOf(text, node.range[0])))
      out.push(`${where}: say which version ${uses} is in a comment (# vX.Y.Z)`);
  };
  for (const [name, job] of Object.entries(workflow.jobs)) {
    if (job.uses) checkUses(`job ${name}`, job.uses, ['jobs', name, 'uses']);
    (job.steps ?? []).forEach((step, i) => {
      const where = `job ${name}, step ${i + 1}${step.uses ? ` (${step.uses.split('@')[0]})` : ''}`;
      if (step.uses) checkUses(where, step.uses, ['jobs', name, 'steps', i, 'uses']);
      const persist = step.with?.['persist-credentials'];
      if (step.uses?.startsWith('actions/checkout@') && persist !== false && persist !== 'false')
        out.push(`${where}: set persist-credentials: false (the job does not push)`);
      if (String(step.run ?? '').includes('${{'))
        out.push(`${where}: a \${{ }} expression inside run: (pass it through env: and use "$NAME")`);
    });
  }
  return out;
}

function findings(file: string, text: string): string[] {
  const workflow = parse(text) as Workflow;
  return [...permissionFindings(file, workflow), ...stepFindings(text, workflow)];
}

const workflowsDir = path.join(repoRoot, '.github/workflows');
const workflowFiles = readdirSync(workflowsDir)
  .filter((f) => /\.ya?ml$/.test(f))
  .sort();
const read = (rel: string) => readFileSync(path.join(repoRoot, rel), 'utf8');

describe("this repository's workflows", () => {
  test('there are the CI, self-test and release workflows', () => {
    expect(workflowFiles).toEqual(expect.arrayContaining(['ci.yml', 'release.yml', 'self-test.yml']));
  });

  test.each(workflowFiles)(
    '%s: least permissions, pinned actions, checkouts without credentials, no expressions in scripts',
    (file) => {
      expect(findings(file, read(`.github/workflows/${file}`))).toEqual(KNOWN_FINDINGS[file] ?? []);
    },
  );

  test('every remote action is pinned to the same commit everywhere', () => {
    const pins = new Map<string, Set<string>>();
    for (const file of workflowFiles) {
      for (const m of read(`.github/workflows/${file}`).matchAll(/uses:\s*([^\s@#]+)@(\S+)/g)) {
        if (!pins.has(m[1])) pins.set(m[1], new Set());
        pins.get(m[1])!.add(m[2]);
      }
    }
    for (const [action, refs] of pins) expect({ action, refs: [...refs] }).toEqual({ action, refs: [[...refs][0]] });
  });

  test('the rules catch a broken workflow', () => {
    const broken = [
      'on: push',
      'permissions:',
      '  contents: write',
      'jobs:',
      '  build:',
      '    runs-on: ubuntu-latest',
      '    steps:',
      '      - uses: actions/checkout@v4',
      '      - uses: actions/setup-node@49933ea5288caeca8642d1e84afbd3f7d6820020',
      '      - run: echo "${{ github.event.pull_request.title }}"',
      '  other:',
      '    runs-on: ubuntu-latest',
      '    permissions: write-all',
      '    steps:',
      '      - run: true',
      '',
    ].join('\n');
    expect(findings('broken.yml', broken)).toEqual([
      'top-level permissions: contents: write: grant it to the job that uses it',
      'job build: contents: write is not used by the job (or add it to ALLOWED_WRITES with why)',
      'job other: permissions: write-all: list each permission instead',
      'job build, step 1 (actions/checkout): pin actions/checkout@v4 by its full commit SHA, with the version in a comment (uses: owner/repo@<sha> # vX.Y.Z)',
      'job build, step 1 (actions/checkout): say which version actions/checkout@v4 is in a comment (# vX.Y.Z)',
      'job build, step 1 (actions/checkout): set persist-credentials: false (the job does not push)',
      'job build, step 2 (actions/setup-node): say which version actions/setup-node@49933ea5288caeca8642d1e84afbd3f7d6820020 is in a comment (# vX.Y.Z)',
      'job build, step 3: a ${{ }} expression inside run: (pass it through env: and use "$NAME")',
    ]);
    expect(findings('broken.yml', broken.replace(/permissions:\n {2}contents: write\n/, ''))).toContain(
      'no top-level permissions: add `permissions: {}` (or `contents: read`) and widen per job',
    );
  });
});

describe('the release workflow', () => {
  const release = parse(read('.github/workflows/release.yml')) as Workflow & {
    on: { push: { tags: string[] } };
    jobs: Record<string, Job & { needs?: string }>;
  };

  test('runs on a pushed vX.Y.Z tag, publishes only after the test command passed on the tagged commit', () => {
    expect(release.on.push.tags).toEqual(['v*.*.*']);
    expect(release.jobs.release.needs).toBe('verify');
    expect(release.jobs.verify.steps!.some((s) => s.run === '.ci/run')).toBe(true);
  });
});

describe('Dependabot', () => {
  const config = parse(read('.github/dependabot.yml')) as {
    version: number;
    updates: {
      'package-ecosystem': string;
      directory: string;
      schedule: { interval: string };
      groups?: Record<string, { patterns?: string[] }>;
      cooldown?: object;
    }[];
  };

  test('updates npm packages and the workflows’ actions weekly, grouped, after a cooldown', () => {
    expect(config.version).toBe(2);
    expect(config.updates.map((u) => u['package-ecosystem']).sort()).toEqual(['github-actions', 'npm']);
    for (const update of config.updates) {
      expect({
        ecosystem: update['package-ecosystem'],
        directory: update.directory,
        interval: update.schedule.interval,
      }).toEqual({
        ecosystem: update['package-ecosystem'],
        directory: '/',
        interval: 'weekly',
      });
      expect(Object.keys(update.groups ?? {}).length).toBeGreaterThan(0);
      expect(update.cooldown).toBeDefined();
    }
  });
});

describe('release notes from CHANGELOG.md', () => {
  const changelog = read('CHANGELOG.md');

  test('CHANGELOG.md has a version policy and a non-empty Unreleased section', () => {
    expect(changelog).toMatch(/^## Version policy$/m);
    expect(changelogSection(changelog, 'Unreleased')).toMatch(/^### Added$/m);
  });

  test("a tag's notes are its section, up to the next one", () => {
    const text = [
      '# Changelog',
      '',
      '## [Unreleased]',
      '',
      '## [1.1.0] - 2027-01-02',
      '',
      '### Fixed',
      '',
      '- A fix.',
      '',
      '## [1.0.0] - 2027-01-01',
      '',
      '- First.',
      '',
      '[1.1.0]: https://example.invalid',
      '',
    ].join('\n');
    expect(releaseNotes('v1.1.0', { changelog: text, packageVersion: '1.1.0' })).toBe('### Fixed\n\n- A fix.');
    expect(releaseNotes('v1.0.0', { changelog: text, packageVersion: '1.0.0' })).toBe('- First.');
    expect(() => releaseNotes('v1.2.0', { changelog: text, packageVersion: '1.2.0' })).toThrow(
      "CHANGELOG.md has no section for 1.2.0. Rename its '## [Unreleased]' section",
    );
    expect(() =>
      releaseNotes('v1.1.0', {
        changelog: text.replace('- A fix.', '').replace('### Fixed', ''),
        packageVersion: '1.1.0',
      }),
    ).toThrow('is empty');
    expect(() => releaseNotes('v1.1.0', { changelog: text, packageVersion: '1.0.0' })).toThrow(
      `package.json's version is 1.0.0, but the tag is v1.1.0. Set "version": "1.1.0"`,
    );
  });

  test('tags: vMAJOR.MINOR.PATCH moves vMAJOR; a prerelease moves nothing; anything else is refused', () => {
    expect(parseTag('v1.4.0')).toEqual({ version: '1.4.0', prerelease: false, majorTag: 'v1' });
    expect(parseTag('v2.0.0-rc.1')).toEqual({ version: '2.0.0-rc.1', prerelease: true, majorTag: null });
    for (const bad of ['v1', 'v1.2', '1.2.3', 'v01.2.3', 'v1.2.3.4', 'v1.2.3+build'])
      expect(() => parseTag(bad)).toThrow(`The tag '${bad}' is not a release tag`);
  });
});
