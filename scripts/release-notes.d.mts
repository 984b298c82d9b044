// Types for release-notes.mjs (imported by __tests__/workflows.test.ts).
/** The version a tag names, whether it is a prerelease, and the major tag it moves (none for a prerelease). */
export declare function parseTag(tag: string): { version: string; prerelease: boolean; majorTag: string | null };
/** The body of `version`'s section of a Keep a Changelog file, without its heading. */
export declare function changelogSection(changelog: string, version: string): string;
/** The notes for `tag`, after checking that package.json carries its version. */
export declare function releaseNotes(tag: string, files: { changelog: string; packageVersion: string }): string;
