/**
 * One jest run for the whole repository. @swc/jest compiles TypeScript (type checks are `npm run
 * typecheck`); ESM-only packages (jose, kysely, nanoid) are compiled to CommonJS with it.
 */
const swc = [
  '@swc/jest',
  { jsc: { target: 'es2022', parser: { syntax: 'typescript', tsx: true } }, module: { type: 'commonjs' } },
];
const common = {
  transform: { '^.+\\.(t|j)sx?$': swc },
  transformIgnorePatterns: ['/node_modules/(?!(jose|kysely|nanoid)/)'],
  moduleFileExtensions: ['ts', 'tsx', 'js', 'mjs', 'cjs', 'json'],
  testEnvironment: 'node',
};

/** @type {import('jest').Config} */
module.exports = {
  testTimeout: 30_000,
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['<rootDir>/shared-types/src/**/*.test.ts', '<rootDir>/bff/src/**/*.test.ts', '<rootDir>/scripts/**/*.test.ts', '<rootDir>/miniapp/src/**/*.test.ts', '<rootDir>/bff/console/src/**/*.test.ts'],
      testPathIgnorePatterns: ['\\.int\\.test\\.ts$', '\\.e2e\\.test\\.ts$'],
    },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/bff/src/**/*.int.test.ts'],
    },
    {
      ...common,
      displayName: 'browser',
      testMatch: ['<rootDir>/scripts/e2e/**/*.e2e.test.ts'],
    },
  ],
};
