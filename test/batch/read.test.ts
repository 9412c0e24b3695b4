import { deriveBatchRates, percent } from '../../nodes/FormantAi/helpers/metrics';
import { BATCH_START_DELAY_MS } from '../simulator/batchCalls';
import { pairedItems, requests, run, useSimulator } from './support';

const { sim } = useSimulator();

describe('Batch → Get', () => {
	it('returns the campaign, unwrapped', async () => {
		const batch = sim().seedBatch({ name: 'Seeded', rows: 3, agentId: 456 });
		const result = await run(sim(), {
			parameters: { resource: 'batch', operation: 'get', batchId: batch.id },
		});
		expect(result.items).toHaveLength(1);
		expect(result.items[0].json).toEqual({
			id: batch.id,
			name: 'Seeded',
			agent_id: 456,
			status: 'pending',
			total_recipients: 3,
			created_at: expect.any(String),
		});
		expect(requests(sim())).toEqual([`GET /v1/batch-calls/${batch.id}`]);
	});

	it("turns FormantAI's 404 into a clear error, or an error item linked to its item", async () => {
		const failed = await run(sim(), {
			parameters: { resource: 'batch', operation: 'get', batchId: 777 },
		});
		expect(failed.error?.message).toContain('batch not found');

		const kept = await run(sim(), {
			parameters: { resource: 'batch', operation: 'get', batchId: '={{ $json.id }}' },
			input: [{ json: { id: 777 } }, { json: { id: sim().seedBatch().id } }],
			continueOnFail: true,
		});
		expect(kept.items).toHaveLength(2);
		expect(kept.items[0].json).toMatchObject({ httpCode: '404', type: 'not_found' });
		expect(kept.items[1].json.total_recipients).toBe(5);
		expect(kept.items.map(pairedItems)).toEqual([[0], [1]]);
	});

	it.each([
		['0', 0],
		['a negative ID', -3],
		['a fraction', 1.5],
		['text', '={{ "abc" }}'],
	])('errors before any request on Batch ID %s', async (_, batchId) => {
		const result = await run(sim(), {
			parameters: { resource: 'batch', operation: 'get', batchId },
		});
		expect(result.error?.message).toMatch(/^Batch ID: must be a whole number above 0/);
		expect(sim().log).toHaveLength(0);
	});
});

describe('Batch → Get Many', () => {
	function seed(count: number, agentId = 123) {
		for (let i = 0; i < count; i++) sim().seedBatch({ agentId, name: `B${i}`, rows: 1 });
	}

	it('returns every campaign with Return All, one item per campaign, over several pages', async () => {
		seed(230);
		const result = await run(sim(), {
			parameters: { resource: 'batch', operation: 'getMany', returnAll: true },
		});
		expect(result.items).toHaveLength(230);
		expect(new Set(result.items.map((i) => i.json.id)).size).toBe(230);
		expect(result.items[0].json).toHaveProperty('total_recipients', 1);
		expect(result.items.every((i) => pairedItems(i)[0] === 0)).toBe(true);
		const pages = sim().log.filter((e) => e.path === '/v1/batch-calls');
		expect(pages.length).toBe(3);
		expect(pages.every((e) => Number(e.query.limit) <= 100)).toBe(true);
	});

	it('stops exactly at the Limit', async () => {
		seed(150);
		const result = await run(sim(), {
			parameters: { resource: 'batch', operation: 'getMany', returnAll: false, limit: 120 },
		});
		expect(result.items).toHaveLength(120);
		const asked = sim()
			.log.filter((e) => e.path === '/v1/batch-calls')
			.reduce((n, e) => n + Number(e.query.limit), 0);
		expect(asked).toBe(120);
	});

	it('filters by agent', async () => {
		seed(3, 123);
		seed(2, 456);
		const result = await run(sim(), {
			parameters: {
				resource: 'batch',
				operation: 'getMany',
				returnAll: true,
				filters: { agentId: 456 },
			},
		});
		expect(result.items.map((i) => i.json.agent_id)).toEqual([456, 456]);
		expect(sim().log[0].query.agent_id).toBe('456');
	});

	it('returns no items (and no error) when there are no campaigns', async () => {
		const result = await run(sim(), {
			parameters: { resource: 'batch', operation: 'getMany', returnAll: true },
		});
		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(0);
	});

	it.each([
		['Limit 0', { returnAll: false, limit: 0 }, /^Limit: must be a whole number above 0/],
		[
			'agent filter 0',
			{ returnAll: true, filters: { agentId: 0 } },
			/^Filters → Agent ID: must be a whole number above 0/,
		],
	])('errors before any request on %s', async (_, extra, message) => {
		const result = await run(sim(), {
			parameters: { resource: 'batch', operation: 'getMany', ...extra },
		});
		expect(result.error?.message).toMatch(message);
		expect(sim().log).toHaveLength(0);
	});
});

