import type { INodeParameters } from 'n8n-workflow';

import type { Engine } from '../harness';
import { apiCredential, callRequests, startEngine } from '../harness';
import { Execution } from '../helpers/execution';

/**
 * Calling Safety → Max Calls per Execution: counted over every item and every run of the node in
 * one execution (an AI agent calls a tool node once per tool call), from the execution's send
 * record, so no loop of a model can dial without end.
 */

const call = (extra: INodeParameters = {}): INodeParameters => ({
	resource: 'call',
	operation: 'create',
	agentId: 123,
	customerPhone: '={{ $json.phone }}',
	...extra,
});

const phone = (n: number) => ({ phone: `+9198450300${String(n).padStart(2, '0')}` });

describe('Calling Safety → Max Calls per Execution', () => {
	let engine: Engine;
	const execution = (parameters: INodeParameters, type?: string, continueOnFail = false) =>
		new Execution({
			parameters,
			type,
			continueOnFail,
			credentials: { formantAiApi: apiCredential(engine.sim.url, engine.sim.apiKey) },
		});
	beforeEach(async () => {
		engine = await startEngine();
	});
	afterEach(async () => {
		await engine.close();
	});

	describe('as an AI agent tool', () => {
		const tool = (safety: INodeParameters = {}) =>
			execution(call({ safety: { allowedDestinations: '+91', ...safety } }), 'formantAiTool');

		it('places 3 calls by default; the 4th tool call gets a refusal the model reads, not an error', async () => {
			const run = tool();
			const answers = [await run.start([{ ...phone(1), toolCallId: 'c1' }])];
			for (const n of [2, 3, 4, 5]) {
				answers.push(await run.invokeAgain([{ ...phone(n), toolCallId: `c${n}` }]));
			}
			expect(answers.map((a) => a.error)).toEqual([
				undefined,
				undefined,
				undefined,
				undefined,
				undefined,
			]);
			expect(answers.map((a) => a.items[0].json.status)).toEqual([
				'initiated',
				'initiated',
				'initiated',
				'refused',
				'refused',
			]);
			expect(answers[3].items[0].json).toMatchObject({
				refused: true,
				max_calls_per_execution: 3,
				calls_placed: 3,
				customer_phone: '+919845030004',
				message: expect.stringMatching(
					/^Refused: this node already placed 3 calls in this execution and Max Calls per Execution is 3, so no call was placed\./,
				),
			});
			expect(callRequests(engine.sim)).toHaveLength(3);
		});

		it('counts the items of one tool call too, and follows the limit set', async () => {
			const run = tool({ maxCallsPerExecution: 2 });
			const answer = await run.start([1, 2, 3].map((n) => ({ ...phone(n), toolCallId: 'c1' })));
			expect(answer.items.map((i) => i.json.status)).toEqual(['initiated', 'initiated', 'refused']);
			expect(answer.items.map((i) => i.pairedItem)).toEqual([0, 1, 2].map((item) => ({ item })));
			expect(callRequests(engine.sim)).toHaveLength(2);
		});

		it('a new execution starts counting again', async () => {
			for (const n of [1, 2]) {
				const answer = await tool({ maxCallsPerExecution: 1 }).start([phone(n)]);
				expect(answer.items[0].json.status).toBe('initiated');
			}
			expect(callRequests(engine.sim)).toHaveLength(2);
		});
	});

	describe('in a workflow', () => {
		it('no limit unless set', async () => {
			const answer = await execution(call()).start([1, 2, 3, 4].map(phone));
			expect(answer.error).toBeUndefined();
			expect(callRequests(engine.sim)).toHaveLength(4);
		});

		it('an item over the limit fails the run before the first call', async () => {
			const answer = await execution(call({ safety: { maxCallsPerExecution: 2 } })).start(
				[1, 2, 3].map(phone),
			);
			expect(answer.error?.message).toBe(
				'Max Calls per Execution: this node already placed 2 calls in this execution and Max Calls per Execution is 2, so no call was placed [item 2]',
			);
			expect(engine.sim.log).toHaveLength(0);
		});

		it('with Continue On Fail, the items within the limit are called and the rest are error items', async () => {
			const answer = await execution(
				call({ safety: { maxCallsPerExecution: 2 } }),
				undefined,
				true,
			).start([1, 2, 3].map(phone));
			expect(answer.items.map((i) => i.json.status ?? 'error')).toEqual([
				'initiated',
				'initiated',
				'error',
			]);
			expect(answer.items[2].json.error).toMatch(/^Max Calls per Execution: .*\[item 2\]$/);
			expect(callRequests(engine.sim)).toHaveLength(2);
		});

		it('a Retry of the failed execution does not count the calls it does not place again', async () => {
			const run = execution(
				call({ agentId: '={{ $json.agent }}', safety: { maxCallsPerExecution: 3 } }),
			);
			const first = await run.start([
				{ ...phone(1), agent: 123 },
				{ ...phone(2), agent: 999 },
				{ ...phone(3), agent: 123 },
			]);
			expect(first.error?.message).toBe('agent not found');
			engine.sim.options.agents = [123, 999];
			const retried = await run.retry();
			expect(retried.error).toBeUndefined();
			expect(retried.items.map((i) => i.json.status)).toEqual([
				'duplicate',
				'initiated',
				'initiated',
			]);
		});
	});
});
