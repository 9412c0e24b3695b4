import { useSimulator } from './useSimulator';
import { wavHeader, wavStream } from './wav';

const T0 = Date.parse('2026-03-18T20:53:41.766Z');

describe('simulator: conversations', () => {
	const env = useSimulator({ now: T0 });

	it('lists with the documented item fields and envelope', async () => {
		await env.api.post('/v1/call', {
			agent_id: 123,
			parameters: [{ name: 'customer_phone', value: '+919876543210' }],
		});
		await env.sim.clock.advance(30_000);
		const res = await env.api.get('/v1/conversations', { params: { limit: 10 } });
		expect(res.status).toBe(200);
		expect(res.data).toEqual({
			data: [
				{
					agent_id: 123,
					contact_number: '+919876543210',
					conversation_id: expect.stringMatching(/_1$/),
					duration_seconds: 30,
					end_timestamp: T0 + 30_000,
					start_timestamp: T0,
					status: 'completed',
				},
			],
			has_more: false,
			total: 1,
		});
	});

	it('returns the documented detail fields', async () => {
		await env.api.post('/v1/call', {
			agent_id: 123,
			parameters: [
				{ name: 'customer_phone', value: '+919876543210' },
				{ name: 'customer_name', value: 'Rahul' },
			],
		});
		await env.sim.clock.advance(30_000);
		const id = env.sim.callsPlaced()[0].conversation_id;
		const res = await env.api.get(`/v1/conversations/${id}`);
		expect(res.status).toBe(200);
		const d = res.data.data;
		expect(Object.keys(d).sort()).toEqual(
			[
				'agent_id',
				'contact_number',
				'conversation_id',
				'duration_seconds',
				'end_timestamp',
				'failure_reason',
				'results',
				'start_timestamp',
				'status',
				'trace_id',
				'transcript',
			].sort(),
		);
		expect(d).toMatchObject({
			agent_id: 123,
			contact_number: '+919876543210',
			conversation_id: id,
			duration_seconds: 30,
			failure_reason: null,
			status: 'completed',
			trace_id: env.sim.callsPlaced()[0].trace_id,
		});
		expect(typeof d.results.intent).toBe('string');
		expect(typeof d.results.sentiment).toBe('string');
		for (const t of d.transcript) {
			expect(['agent', 'human']).toContain(t.role);
			expect(typeof t.message).toBe('string');
		}
	});

	it('404 not_found for an unknown conversation', async () => {
		const res = await env.api.get('/v1/conversations/nope_1');
		expect(res.status).toBe(404);
		expect(res.data.error.type).toBe('not_found');
	});

	it('paginates newest first with limit/offset/has_more/total and filters by agent_id', async () => {
		env.sim.seedConversations(45, { agentId: 123 });
		env.sim.seedConversations(5, { agentId: 456, phonePrefix: '+1415' });
		const all = await env.api.get('/v1/conversations');
		expect(all.data.data).toHaveLength(20);
		expect(all.data.total).toBe(50);
		expect(all.data.has_more).toBe(true);

		const seen: string[] = [];
		let offset = 0;
		for (;;) {
			const page = await env.api.get('/v1/conversations', {
				params: { agent_id: 123, limit: 20, offset },
			});
			expect(page.data.total).toBe(45);
			seen.push(...page.data.data.map((c: { conversation_id: string }) => c.conversation_id));
			for (const c of page.data.data) expect(c.agent_id).toBe(123);
			if (!page.data.has_more) break;
			offset += 20;
		}
		expect(seen).toHaveLength(45);
		expect(new Set(seen).size).toBe(45);

		const list = (await env.api.get('/v1/conversations', { params: { limit: 100 } })).data
			.data as Array<{ start_timestamp: number }>;
		for (let i = 1; i < list.length; i++)
			expect(list[i - 1].start_timestamp).toBeGreaterThanOrEqual(list[i].start_timestamp);

		const past = await env.api.get('/v1/conversations', { params: { offset: 100 } });
		expect(past.data).toEqual({ data: [], has_more: false, total: 50 });
	});

	it.each([
		[{ limit: 101 }, 'limit must be between 1 and 100'],
		[{ limit: 0 }, 'limit must be between 1 and 100'],
		[{ limit: 'ten' }, 'limit must be an integer'],
		[{ offset: -1 }, 'offset must be 0 or greater'],
		[{ agent_id: 'x' }, 'agent_id must be an integer'],
	])('400 invalid_request for query %j', async (params, message) => {
		const res = await env.api.get('/v1/conversations', { params });
		expect(res.status).toBe(400);
		expect(res.data).toEqual({ error: { message, type: 'invalid_request' } });
	});

	it('seeds 10,000 conversations and pages through them', async () => {
		env.sim.seedConversations(10_000);
		const res = await env.api.get('/v1/conversations', { params: { limit: 100, offset: 9_950 } });
		expect(res.data.total).toBe(10_000);
		expect(res.data.data).toHaveLength(50);
		expect(res.data.has_more).toBe(false);
	});

	describe('recording', () => {
		const callAndGetId = async (phone = '+919876543210'): Promise<string> => {
			await env.api.post('/v1/call', {
				agent_id: 123,
				parameters: [{ name: 'customer_phone', value: phone }],
			});
			return env.sim.callsPlaced().slice(-1)[0].conversation_id;
		};

		it('404s while live and until recordingDelayMs after the end, then serves a valid WAV', async () => {
			const id = await callAndGetId();
			const url = `/v1/conversations/${id}/recording`;
			const live = await env.api.get(url);
			expect(live.status).toBe(404);
			expect(live.data).toEqual({ error: { message: 'recording not found', type: 'not_found' } });
			await env.sim.clock.advance(30_000 + 9_999);
			expect((await env.api.get(url)).status).toBe(404);
			await env.sim.clock.advance(1);
			const res = await env.api.get(url, { responseType: 'arraybuffer' });
			expect(res.status).toBe(200);
			expect(res.headers['content-type']).toBe('audio/wav');
			const buf = Buffer.from(res.data as ArrayBuffer);
			expect(buf.length).toBe(64 * 1024);
			expect(res.headers['content-length']).toBe(String(64 * 1024));
			expect(buf.toString('ascii', 0, 4)).toBe('RIFF');
			expect(buf.readUInt32LE(4)).toBe(buf.length - 8);
			expect(buf.toString('ascii', 8, 16)).toBe('WAVEfmt ');
			expect(buf.readUInt16LE(20)).toBe(1); // PCM
			expect(buf.toString('ascii', 36, 40)).toBe('data');
			expect(buf.readUInt32LE(40)).toBe(buf.length - 44);
		});

		it('serves the configured size', async () => {
			await env.restart({ now: T0, recordingBytes: 3 * 1024 * 1024 + 100, recordingDelayMs: 0 });
			const id = await callAndGetId();
			await env.sim.clock.advance(30_000);
			const res = await env.api.get(`/v1/conversations/${id}/recording`, {
				responseType: 'arraybuffer',
			});
			const buf = Buffer.from(res.data as ArrayBuffer);
			expect(buf.length).toBe(3 * 1024 * 1024 + 100);
			expect(buf.readUInt32LE(40)).toBe(buf.length - 44);
		});

		it('404s for calls that did not complete', async () => {
			const id = await callAndGetId('+919876543215');
			await env.sim.clock.advance(3_600_000);
			expect((await env.api.get(`/v1/conversations/${id}`)).data.data.status).toBe('no_answer');
			const res = await env.api.get(`/v1/conversations/${id}/recording`);
			expect(res.status).toBe(404);
			expect(res.data.error.type).toBe('not_found');
		});

		it('is ready for seeded completed conversations', async () => {
			const [c] = env.sim.seedConversations(1, { status: 'completed' });
			const res = await env.api.get(`/v1/conversations/${c.conversation_id}/recording`, {
				responseType: 'arraybuffer',
			});
			expect(res.status).toBe(200);
		});
	});

	it('generates large recordings chunk by chunk (never one big buffer)', async () => {
		const total = 50 * 1024 * 1024;
		let size = 0;
		let biggest = 0;
		let first: Buffer | undefined;
		for await (const chunk of wavStream(total)) {
			const b = chunk as Buffer;
			first ??= b;
			size += b.length;
			biggest = Math.max(biggest, b.length);
		}
		expect(size).toBe(total);
		expect(biggest).toBeLessThanOrEqual(64 * 1024);
		expect(first!.equals(wavHeader(total))).toBe(true);
	});
});
