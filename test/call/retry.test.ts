import type { IDataObject, INodeParameters } from 'n8n-workflow';

import type { Engine } from '../harness';
import { apiCredential, callRequests, startEngine } from '../harness';
import { Execution } from '../helpers/execution';

/**
 * n8n's Retry of a failed execution, through the engine: the execution's saved data (read back
 * as JSON, as another worker reads it from the database) is all the Retry has of the first try.
 */

const PHONES = [
	'+919845030001',
	'+919845030002',
	'+919845030003',
	'+919845030004',
	'+919845030005',
];
const rows = PHONES.map((phone, index) => ({ phone, agent: index === 3 ? 999 : 123 }));

const call = (extra: INodeParameters = {}): INodeParameters => ({
	resource: 'call',
	operation: 'create',
	agentId: '={{ $json.agent }}',
	customerPhone: '={{ $json.phone }}',
	...extra,
});

describe("Call → Create under n8n's Retry of a failed execution", () => {
	let engine: Engine;
	let agents: number[];
	const execution = (parameters: INodeParameters) =>
		new Execution({
			parameters,
			credentials: { formantAiApi: apiCredential(engine.sim.url, engine.sim.apiKey) },
		});
	beforeEach(async () => {
		agents = [123];
		engine = await startEngine({ agents });
	});
	afterEach(async () => {
		await engine.close();
	});

	it('the calls placed before the failure are not placed again and come out with their trace_id', async () => {
		const run = execution(call());
		const first = await run.start(rows);
		expect(first.error?.message).toBe('agent not found');
		const placed = engine.sim.callsPlaced();
		expect(placed.map((c) => c.phone)).toEqual(PHONES.slice(0, 3));

		agents.push(999);
		const retried = await run.retry();
		expect(retried.error).toBeUndefined();
		expect(engine.sim.callsPlaced().map((c) => c.phone)).toEqual(PHONES);
		const out = retried.items.map((item) => item.json);
		expect(out.map((json) => [json.customer_phone, json.duplicate ?? false])).toEqual(
			PHONES.map((phone, index) => [phone, index < 3]),
		);
		for (const [index, first] of placed.entries()) {
			// An immediate call's answer has no conversation_id: null until the node has seen one.
			expect(out[index]).toMatchObject({
				status: 'duplicate',
				trace_id: first.trace_id,
				conversation_id: null,
			});
		}
		expect(retried.items.map((item) => item.pairedItem)).toEqual(
			[0, 1, 2, 3, 4].map((item) => ({ item })),
		);
	});

	it("a scheduled call's duplicate carries the conversation_id FormantAI gave it", async () => {
		const run = execution(call({ schedule: 'at', scheduledFor: '2026-03-19T10:00:00Z' }));
		await run.start(rows);
		const scheduled = [...engine.sim.state.conversations.values()];
		expect(scheduled.map((c) => c.contact_number)).toEqual(PHONES.slice(0, 3));

		agents.push(999);
		const retried = await run.retry();
		expect(retried.error).toBeUndefined();
		for (const [index, conversation] of scheduled.entries()) {
			expect(retried.items[index].json).toMatchObject({
				duplicate: true,
				trace_id: conversation.trace_id,
				conversation_id: conversation.conversation_id,
				scheduled_for: '2026-03-19T10:00:00Z',
			});
		}
		expect(engine.sim.state.conversations.size).toBe(5);
	});

	it('with Wait for Outcome, the calls placed before come out with their outcome again', async () => {
		const run = execution(call({ waitForOutcome: true, outcomePollInterval: 10 }));
		await run.start(rows);
		const placed = engine.sim.callsPlaced();
		expect(placed).toHaveLength(3);

		agents.push(999);
		const retried = await run.retry();
		expect(retried.error).toBeUndefined();
		expect(engine.sim.callsPlaced()).toHaveLength(5);
		for (const [index, first] of placed.entries()) {
			expect(retried.items[index].json).toMatchObject({
				duplicate: true,
				trace_id: first.trace_id,
				conversation_id: first.conversation_id,
				status: expect.stringMatching(/^(completed|no_answer|busy|failed|unreachable)$/),
				timed_out: false,
			});
		}
	});

	it('with Idempotency Key → None, the execution itself stops items 0–2 from ringing again', async () => {
		const run = execution(call({ idempotencyKeyMode: 'none' }));
		await run.start(rows);
		expect(callRequests(engine.sim)).toHaveLength(4);

		agents.push(999);
		const retried = await run.retry();
		expect(retried.error).toBeUndefined();
		// Only the refused item and the one never reached were sent: five calls, one each.
		expect(callRequests(engine.sim)).toHaveLength(6);
		expect(engine.sim.callsPlaced().map((c) => c.phone)).toEqual(PHONES);
		expect(retried.items.map((item) => item.json.duplicate ?? false)).toEqual([
			true,
			true,
			true,
			false,
			false,
		]);
		expect(retried.items[0].json.trace_id).toBe(engine.sim.callsPlaced()[0].trace_id);
	});

	it('with None and an answer that was lost, a Retry does not send that call again', async () => {
		engine.sim.faults.add({ path: '/v1/call', kind: 'error500', after: true });
		const run = execution(call({ idempotencyKeyMode: 'none' }));
		const first = await run.start(rows.slice(0, 1));
		expect(first.error).toBeDefined();
		expect(engine.sim.callsPlaced()).toHaveLength(1);

		const retried = await run.retry();
		expect(retried.error?.message).toMatch(
			/^An earlier try of this execution sent the call to \+919845030001 and got no answer, so it may have been placed; it is not sent again \[item 0\]$/,
		);
		expect(callRequests(engine.sim)).toHaveLength(1);
	});

	it('keeps only keys and short answers in the execution (no personal data beyond them)', async () => {
		const run = execution(call());
		await run.start(rows.slice(0, 2));
		const calls = run.context().formantAiCalls as IDataObject;
		expect(Object.values(calls)).toEqual([
			expect.objectContaining({ state: 'placed', trace_id: expect.any(String) }),
			expect.objectContaining({ state: 'placed', trace_id: expect.any(String) }),
		]);
		expect(JSON.stringify(calls)).not.toContain(engine.sim.apiKey);
	});
});
