/**
 * End-to-end tests against a real n8n process (see e2e/lib). Slow: the first run installs n8n
 * into a cache outside the repo, and every test starts n8n processes, so they run one at a time.
 * @type {import('jest').Config}
 */
module.exports = {
	preset: 'ts-jest',
	testEnvironment: 'node',
	testMatch: ['<rootDir>/e2e/**/*.e2e.test.ts'],
	transform: {
		'^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.test.json' }],
	},
	// dist/package.json (a build output) would otherwise collide with the root package.json.
	modulePathIgnorePatterns: ['<rootDir>/dist/'],
	maxWorkers: 1,
	// A cold install alone takes ~5 min on 2 cores; single steps set their own, tighter limits.
	testTimeout: 30 * 60_000,
	slowTestThreshold: 120,
};
