// The common start of every key the action writes to the cache (target/ entries and baseline
// records), so both are scoped by the same rules. Pure.

/**
 * The part of a key that must match exactly for an entry to be usable: the prefix, what kind of
 * entry, the platform, anything else that changes every artifact, the profile and the flags.
 * Cache keys and baseline-record keys both start with one.
 */
export function keyScope(s: { prefix: string; kind: string | null; os: string; arch: string; qualifiers: string[]; profile: string; flagsHash: string; suffix: string[] }): string {
  return [s.prefix, ...(s.kind ? [s.kind] : []), s.os, s.arch, ...s.qualifiers, s.profile, `f${s.flagsHash.slice(0, 12)}`, ...s.suffix.filter(Boolean)].join('-');
}
