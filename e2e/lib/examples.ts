/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- e2e tooling that drives a real n8n process, never shipped */
import { readdirSync, readFileSync } from 'fs';
import { join, resolve } from 'path';

import type { Simulator } from '../../test/simulator';
import type { CredentialImport, WorkflowImport } from './cli';
import { pollUntil } from './proc';

/** The importable workflows users get (`examples/*.json`), the same files the e2e runs. */
export const EXAMPLES_DIR = resolve(__dirname, '..', '..', 'examples');

/** Credential ids and names the examples reference (`credentials: { <type>: { id, name } }`). */
export const EXAMPLE_CREDENTIALS = {
	api: { id: 'formantAiDemo001', name: 'FormantAI account', type: 'formantAiApi' },
	webhook: {
		id: 'formantAiWebhk01',
		name: 'FormantAI webhook secret',
		type: 'formantAiWebhookApi',
	},
} as const;

export interface Example {
	file: string;
	workflow: WorkflowImport & { id: string };
}

/** Every example workflow, by file name order. */
export function loadExamples(dir = EXAMPLES_DIR): Example[] {
	return readdirSync(dir)
		.filter((file) => file.endsWith('.json'))
		.sort()
		.map((file) => {
			const workflow = JSON.parse(readFileSync(join(dir, file), 'utf8')) as Example['workflow'];
			if (typeof workflow.id !== 'string')
				throw new Error(`${file}: the example needs a fixed "id"`);
			return { file, workflow };
		});
}

/** The example whose file name starts with `prefix` (e.g. '1a-'). */
export function example(examples: Example[], prefix: string): Example['workflow'] {
	const found = examples.find((item) => item.file.startsWith(prefix));
	if (!found) throw new Error(`no example file starting with ${prefix}`);
	return found.workflow;
}

/**
 * A copy of a workflow with one node's parameter replaced, e.g. the CRM URL of example 1b pointed
 * at a local receiver: the only edit the e2e and the demo make to an example.
 */
export function withParameter(
	workflow: WorkflowImport,
	nodeName: string,
	change: (parameters: Record<string, unknown>) => void,
): WorkflowImport {
	const copy = JSON.parse(JSON.stringify(workflow)) as WorkflowImport;
	const node = copy.nodes.find((item) => item.name === nodeName);
	if (!node) throw new Error(`${workflow.name}: no node "${nodeName}"`);
	change(node.parameters as Record<string, unknown>);
	return copy;
}

/** The two credentials the examples use, pointed at a FormantAI API (the simulator) and secret. */
export function exampleCredentials(options: {
	baseUrl: string;
	apiKey: string;
	webhookSecret: string;
}): CredentialImport[] {
	return [
		{
			...EXAMPLE_CREDENTIALS.api,
			data: { apiKey: options.apiKey, region: 'custom', baseUrl: options.baseUrl },
		},
		{ ...EXAMPLE_CREDENTIALS.webhook, data: { secret: options.webhookSecret } },
	];
}

/** The trigger's production webhook path of a workflow: `<webhookId>/webhook` for our trigger. */
export function triggerPath(workflow: WorkflowImport, nodeName = 'FormantAI Trigger'): string {
	const node = workflow.nodes.find((item) => item.name === nodeName);
	if (!node?.webhookId) throw new Error(`${workflow.name}: no "${nodeName}" with a webhookId`);
	return `${node.webhookId}/webhook`;
}

/**
 * The example workflows as the e2e imports them: example 1b's CRM URL ("CRM settings") pointed at
 * `crmUrl`, a local receiver standing in for the CRM; every other workflow as shipped.
 */
export function examplesWithCrm(examples: Example[], crmUrl: string): WorkflowImport[] {
	const writeBack = example(examples, '1b-');
	return examples.map(({ workflow }) =>
		workflow.id === writeBack.id
			? withParameter(workflow, 'CRM settings', (parameters) => {
					const list = (parameters.assignments as { assignments: Array<{ value: unknown }> })
						.assignments;
					list[0].value = crmUrl;
				})
			: workflow,
	);
}

/** Waits until every call and campaign the simulator has ended, so no webhook is still to come. */
export async function allCallsEnded(sim: Simulator, label: string): Promise<void> {
	await pollUntil(
		label,
		async () =>
			[...sim.state.conversations.values()].every((c) => c.end_timestamp !== null) &&
			[...sim.state.batches.values()].every((b) => b.status === 'completed') &&
			sim.state.dialQueue.length === 0
				? true
				: undefined,
		{ timeoutMs: 30_000, intervalMs: 200 },
	);
}
