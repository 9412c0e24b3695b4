import { parseCsv } from './csv';
import { useSimulator } from './useSimulator';

const T0 = Date.parse('2026-03-16T10:30:00Z');

function csvForm(
	csv: string | Uint8Array,
	opts: { agentId?: string; name?: string; filename?: string; type?: string } = {},
): FormData {
	const form = new FormData();
	if (opts.agentId !== '') form.append('agent_id', opts.agentId ?? '123');
	if (opts.name !== '') form.append('name', opts.name ?? 'March Follow Ups');
	const bytes = typeof csv === 'string' ? new TextEncoder().encode(csv) : csv;
	form.append(
		'file',
		new Blob([new Uint8Array(bytes)], { type: opts.type ?? 'text/csv' }),
		opts.filename ?? 'recipients.csv',
	);
	return form;
}

describe('simulator: batch calls', () => {
	const env = useSimulator({ now: T0, perNumberLimit: false });

	const docsCsv =
		'customer_phone,customer_name,loan_id,due_amount\n+919876543210,Rahul,LN-12345,29000\n+919812345678,Anita,LN-67890,15000\n';

	it('creates a batch from the documented CSV with the documented response shape', async () => {
		const res = await env.api.post('/v1/batch-call', csvForm(docsCsv));
		expect(res.status).toBe(200);
		expect(res.data).toEqual({
			data: {
				id: expect.any(Number),
				name: 'March Follow Ups',
				agent_id: 123,
				status: 'pending',
				total_recipients: 2,
				created_at: '2026-03-16T10:30:00.000Z',
			},
		});
		const id = res.data.data.id as number;
		expect((await env.api.get(`/v1/batch-calls/${id}`)).data).toEqual(res.data);
		const log = env.sim.log.find((l) => l.path === '/v1/batch-call')!;
		expect(log.body).toEqual({
			fields: { agent_id: '123', name: 'March Follow Ups' },
			files: [
				{
					field: 'file',
					filename: 'recipients.csv',
					contentType: 'text/csv',
					size: docsCsv.length,
				},
			],
		});
	});

	it('dials rows over virtual time with the other columns as parameters, then completes', async () => {
		const id = (await env.api.post('/v1/batch-call', csvForm(docsCsv))).data.data.id as number;
		expect(env.sim.callsPlaced()).toHaveLength(0);
		await env.sim.clock.advance(1_000);
		expect((await env.api.get(`/v1/batch-calls/${id}`)).data.data.status).toBe('in_progress');
		const placed = env.sim.callsPlaced();
		expect(placed.map((p) => p.parameters)).toEqual([
			{
				customer_phone: '+919876543210',
				customer_name: 'Rahul',
				loan_id: 'LN-12345',
				due_amount: '29000',
			},
			{
				customer_phone: '+919812345678',
				customer_name: 'Anita',
				loan_id: 'LN-67890',
				due_amount: '15000',
			},
		]);
		expect(placed.every((p) => p.source === 'batch' && p.batch_id === id)).toBe(true);

		const mid = (await env.api.get(`/v1/batch-calls/${id}/metrics`)).data.data;
		expect(mid).toMatchObject({ in_progress_count: 2, total_processed: 0, success_rate: 0 });

		await env.sim.clock.advance(30_000);
		expect((await env.api.get(`/v1/batch-calls/${id}`)).data.data.status).toBe('completed');
		const metrics = await env.api.get(`/v1/batch-calls/${id}/metrics`);
		expect(metrics.status).toBe(200);
		// +…210 completes, +…678 is unreachable (last digit 8).
		expect(metrics.data).toEqual({
			data: {
				avg_duration_seconds: 30,
				busy_count: 0,
				completed_count: 1,
				failed_count: 0,
				in_progress_count: 0,
				no_answer_count: 0,
				pending_retry_count: 0,
				socket_failure_count: 0,
				success_count: 1,
				success_rate: 50,
				total_processed: 2,
				unreachable_count: 1,
			},
		});
		for (const v of Object.values(metrics.data.data)) expect(typeof v).toBe('number');
	});

	it('respects the concurrent call cap while dialling rows', async () => {
		await env.restart({ now: T0, maxConcurrentCalls: 3, perNumberLimit: false });
		const rows = Array.from({ length: 7 }, (_, i) => `+91981234560${i}`).join('\n');
		const id = (await env.api.post('/v1/batch-call', csvForm(`customer_phone\n${rows}\n`))).data
			.data.id as number;
		await env.sim.clock.advance(1_000);
		expect(env.sim.callsPlaced()).toHaveLength(3);
		// A direct call is refused while the batch holds every slot.
		const direct = await env.api.post('/v1/call', {
			agent_id: 123,
			parameters: [{ name: 'customer_phone', value: '+14155550100' }],
		});
		expect(direct.status).toBe(429);
		expect(direct.data.error.type).toBe('concurrent_call_limit_exceeded');
		await env.sim.clock.advance(30_000);
		expect(env.sim.callsPlaced()).toHaveLength(6);
		await env.sim.clock.advance(30_000);
		expect(env.sim.callsPlaced()).toHaveLength(7);
		await env.sim.clock.advance(30_000);
		const m = (await env.api.get(`/v1/batch-calls/${id}/metrics`)).data.data;
		expect(m.total_processed).toBe(7);
		// Digits 0-4 complete: 5 of 7.
		expect(m.success_rate).toBe(71.4);
		expect(m.no_answer_count + m.busy_count).toBe(2);
	});

	it('handles quotes, commas, newlines, Hindi names, BOM and CRLF', async () => {
		const csv =
			'\uFEFFcustomer_phone,customer_name,note\r\n' +
			'+919876543210,"Sharma, Rahul","said ""call me later""\r\nafter 5pm"\r\n' +
			'+919812345670,राहुल शर्मा,नमस्ते\r\n' +
			'\r\n';
		const res = await env.api.post('/v1/batch-call', csvForm(csv));
		expect(res.status).toBe(200);
		expect(res.data.data.total_recipients).toBe(2);
		await env.sim.clock.advance(1_000);
		expect(env.sim.callsPlaced().map((p) => p.parameters)).toEqual([
			{
				customer_phone: '+919876543210',
				customer_name: 'Sharma, Rahul',
				note: 'said "call me later"\r\nafter 5pm',
			},
			{ customer_phone: '+919812345670', customer_name: 'राहुल शर्मा', note: 'नमस्ते' },
		]);
	});

	it('accepts a .csv file sent as application/octet-stream, and text/csv without the extension', async () => {
		expect(
			(await env.api.post('/v1/batch-call', csvForm(docsCsv, { type: 'application/octet-stream' })))
				.status,
		).toBe(200);
		expect(
			(await env.api.post('/v1/batch-call', csvForm(docsCsv, { filename: 'recipients' }))).status,
		).toBe(200);
	});

	it.each([
		[
			'file must be a CSV (.csv)',
			{ filename: 'recipients.xlsx', type: 'application/vnd.ms-excel' },
			docsCsv,
		],
		['CSV must have a customer_phone column', {}, 'phone,name\n+919876543210,Rahul\n'],
		['CSV must contain at least one recipient row', {}, 'customer_phone,customer_name\n'],
		['CSV file is empty', {}, ''],
		['CSV row 2 has an empty customer_phone', {}, 'customer_phone,customer_name\n,Rahul\n'],
		['CSV could not be parsed: unterminated quoted field', {}, 'customer_phone\n"+91987\n'],
		['agent_id is required', { agentId: '' }, docsCsv],
		['agent_id must be an integer', { agentId: 'abc' }, docsCsv],
		['name is required', { name: '' }, docsCsv],
	])('400 invalid_request: %s', async (message, opts, csv) => {
		const res = await env.api.post('/v1/batch-call', csvForm(csv, opts));
		expect(res.status).toBe(400);
		expect(res.data).toEqual({ error: { message, type: 'invalid_request' } });
	});

	it('400 without a file and for a non-multipart body; 404 for an unknown agent', async () => {
		const form = new FormData();
		form.append('agent_id', '123');
		form.append('name', 'x');
		expect((await env.api.post('/v1/batch-call', form)).data.error.message).toBe(
			'file is required',
		);
		const json = await env.api.post('/v1/batch-call', { agent_id: 123 });
		expect(json.status).toBe(400);
		expect(json.data.error.message).toBe('request must be multipart/form-data');
		const unknown = await env.api.post('/v1/batch-call', csvForm(docsCsv, { agentId: '999' }));
		expect(unknown.status).toBe(404);
		expect(unknown.data).toEqual({ error: { message: 'agent not found', type: 'not_found' } });
	});

	it('lists batches newest first with the list envelope, agent filter and 404s', async () => {
		for (let i = 0; i < 3; i++) {
			await env.api.post(
				'/v1/batch-call',
				csvForm(docsCsv, { name: `b${i}`, agentId: i === 2 ? '456' : '123' }),
			);
			await env.sim.clock.advance(60_000);
		}
		const list = await env.api.get('/v1/batch-calls', { params: { limit: 2 } });
		expect(list.status).toBe(200);
		expect(list.data.total).toBe(3);
		expect(list.data.has_more).toBe(true);
		expect(list.data.data.map((b: { name: string }) => b.name)).toEqual(['b2', 'b1']);
		expect(Object.keys(list.data.data[0]).sort()).toEqual(
			['agent_id', 'created_at', 'id', 'name', 'status', 'total_recipients'].sort(),
		);
		const filtered = await env.api.get('/v1/batch-calls', { params: { agent_id: 123 } });
		expect(filtered.data.total).toBe(2);
		expect((await env.api.get('/v1/batch-calls', { params: { limit: 500 } })).status).toBe(400);
		for (const path of [
			'/v1/batch-calls/99999',
			'/v1/batch-calls/99999/metrics',
			'/v1/batch-calls/abc',
		]) {
			const r = await env.api.get(path);
			expect(r.status).toBe(404);
			expect(r.data.error).toEqual({ message: 'batch not found', type: 'not_found' });
		}
	});

	it('seedBatch creates a batch that runs like an uploaded one', async () => {
		const b = env.sim.seedBatch({ rows: 4 });
		await env.sim.clock.advance(31_000);
		const m = (await env.api.get(`/v1/batch-calls/${b.id}/metrics`)).data.data;
		expect(m.total_processed).toBe(4);
	});
});

describe('simulator: CSV parser', () => {
	it('parses RFC 4180 edge cases', () => {
		expect(parseCsv('a,b\n"x,1","y""z"\n"multi\nline",\n')).toEqual([
			['a', 'b'],
			['x,1', 'y"z'],
			['multi\nline', ''],
		]);
		expect(parseCsv('\uFEFFa\r\n1\r\n2')).toEqual([['a'], ['1'], ['2']]);
	});
});
