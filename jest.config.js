// One jest run covers unit specs beside the code and the end-to-end suites in test/.
// SWC keeps compilation cheap on two cores; decorator metadata is needed by Nest DI.
const swc = JSON.parse(require('fs').readFileSync(__dirname + '/.swcrc', 'utf8'));
delete swc.$schema;

module.exports = {
  rootDir: __dirname,
  testEnvironment: 'node',
  moduleFileExtensions: ['ts', 'js', 'json'],
  testMatch: ['<rootDir>/{apps,libs,test}/**/*.spec.ts', '<rootDir>/test/**/*.e2e-spec.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '<rootDir>/test/faults/'],
  transform: { '^.+\\.ts$': ['@swc/jest', { ...swc, swcrc: false }] },
  moduleNameMapper: {
    '^@app/(config|auth|database|queue|llm|prompts|finance|logging)(|/.*)$': '<rootDir>/libs/$1/src$2',
  },
  testTimeout: 30000,
};
