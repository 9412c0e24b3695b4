import type { INodeParameters } from 'n8n-workflow';

import { runtime } from '../../nodes/FormantAi/transport';
import type { Engine } from '../harness';
import { startEngine } from '../harness';

/**
 * Wait for Outcome on a busy agent: FormantAI lists conversations newest first and filters only
 * by agent, so a campaign on the same agent pushes the call below the newest page.
 */

const call: INodeParameters = {
	resource: 'call',
	operation: 'create',
	agentId: 123,
	customerPhone: '+919876543210',
	waitForOutcome: true,
	outcomePollInterval: 10,
};

describe('Wait for Outcome on a busy agent', () => {
	let engine: Engine;
	afterEach(async () => {
		await engine.close();
	});

	/** Once the call is placed, `count` newer conversations of the same agent appear. */
	async function busyAfterTheCall(count: number) {
		engine = await startEngine({ ringMs: 5_000, callDurationMs: 30_000 });
		const sleep = runtime.sleep;
		let seeded = false;
		runtime.sleep = async (ms, signal) => {
			await sleep(ms, signal);
			const [placed] = engine.sim.callsPlaced();
			if (seeded || !placed) return;
			seeded = true;
			const newer = engine.sim.seedConversations(count, { agentId: 123, spacingMs: 1 });
			for (const [index, conversation] of newer.entries()) {
				conversation.created_at = placed.at + 1 + index;
			}
			engine.sim.state.conversationListDirty = true;
		};
	}

	it('finds its call under 500 newer conversations of the same agent', async () => {
		await busyAfterTheCall(500);
		const result = await engine.run(call);
		const [placed] = engine.sim.callsPlaced();
		expect(result.items[0].json).toMatchObject({
			status: 'completed',
			timed_out: false,
			trace_id: placed.trace_id,
			conversation_id: placed.conversation_id,
		});
		const pages = engine.sim.log
			.filter((e) => e.method === 'GET' && e.path === '/v1/conversations')
			.map((e) => e.query.offset);
		// Pages of 100 are read until the call is found (it is the 501st), then only its ID.
		// (A page may be asked twice if the loaded test machine lets a request time out.)
		expect([...new Set(pages)]).toEqual(['0', '100', '200', '300', '400', '500']);
	});

	it('reads a bounded number of pages per poll: a call under 1,000 newer ones is not found', async () => {
		await busyAfterTheCall(1_000);
		const result = await engine.run({ ...call, outcomeMaxWait: 30 });
		expect(result.items[0].json).toMatchObject({ timed_out: true, status: 'initiated' });
		const offsets = engine.sim.log
			.filter((e) => e.method === 'GET' && e.path === '/v1/conversations')
			.map((e) => Number(e.query.offset));
		// Two polls (at 10 s and 25 s), each reading pages 0–900 and no further.
		expect(Math.max(...offsets)).toBe(900);
		expect(offsets.filter((offset) => offset === 0).length).toBeGreaterThanOrEqual(2);
	});
});
