import type { IDataObject } from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import { runtime } from '../../nodes/FormantAi/transport';
import type { Engine } from '../harness';
import { startEngine, T0 } from '../harness';

const get = (conversationId: string, extra: IDataObject = {}) => ({
	resource: 'conversation',
	operation: 'get',
	conversationId,
	...extra,
});

describe('Conversation', () => {
	let engine: Engine;
	beforeEach(async () => {
		engine = await startEngine();
	});
	afterEach(async () => {
		await engine.close();
	});

	describe('Get', () => {
		it('Simplify (default): one flat item with ISO times, results, transcript text and turns', async () => {
			const [c] = engine.sim.seedConversations(1, { status: 'completed' });
			const result = await engine.run(get(c.conversation_id));
			expect(result.error).toBeUndefined();
			const json = result.items[0].json;
			expect(json).toMatchObject({
				conversation_id: c.conversation_id,
				agent_id: 123,
				status: 'completed',
				contact_number: c.contact_number,
				duration_seconds: 30,
				started_at: new Date(c.start_timestamp!).toISOString().replace('.000Z', 'Z'),
				ended_at: new Date(c.end_timestamp!).toISOString().replace('.000Z', 'Z'),
				failure_reason: null,
				result_intent: c.results.intent,
				result_sentiment: c.results.sentiment,
				trace_id: c.trace_id,
			});
			expect(String(json.transcript).split('\n')).toEqual([
				`Agent: ${c.transcript[0].message}`,
				'Customer: Yes, I can talk.',
				`Agent: ${c.transcript[2].message}`,
				'Customer: Okay, that sounds fine. Thank you.',
			]);
			expect(json.transcript_turns).toEqual(c.transcript);
			expect(result.items[0].pairedItem).toEqual({ item: 0 });
		});

		it('Simplify off: the full record', async () => {
			const [c] = engine.sim.seedConversations(1, { status: 'no_answer' });
			const result = await engine.run(get(c.conversation_id, { simplify: false }));
			expect(result.items[0].json).toMatchObject({
				conversation_id: c.conversation_id,
				start_timestamp: c.start_timestamp,
				results: {},
				transcript: [],
				status: 'no_answer',
			});
		});

		it('by expression over several items; an unknown ID fails only its item (Continue On Fail)', async () => {
			const seeded = engine.sim.seedConversations(2);
			const missing = '00000000-0000-4000-8000-000000000000_1';
			const result = await engine.run(get('={{ $json.id }}'), {
				input: [
					{ json: { id: seeded[0].conversation_id } },
					{ json: { id: missing } },
					{ json: { id: seeded[1].conversation_id } },
				],
				continueOnFail: true,
			});
			expect(result.items.map((i) => i.pairedItem)).toEqual([
				{ item: 0 },
				{ item: 1 },
				{ item: 2 },
			]);
			expect(result.items[0].json.conversation_id).toBe(seeded[0].conversation_id);
			expect(result.items[1].json).toMatchObject({
				error: 'conversation not found',
				httpCode: '404',
			});
			expect(result.items[2].json.conversation_id).toBe(seeded[1].conversation_id);
		});

		it("without Continue On Fail, the error carries FormantAI's message and the item", async () => {
			const result = await engine.run(get('00000000-0000-4000-8000-000000000000'));
			expect(result.error?.message).toBe('conversation not found');
			expect(result.error?.context?.itemIndex).toBe(0);
		});
	});

	describe('Get Many', () => {
		const getMany = (extra: IDataObject = {}) => ({
			resource: 'conversation',
			operation: 'getMany',
			...extra,
		});

		it('Return All pages through everything (limit 100 pages), one linked item each', async () => {
			engine.sim.seedConversations(250);
			const result = await engine.run(getMany({ returnAll: true }));
			expect(result.items).toHaveLength(250);
			expect(new Set(result.items.map((i) => i.json.conversation_id)).size).toBe(250);
			expect(result.items.every((i) => (i.pairedItem as { item: number }).item === 0)).toBe(true);
			const pages = engine.sim.log.filter((e) => e.path === '/v1/conversations');
			expect(pages.map((p) => p.query.offset).sort()).toEqual(['0', '100', '200']);
			expect(result.items[0].json.started_at).toMatch(/^2026-03-18T\d\d:\d\d:\d\d/);
		});

		it('Return All of 140,000 conversations: every one comes out, linked (no call-stack limit on items)', async () => {
			engine.sim.seedConversations(140_000);
			const result = await engine.run(getMany({ returnAll: true, simplify: false }));
			expect(result.error).toBeUndefined();
			expect(result.items).toHaveLength(140_000);
			expect(new Set(result.items.map((i) => i.json.conversation_id)).size).toBe(140_000);
			expect(result.items.every((i) => (i.pairedItem as { item: number }).item === 0)).toBe(true);
			expect(engine.sim.log.filter((e) => e.path === '/v1/conversations')).toHaveLength(1_400);
		});

		it('Limit returns exactly that many', async () => {
			engine.sim.seedConversations(130);
			const result = await engine.run(getMany({ limit: 105 }));
			expect(result.items).toHaveLength(105);
		});

		it('agent filter goes to FormantAI; raw records when Simplify is off', async () => {
			engine.sim.seedConversations(3, { agentId: 456 });
			engine.sim.seedConversations(2, { agentId: 123 });
			const result = await engine.run(
				getMany({ returnAll: true, simplify: false, filters: { agentId: 456 } }),
			);
			expect(result.items).toHaveLength(3);
			expect(result.items[0].json.start_timestamp).toEqual(expect.any(Number));
			expect(engine.sim.log[0].query.agent_id).toBe('456');
		});

		it('status and start-time filters are applied by the node, not counted towards Limit', async () => {
			// 40 calls a minute apart; numbers ending 5 are no_answer, 6 busy.
			const seeded = engine.sim.seedConversations(40);
			const noAnswer = seeded.filter((c) => c.status === 'no_answer');
			const result = await engine.run(getMany({ limit: 3, filters: { status: ['no_answer'] } }));
			expect(result.items).toHaveLength(3);
			expect(result.items.every((i) => i.json.status === 'no_answer')).toBe(true);
			const all = await engine.run(
				getMany({ returnAll: true, filters: { status: ['no_answer', 'busy'] } }),
			);
			expect(all.items).toHaveLength(
				noAnswer.length + seeded.filter((c) => c.status === 'busy').length,
			);

			const from = seeded[10].start_timestamp!;
			const to = seeded[20].start_timestamp!;
			const window = await engine.run(
				getMany({
					returnAll: true,
					filters: {
						startedAfter: new Date(from).toISOString(),
						startedBefore: new Date(to).toISOString(),
					},
				}),
			);
			expect(window.items.map((i) => i.json.conversation_id).sort()).toEqual(
				seeded
					.slice(10, 20)
					.map((c) => c.conversation_id)
					.sort(),
			);
		});

		it('Ended After / Before: exactly the conversations that ended in the window, live calls left out', async () => {
			// 40 calls a minute apart, 30 s each; then one still running.
			const seeded = engine.sim.seedConversations(40);
			const from = seeded[10].end_timestamp!;
			const to = seeded[20].end_timestamp!;
			const window = await engine.run(
				getMany({
					returnAll: true,
					filters: {
						endedAfter: new Date(from).toISOString(),
						endedBefore: new Date(to).toISOString(),
					},
				}),
			);
			expect(window.error).toBeUndefined();
			expect(window.items.map((i) => i.json.conversation_id).sort()).toEqual(
				seeded
					.slice(10, 20)
					.map((c) => c.conversation_id)
					.sort(),
			);
			expect(window.items.every((i) => Date.parse(String(i.json.ended_at)) >= from)).toBe(true);

			// A call placed now has no end yet: Ended After never returns it.
			const placed = await engine.run({
				resource: 'call',
				operation: 'create',
				agentId: 123,
				customerPhone: '+919845000012',
			});
			expect(placed.error).toBeUndefined();
			const since = await engine.run(
				getMany({ returnAll: true, filters: { endedAfter: new Date(from).toISOString() } }),
			);
			expect(since.items.map((i) => i.json.conversation_id).sort()).toEqual(
				seeded
					.slice(10)
					.map((c) => c.conversation_id)
					.sort(),
			);
		});

		it('Ended After stops reading pages once the list is past the time (newest first), not at the end', async () => {
			// 1,000 calls a minute apart (about 16.7 hours), newest first in the list.
			const seeded = engine.sim.seedConversations(1000);
			const from = seeded[990].end_timestamp!;
			const result = await engine.run(
				getMany({ returnAll: true, filters: { endedAfter: new Date(from).toISOString() } }),
			);
			expect(result.items.map((i) => i.json.conversation_id).sort()).toEqual(
				seeded
					.slice(990)
					.map((c) => c.conversation_id)
					.sort(),
			);
			// The 10 wanted and the 6 hours (360 calls) of the list's slack fit in 4 pages of 100,
			// where reading to the end takes 10.
			const pages = () => engine.sim.log.filter((e) => e.path === '/v1/conversations');
			expect(pages().map((p) => p.query.offset)).toEqual(['0', '100', '200', '300']);

			// Started After stops the same way; without a lower bound every page is read.
			engine.sim.clearLog();
			const started = await engine.run(
				getMany({
					returnAll: true,
					filters: { startedAfter: new Date(seeded[990].start_timestamp!).toISOString() },
				}),
			);
			expect(started.items).toHaveLength(10);
			expect(pages()).toHaveLength(4);
			engine.sim.clearLog();
			const before = await engine.run(
				getMany({ returnAll: true, filters: { endedBefore: new Date(from).toISOString() } }),
			);
			expect(before.items).toHaveLength(990);
			expect(pages()).toHaveLength(10);
		});

		it('fans out per input item, each result linked to its item', async () => {
			engine.sim.seedConversations(2, { agentId: 456 });
			engine.sim.seedConversations(3, { agentId: 497 });
			const result = await engine.run(
				getMany({ returnAll: true, filters: { agentId: '={{ $json.agent }}' } }),
				{ input: [{ json: { agent: 456 } }, { json: { agent: 497 } }] },
			);
			expect(result.items.map((i) => i.pairedItem)).toEqual([
				{ item: 0 },
				{ item: 0 },
				{ item: 1 },
				{ item: 1 },
				{ item: 1 },
			]);
			expect(result.items.map((i) => i.json.agent_id)).toEqual([456, 456, 497, 497, 497]);
		});

		it('retries a failing page (GET is safe) and still returns everything', async () => {
			engine.sim.seedConversations(150);
			engine.sim.faults.add({ path: '/v1/conversations', kind: 'html502' });
			engine.sim.faults.add({ path: '/v1/conversations', kind: 'rateLimit429', retryAfter: 2 });
			const result = await engine.run(getMany({ returnAll: true }));
			expect(result.items).toHaveLength(150);
			// Retry-After's 2 s, plus the jitter (half of 0.25 s with the engine's random 0.5).
			expect(engine.sleeps).toContain(2_000 + 125);
		});
	});

	describe('Download Recording', () => {
		const download = (conversationId: string, extra: IDataObject = {}) => ({
			resource: 'conversation',
			operation: 'downloadRecording',
			conversationId,
			...extra,
		});

		it('streams the audio into the binary field, named <id>.wav, audio/wav', async () => {
			const [c] = engine.sim.seedConversations(1, { status: 'completed' });
			const result = await engine.run(download(c.conversation_id));
			expect(result.error).toBeUndefined();
			const item = result.items[0];
			expect(item.binary?.data).toMatchObject({
				fileName: `${c.conversation_id}.wav`,
				mimeType: 'audio/wav',
			});
			expect(item.json).toMatchObject({
				conversation_id: c.conversation_id,
				mime_type: 'audio/wav',
			});
			const bytes = await result.binary(item, 'data');
			expect(bytes.subarray(0, 4).toString('latin1')).toBe('RIFF');
			expect(item.pairedItem).toEqual({ item: 0 });
		});

		it('puts the file in a configurable field, in filesystem binary mode too', async () => {
			const [c] = engine.sim.seedConversations(1, { status: 'completed' });
			const result = await engine.run(
				download(c.conversation_id, { binaryPropertyName: 'audio' }),
				{
					binaryMode: 'filesystem',
				},
			);
			expect(Object.keys(result.items[0].binary ?? {})).toEqual(['audio']);
			expect((await result.binary(result.items[0], 'audio')).length).toBeGreaterThan(1000);
		});

		/** Places a call and ends it now: its recording is not ready yet. */
		const endedCall = async (): Promise<string> => {
			await engine.run({
				resource: 'call',
				operation: 'create',
				agentId: 123,
				customerPhone: '+919876543210',
			});
			const id = engine.sim.callsPlaced()[0].conversation_id;
			await engine.sim.endCall(id, 'completed');
			return id;
		};

		it('not ready yet, without waiting: a clear error', async () => {
			const id = await endedCall();
			const result = await engine.run(download(id));
			expect(result.error?.message).toBe('recording not found');
			expect(result.error?.description).toContain('Wait Until Ready');
		});

		it('waits until the recording is ready (polling through the runtime clock)', async () => {
			const id = await endedCall();
			const result = await engine.run(
				download(id, {
					options: { waitForRecording: true, pollIntervalSeconds: 4, maxWaitSeconds: 60 },
				}),
			);
			expect(result.error).toBeUndefined();
			expect(result.items[0].binary?.data?.fileName).toBe(`${id}.wav`);
			// Ready 10 s after the call ended: three 4-second waits.
			expect(engine.sleeps).toEqual([4_000, 4_000, 4_000]);
		});

		it('never ready: a clear error after the bounded wait', async () => {
			const [c] = engine.sim.seedConversations(1, { status: 'no_answer' });
			const result = await engine.run(
				download(c.conversation_id, {
					options: { waitForRecording: true, pollIntervalSeconds: 10, maxWaitSeconds: 45 },
				}),
			);
			expect(result.error?.message).toBe(
				`The recording of conversation ${c.conversation_id} did not become available within 45 s (5 checks; FormantAI's last answer: recording not found)`,
			);
			expect(engine.sleeps).toEqual([10_000, 10_000, 10_000, 10_000]);
			expect(engine.sim.clock.now()).toBe(T0 + 40_000);
		});

		it('cancelled while waiting: a clear "cancelled" error for the item, not the raw abort reason', async () => {
			const [c] = engine.sim.seedConversations(1, { status: 'no_answer' });
			let cancel = () => {};
			// n8n's own sleep rejects with the raw abort reason when the execution is cancelled.
			runtime.sleep = async (ms, signal) => {
				cancel();
				await sleep(ms, signal);
			};
			const result = await engine.run(
				download(c.conversation_id, { options: { waitForRecording: true } }),
				{ onStarted: (fn) => (cancel = fn) },
			);
			expect(result.error?.message).toBe(
				`The execution was cancelled while waiting for the recording of conversation ${c.conversation_id}`,
			);
			expect(result.error?.context?.itemIndex).toBe(0);
			expect(engine.sim.log).toHaveLength(1);
		});
	});

	it('never shows the API key', async () => {
		const [c] = engine.sim.seedConversations(1, { status: 'completed' });
		engine.sim.faults.add({ path: '/v1/conversations', kind: 'truncatedJson', count: 100 });
		const failed = await engine.run(get(c.conversation_id));
		engine.sim.faults.clear();
		const ok = await engine.run({
			resource: 'conversation',
			operation: 'downloadRecording',
			conversationId: c.conversation_id,
		});
		expect(failed.error).toBeDefined();
		expect(JSON.stringify([failed.run, failed.error, ok.run])).not.toContain(engine.sim.apiKey);
	});
});
