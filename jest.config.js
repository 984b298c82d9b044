// ESM jest: @actions/* are ESM-only, so tests run under --experimental-vm-modules.
// Type errors are caught by `tsc --noEmit` in `npm test`; ts-jest only transpiles (isolatedModules).
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, diagnostics: false }],
  },
  testMatch: ['<rootDir>/__tests__/**/*.test.ts'],
  testTimeout: 600000,
  maxWorkers: 2,
  verbose: true,
};
