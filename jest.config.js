/** @type {import('jest').Config} */
module.exports = {
	preset: 'ts-jest',
	testEnvironment: 'node',
	testMatch: ['<rootDir>/test/**/*.test.ts'],
	transform: {
		'^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.test.json' }],
	},
	// dist/package.json (a build output) would otherwise collide with the root package.json.
	modulePathIgnorePatterns: ['<rootDir>/dist/'],
	setupFiles: ['<rootDir>/test/jest.setup.js'],
	testTimeout: 30_000,
};