describe('Batch → Get Metrics', () => {
	it("returns FormantAI's counters and the derived rates", async () => {
		// Simulator outcome by last digit: 0-1 completed, 5 no_answer, 6 busy, 7 failed, 8 unreachable.
		const batch = sim().seedBatch({
			rows: [
				'+919876543210',
				'+919876543211',
				'+919876543215',
				'+919876543216',
				'+919876543217',
				'+919876543218',
			].map((customer_phone) => ({ customer_phone })),
		});
		await sim().clock.advance(BATCH_START_DELAY_MS + sim().options.callDurationMs + 1_000);
		const result = await run(sim(), {
			parameters: { resource: 'batch', operation: 'getMetrics', batchId: batch.id },
		});
		expect(result.items).toHaveLength(1);
		const json = result.items[0].json;
		expect(json).toMatchObject({
			batch_id: batch.id,
			completed_count: 2,
			no_answer_count: 1,
			busy_count: 1,
			failed_count: 1,
			unreachable_count: 1,
			total_processed: 6,
			success_rate: 33.3,
		});
		expect(json.derived).toEqual({
			connect_rate_percent: 33.33,
			outcome_share_percent: {
				busy: 16.67,
				completed: 33.33,
				failed: 16.67,
				no_answer: 16.67,
				socket_failure: 0,
				unreachable: 16.67,
			},
		});
		expect(requests(sim())).toEqual([`GET /v1/batch-calls/${batch.id}/metrics`]);
	});

	it('gives null rates, not a division by zero, while nothing is processed', async () => {
		const batch = sim().seedBatch({ rows: 2 });
		const result = await run(sim(), {
			parameters: { resource: 'batch', operation: 'getMetrics', batchId: batch.id },
		});
		const json = result.items[0].json;
		expect(json.total_processed).toBe(0);
		expect(json.derived).toEqual({
			connect_rate_percent: null,
			outcome_share_percent: {
				busy: null,
				completed: null,
				failed: null,
				no_answer: null,
				socket_failure: null,
				unreachable: null,
			},
		});
	});

	it('errors before any request on Batch ID 0', async () => {
		const result = await run(sim(), {
			parameters: { resource: 'batch', operation: 'getMetrics', batchId: 0 },
		});
		expect(result.error?.message).toMatch(/^Batch ID: must be a whole number above 0/);
		expect(sim().log).toHaveLength(0);
	});

	it('keeps a counter FormantAI leaves out as null instead of guessing', () => {
		expect(percent(1, 3)).toBe(33.33);
		expect(percent(undefined, 3)).toBeNull();
		expect(percent(1, 0)).toBeNull();
		const derived = deriveBatchRates({ total_processed: 4, completed_count: 4 });
		expect(derived.connect_rate_percent).toBe(100);
		expect((derived.outcome_share_percent as Record<string, unknown>).busy).toBeNull();
	});
});
