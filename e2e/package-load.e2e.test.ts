/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- e2e tooling that drives a real n8n process, never shipped */
import { existsSync, mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join, resolve } from 'path';

import {
	createN8nHome,
	ensureN8n,
	installPackage,
	listNodeTypes,
	packPackage,
	PACKAGE_NAME,
	type N8nHome,
} from './lib';

/** Our real package, packed from this repo's dist/ as npm would publish it, loads in real n8n. */
describe(`${PACKAGE_NAME} in real n8n`, () => {
	const repoRoot = resolve(__dirname, '..');
	let home: N8nHome | undefined;
	let scratch: string | undefined;

	afterAll(() => {
		home?.dispose();
		if (scratch) rmSync(scratch, { recursive: true, force: true });
	});

	it('loads both nodes (and the AI-tool variant of the action node) from the packed tarball', async () => {
		if (!existsSync(join(repoRoot, 'dist', 'nodes', 'FormantAi', 'FormantAi.node.js'))) {
			throw new Error('dist/ is missing: run `npm run build` before the e2e tests');
		}
		const install = await ensureN8n();
		home = createN8nHome(install);
		scratch = mkdtempSync(join(tmpdir(), 'formantai-e2e-pack-'));
		const tarball = await packPackage(repoRoot, scratch);
		const installed = await installPackage(home, tarball);
		expect(installed.name).toBe(PACKAGE_NAME);

		const names = (await listNodeTypes(home)).map((type) => type.name);
		expect(names).toEqual(
			expect.arrayContaining([
				`${PACKAGE_NAME}.formantAi`,
				`${PACKAGE_NAME}.formantAiTrigger`,
				// n8n derives it from usableAsTool: true.
				`${PACKAGE_NAME}.formantAiTool`,
			]),
		);
		// usableAsTool must never be set on the trigger.
		expect(names).not.toContain(`${PACKAGE_NAME}.formantAiTriggerTool`);
	});
});
