import { FormantAi } from '../../nodes/FormantAi/FormantAi.node';

/**
 * What n8n's AI workflow builder reads about the node (`builderHint`, n8n-workflow 2.41): when to
 * use Call, Batch or the trigger, and that a call as an agent's tool needs Allowed Destinations.
 */
describe('FormantAI node: builder hint', () => {
	const { builderHint } = new FormantAi().description;

	it('says when to use Call, Batch and the trigger, and that tools need Allowed Destinations', () => {
		expect(builderHint?.searchHint).toEqual(expect.any(String));
		const hint = builderHint!.searchHint!;
		expect(hint).toMatch(/Call > Create/);
		expect(hint).toMatch(/Batch > Create/);
		expect(hint).toMatch(/FormantAI Trigger/);
		expect(hint).toMatch(/Allowed Destinations/);
		// Prose only: no expression syntax or connection-type identifiers (lint: no-builder-hint-leakage).
		expect(hint).not.toMatch(/=\{\{|ai_[a-zA-Z]+/);
	});

	it('names the trigger and the AI Agent as related nodes, by their node type', () => {
		expect(builderHint?.relatedNodes?.map((node) => node.nodeType)).toEqual([
			'n8n-nodes-formantai.formantAiTrigger',
			'@n8n/n8n-nodes-langchain.agent',
		]);
		for (const node of builderHint!.relatedNodes!)
			expect(node.relationHint.length).toBeGreaterThan(10);
	});
});
