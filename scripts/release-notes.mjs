// The release notes of a tag: its section of CHANGELOG.md (Keep a Changelog: "## [1.2.3] - 2026-12-24"),
// printed for `gh release create --notes-file`. Refuses, with what to do instead, a tag that is
// not vMAJOR.MINOR.PATCH (an optional -prerelease), a version package.json does not carry, and a
// version without a section or with an empty one. Used by .github/workflows/release.yml.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const TAG = /^v(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z.-]+)?$/;

/**
 * The version a tag names, whether it is a prerelease, and the major tag it moves (none for a prerelease).
 * @param {string} tag
 * @returns {{ version: string; prerelease: boolean; majorTag: string | null }}
 */
export function parseTag(tag) {
  const m = TAG.exec(tag);
  if (!m)
    throw new Error(
      `The tag '${tag}' is not a release tag. Tag releases vMAJOR.MINOR.PATCH (for example v1.4.0), or vMAJOR.MINOR.PATCH-rc.1 for a prerelease.`,
    );
  const prerelease = m[4] !== undefined;
  return { version: tag.slice(1), prerelease, majorTag: prerelease ? null : `v${m[1]}` };
}

/**
 * The body of `version`'s section of a Keep a Changelog file, without its heading.
 * @param {string} changelog
 * @param {string} version
 * @returns {string}
 */
export function changelogSection(changelog, version) {
  const lines = changelog.split(/\r?\n/);
  const heading = new RegExp(`^## \\[${version.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\](\\s|$)`);
  const start = lines.findIndex((line) => heading.test(line));
  if (start === -1) {
    throw new Error(
      `CHANGELOG.md has no section for ${version}. Rename its '## [Unreleased]' section to '## [${version}] - YYYY-MM-DD' (and start a new empty Unreleased one) before tagging.`,
    );
  }
  const end = lines.findIndex((line, i) => i > start && (/^## /.test(line) || /^\[[^\]]+\]:\s/.test(line)));
  const body = lines
    .slice(start + 1, end === -1 ? undefined : end)
    .join('\n')
    .trim();
  if (!body)
    throw new Error(
      `CHANGELOG.md's section for ${version} is empty. List the release's user-visible changes there before tagging.`,
    );
  return body;
}

/**
 * The notes for `tag`, after checking that package.json carries its version.
 * @param {string} tag
 * @param {{ changelog: string; packageVersion: string }} files
 */
export function releaseNotes(tag, { changelog, packageVersion }) {
  const { version } = parseTag(tag);
  if (packageVersion !== version) {
    throw new Error(
      `package.json's version is ${packageVersion}, but the tag is ${tag}. Set "version": "${version}" in package.json (npm version ${version} --no-git-tag-version) and tag that commit.`,
    );
  }
  return changelogSection(changelog, version);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  const tag = process.argv[2] ?? '';
  try {
    const packageVersion = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).version;
    process.stdout.write(
      `${releaseNotes(tag, { changelog: readFileSync(path.join(root, 'CHANGELOG.md'), 'utf8'), packageVersion })}\n`,
    );
  } catch (e) {
    console.error(`error: ${e.message}`);
    process.exit(1);
  }
}
