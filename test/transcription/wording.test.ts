/* eslint-disable @n8n/community-nodes/no-restricted-imports -- test tooling: reads the node's source files, never shipped */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { INodeProperties } from 'n8n-workflow';

import { FormantAi } from '../../nodes/FormantAi/FormantAi.node';

// Relative to the project root, where jest runs.
const NODE_DIR = 'nodes/FormantAi';

/** "Resource → Operation" as the editor shows them, e.g. "Conversation → Download Recording". */
function operationNames(): Set<string> {
	const properties = new FormantAi().description.properties as INodeProperties[];
	const resources = properties.find((p) => p.name === 'resource')?.options ?? [];
	const names = new Set<string>();
	for (const property of properties.filter((p) => p.name === 'operation')) {
		const resource = property.displayOptions?.show?.resource?.[0];
		const resourceName = resources.find((r) => 'value' in r && r.value === resource)?.name;
		for (const option of property.options ?? []) names.add(`${resourceName} → ${option.name}`);
	}
	return names;
}

function sourceFiles(dir: string): string[] {
	return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
		entry.isDirectory()
			? sourceFiles(join(dir, entry.name))
			: entry.name.endsWith('.ts')
				? [join(dir, entry.name)]
				: [],
	);
}

test('every "Resource → Operation" the node mentions to users is an operation it has', () => {
	const names = operationNames();
	expect(names).toContain('Conversation → Download Recording');
	const mentioned = sourceFiles(NODE_DIR).flatMap((file) =>
		[
			...readFileSync(file, 'utf8').matchAll(
				/\b(Call|Batch|Conversation|Transcription) → ([A-Z][A-Za-z]*(?: [A-Z][A-Za-z]*)*)/g,
			),
		].map((m) => m[0]),
	);
	expect(mentioned.length).toBeGreaterThan(0);
	expect(mentioned.filter((name) => !names.has(name))).toEqual([]);
});
