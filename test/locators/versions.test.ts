import type { INodeParameters } from 'n8n-workflow';
import { NodeHelpers } from 'n8n-workflow';

import { FormantAi } from '../../nodes/FormantAi/FormantAi.node';
import type { Engine } from '../harness';
import { callRequests, startEngine } from '../harness';

/** A version 2 locator value as n8n's editor saves it. */
const rl = (value: string, mode: 'list' | 'id' = 'list') => ({ __rl: true, mode, value });

const description = new FormantAi().description;

/** The parameters n8n keeps for a node of `typeVersion` saved with `saved` (defaults filled in). */
function loaded(typeVersion: number, saved: INodeParameters): INodeParameters {
	return NodeHelpers.getNodeParameters(
		description.properties,
		saved,
		true,
		false,
		{ typeVersion },
		description,
	) as INodeParameters;
}

describe('node versions: 2 asks through resource locators, 1 and 1.1 keep their plain fields', () => {
	it('a new node is version 2; the ID fields of each version have the shape saved with it', () => {
		expect(description.version).toEqual([1, 1.1, 2]);
		expect(description.defaultVersion).toBe(2);
		const call = { resource: 'call', operation: 'create' };
		expect(loaded(2, call).agentId).toEqual({ __rl: true, mode: 'list', value: '' });
		expect(loaded(1.1, call).agentId).toBe(0);
		expect(loaded(1, { ...call, agentId: 123 }).agentId).toBe(123);
		expect(loaded(1, { ...call, agentId: '={{ $json.agent }}' }).agentId).toBe(
			'={{ $json.agent }}',
		);
		const conversation = { resource: 'conversation', operation: 'get' };
		expect(loaded(1, { ...conversation, conversationId: 'abc' }).conversationId).toBe('abc');
		expect(loaded(2, conversation).conversationId).toEqual({
			__rl: true,
			mode: 'list',
			value: '',
		});
		expect(loaded(1.1, { resource: 'batch', operation: 'get', batchId: 7 }).batchId).toBe(7);
		expect(loaded(2, { resource: 'batch', operation: 'getMetrics' }).batchId).toEqual({
			__rl: true,
			mode: 'list',
			value: '',
		});
	});

	let engine: Engine;
	beforeEach(async () => {
		engine = await startEngine();
	});
	afterEach(async () => {
		await engine.close();
	});
	const agentsCalled = () =>
		callRequests(engine.sim).map((r) => (r.body as { agent_id: unknown }).agent_id);
	const call = (agentId: unknown) =>
		({
			resource: 'call',
			operation: 'create',
			agentId,
			customerPhone: '+919876543210',
		}) as INodeParameters;

	describe('version 1 and 1.1 workflows run unchanged', () => {
		it.each([1, 1.1])(
			'Call Create v%s with a plain Agent ID and one from an expression',
			async (typeVersion) => {
				const plain = await engine.run(call(456), { typeVersion });
				expect(plain.error).toBeUndefined();
				const fromItem = await engine.run(call('={{ $json.agent }}'), {
					typeVersion,
					input: [{ json: { agent: 497 } }],
				});
				expect(fromItem.error).toBeUndefined();
				expect(agentsCalled()).toEqual([456, 497]);
			},
		);

		it('a bad v1 Agent ID is still refused by its v1 name, before anything is sent', async () => {
			const result = await engine.run(call(0), { typeVersion: 1 });
			expect(result.error?.message).toBe(
				'Agent ID: must be a whole number above 0, got "0" [item 0]',
			);
			expect(engine.sim.log).toHaveLength(0);
		});
	});

	describe('version 2 reads the locators, whatever the mode', () => {
		it('Call Create: From List (recent conversations), By ID, and By ID from an expression', async () => {
			expect((await engine.run(call(rl('456')), { typeVersion: 2 })).error).toBeUndefined();
			expect((await engine.run(call(rl(' 123 ', 'id')), { typeVersion: 2 })).error).toBeUndefined();
			const fromItem = await engine.run(call(rl('={{ $json.agent }}', 'id')), {
				typeVersion: 2,
				input: [{ json: { agent: 497 } }],
			});
			expect(fromItem.error).toBeUndefined();
			expect(agentsCalled()).toEqual([456, 123, 497]);
		});

		it('Call Create: a bad agent is refused as "Agent", naming the item, before anything is sent', async () => {
			const result = await engine.run(call(rl('={{ $json.agent }}', 'id')), {
				typeVersion: 2,
				input: [{ json: { agent: 123 } }, { json: { agent: 'sales bot' } }],
			});
			expect(result.error?.message).toBe(
				'Agent: must be a whole number above 0, got "sales bot" [item 1]',
			);
			expect(callRequests(engine.sim)).toHaveLength(0);
		});

		it('Batch Create: the Agent locator', async () => {
			const result = await engine.run(
				{
					resource: 'batch',
					operation: 'create',
					campaignName: 'Locator',
					agentId: rl('497'),
					source: 'inputItems',
					phoneField: 'phone',
				},
				{ typeVersion: 2, input: [{ json: { phone: '+919876543210' } }] },
			);
			expect(result.error).toBeUndefined();
			expect([...engine.sim.state.batches.values()].map((b) => b.agent_id)).toEqual([497]);
		});

		it('Conversation Get and Download Recording: the Conversation locator', async () => {
			const [c] = engine.sim.seedConversations(1, { status: 'completed' });
			const got = await engine.run(
				{ resource: 'conversation', operation: 'get', conversationId: rl(c.conversation_id) },
				{ typeVersion: 2 },
			);
			expect(got.error).toBeUndefined();
			expect(got.items[0].json.conversation_id).toBe(c.conversation_id);
			const recording = await engine.run(
				{
					resource: 'conversation',
					operation: 'downloadRecording',
					conversationId: rl(c.conversation_id, 'id'),
				},
				{ typeVersion: 2 },
			);
			expect(recording.error).toBeUndefined();
			expect(recording.items[0].binary?.data).toBeDefined();
		});

		it('Conversation By ID in a wrong format: refused as "Conversation" with the item, nothing sent', async () => {
			const result = await engine.run(
				{
					resource: 'conversation',
					operation: 'get',
					conversationId: rl('={{ $json.id }}', 'id'),
				},
				{ typeVersion: 2, input: [{ json: { id: '../batch-calls/1' } }] },
			);
			expect(result.error?.message).toBe(
				'Conversation: "../batch-calls/1" is not a FormantAI conversation ID (a UUID, optionally followed by _<number>) [item 0]',
			);
			expect(engine.sim.log).toHaveLength(0);
		});

		it('a typed By ID in a wrong format is refused by n8n before the run (the mode check)', async () => {
			await expect(
				engine.run(
					{ resource: 'conversation', operation: 'get', conversationId: rl('call-42', 'id') },
					{ typeVersion: 2 },
				),
			).rejects.toThrow(/A conversation ID is a UUID, optionally followed by _ and a number/);
			await expect(
				engine.run(
					{ resource: 'batch', operation: 'get', batchId: rl('x7', 'id') },
					{ typeVersion: 2 },
				),
			).rejects.toThrow(/A batch ID is a whole number above 0/);
			await expect(engine.run(call(rl('12a', 'id')), { typeVersion: 2 })).rejects.toThrow(
				/An agent ID is a whole number above 0/,
			);
			// Upper-case hex passes the editor's check as it passes the node's.
			await engine.run(
				{
					resource: 'conversation',
					operation: 'get',
					conversationId: rl('E36853DE-9CBB-441E-AD75-D3C8AC82ABFB_1', 'id'),
				},
				{ typeVersion: 2, continueOnFail: true },
			);
			expect(engine.sim.log.map((entry) => entry.path)).toEqual([
				'/v1/conversations/E36853DE-9CBB-441E-AD75-D3C8AC82ABFB_1',
			]);
		});

		it('Batch Get and Get Metrics: the Batch locator', async () => {
			const batch = engine.sim.seedBatch({ name: 'March', rows: 2 });
			for (const operation of ['get', 'getMetrics']) {
				const result = await engine.run(
					{ resource: 'batch', operation, batchId: rl(String(batch.id)) },
					{ typeVersion: 2 },
				);
				expect(result.error).toBeUndefined();
			}
			const paths = engine.sim.log.map((entry) => entry.path);
			expect(paths).toEqual([`/v1/batch-calls/${batch.id}`, `/v1/batch-calls/${batch.id}/metrics`]);
			// A typed By ID is checked by n8n itself before the run (the mode's regex); one from an
			// expression is checked by the node.
			const bad = await engine.run(
				{ resource: 'batch', operation: 'get', batchId: rl('={{ "x7" }}', 'id') },
				{ typeVersion: 2 },
			);
			expect(bad.error?.message).toBe('Batch: must be a whole number above 0, got "x7" [item 0]');
		});

		it('Get Many: Filters → Agent as a locator; an empty one is no filter', async () => {
			engine.sim.seedConversations(3, { agentId: 456 });
			engine.sim.seedConversations(2, { agentId: 123 });
			engine.sim.seedBatch({ agentId: 456, rows: 1 });
			const conversations = await engine.run(
				{
					resource: 'conversation',
					operation: 'getMany',
					returnAll: true,
					filters: { agentId: rl('456') },
				},
				{ typeVersion: 2 },
			);
			expect(conversations.items.map((i) => i.json.agent_id)).toEqual([456, 456, 456]);
			const unfiltered = await engine.run(
				{
					resource: 'conversation',
					operation: 'getMany',
					returnAll: true,
					filters: { agentId: rl('') },
				},
				{ typeVersion: 2 },
			);
			expect(unfiltered.items).toHaveLength(5);
			const batches = await engine.run(
				{
					resource: 'batch',
					operation: 'getMany',
					returnAll: true,
					filters: { agentId: rl('123', 'id') },
				},
				{ typeVersion: 2 },
			);
			expect(batches.items).toHaveLength(0);
			const queries = engine.sim.log.map((entry) => [entry.path, entry.query.agent_id]);
			expect(queries).toEqual([
				['/v1/conversations', '456'],
				['/v1/conversations', undefined],
				['/v1/batch-calls', '123'],
			]);
			const bad = await engine.run(
				{
					resource: 'batch',
					operation: 'getMany',
					returnAll: true,
					filters: { agentId: rl('-1', 'id') },
				},
				{ typeVersion: 2 },
			);
			expect(bad.error?.message).toBe(
				'Filters → Agent: must be a whole number above 0, got "-1" [item 0]',
			);
		});
	});
});
