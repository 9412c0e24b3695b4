import type { IDataObject } from 'n8n-workflow';

import type { Engine } from '../harness';
import { apiCredential, startEngine } from '../harness';
import { Execution } from '../helpers/execution';

/**
 * Batch → Create under n8n's Retry of a failed execution: the Retry has only the execution's
 * saved data (read back as JSON, as on another worker or after a restart), never process memory.
 */

const fromFiles = (extra: IDataObject = {}) => ({
	resource: 'batch',
	operation: 'create',
	source: 'binaryFile',
	campaignName: '={{ $json.name }}',
	agentId: '={{ $json.agent }}',
	binaryPropertyName: 'data',
	...extra,
});

const campaigns = [
	{ name: 'March A', agent: 123, csv: 'customer_phone\n+919876543210\n+919876543211\n' },
	{ name: 'March B', agent: 999, csv: 'customer_phone\n+919876543212\n' },
];

describe("Batch → Create under n8n's Retry of a failed execution", () => {
	let engine: Engine;
	let agents: number[];
	const uploads = () =>
		engine.sim.log.filter((e) => e.method === 'POST' && e.path === '/v1/batch-call');
	const execution = () =>
		new Execution({
			parameters: fromFiles(),
			credentials: { formantAiApi: apiCredential(engine.sim.url, engine.sim.apiKey) },
		});
	beforeEach(async () => {
		agents = [123];
		engine = await startEngine({ agents });
	});
	afterEach(async () => {
		await engine.close();
	});

	it('outputs the campaign created the first time and uploads only the one refused', async () => {
		const run = execution();
		const first = await run.start(campaigns);
		expect(first.error?.message).toBe('agent not found');
		expect(engine.sim.state.batches.size).toBe(1);
		const [created] = [...engine.sim.state.batches.values()];

		agents.push(999);
		const retried = await run.retry();
		expect(retried.error).toBeUndefined();
		expect(uploads()).toHaveLength(3);
		expect(engine.sim.state.batches.size).toBe(2);
		expect(retried.items.map((item) => [item.json.name, item.json.id])).toEqual([
			['March A', created.id],
			['March B', expect.any(Number)],
		]);
		expect(retried.items[1].json.id).not.toBe(created.id);
		expect(retried.items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
	});

	it('a lost answer is never uploaded again: the Retry says how to look for that campaign', async () => {
		agents.push(999);
		// FormantAI creates the second campaign, but its answer never arrives.
		engine.sim.faults.add({ path: '/v1/batch-call', kind: 'error500', every: 2, after: true });
		const run = execution();
		const first = await run.start(campaigns);
		expect(first.error).toBeDefined();
		expect(engine.sim.state.batches.size).toBe(2);
		const [created] = [...engine.sim.state.batches.values()];

		const retried = await run.retry();
		expect(uploads()).toHaveLength(2);
		expect(engine.sim.state.batches.size).toBe(2);
		expect(retried.error?.message).toBe(
			'The campaign "March B" was sent by an earlier try of this execution and its answer was lost, so it is not uploaded again [item 1]',
		);
		expect(String((retried.error as { description?: string }).description)).toMatch(
			/look for a campaign named "March B" with Batch → Get Many or in the FormantAI dashboard/,
		);

		expect(created.name).toBe('March A');
	});
});
