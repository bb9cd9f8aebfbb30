// ESM TypeScript through ts-jest's ESM preset; run with `node --experimental-vm-modules`.
/** @type {import('jest').Config} */
export default {
  preset: 'ts-jest/presets/default-esm',
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts', '**/*.test.tsx'],
  // Source imports use `.js` specifiers (NodeNext); map them back to the .ts files.
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.tsx?$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json' }],
  },
  // Tests that spawn the built binary or start servers need more than the 5 s default.
  testTimeout: 20000,
  reporters: ['default', '<rootDir>/test/helpers/summary-reporter.cjs'],
  setupFiles: ['<rootDir>/test/helpers/not-in-ci.cjs'],
};
