import type { IDataObject } from 'n8n-workflow';

import { resetRuntime, runtime } from '../../nodes/FormantAi/transport';
import { apiCredential, runNode } from '../harness';
import './probe';
import type { Recorded, ScriptedServer } from './scriptedServer';
import { startScriptedServer } from './scriptedServer';

let server: ScriptedServer;

beforeEach(async () => {
	server = await startScriptedServer();
	runtime.sleep = async () => {};
});

afterEach(async () => {
	resetRuntime();
	await server.close();
});

const records = (n: number, prefix = 'c') =>
	Array.from({ length: n }, (_, i) => ({ conversation_id: `${prefix}${i}`, n: i }));

/** A well-behaved list endpoint over `all`. */
function listOf(all: IDataObject[], extra: (r: Recorded) => IDataObject = () => ({})) {
	return (request: Recorded) => {
		const limit = Number(request.query.limit ?? 20);
		const offset = Number(request.query.offset ?? 0);
		const data = all.slice(offset, offset + limit);
		return {
			body: {
				data,
				has_more: offset + data.length < all.length,
				total: all.length,
				...extra(request),
			},
		};
	};
}

async function fetchAll(limit = 0) {
	const result = await runNode({
		type: 'transportProbe',
		parameters: { mode: 'paginate', path: '/v1/conversations', limit, idField: 'conversation_id' },
		credentials: { formantAiApi: apiCredential(server.url, 'k') },
	});
	expect(result.error).toBeUndefined();
	return result.items.map((item) => item.json.conversation_id);
}

const pages = () => server.requests.map((r) => `${r.query.offset}+${r.query.limit}`);

test('no records: one request, nothing out', async () => {
	server.on('GET /v1/conversations', listOf([]));
	expect(await fetchAll()).toEqual([]);
	expect(pages()).toEqual(['0+100']);
});

test('exactly 100 records: one page', async () => {
	server.on('GET /v1/conversations', listOf(records(100)));
	expect(await fetchAll()).toHaveLength(100);
	expect(pages()).toEqual(['0+100']);
});

test('250 records, limit 120: stops exactly at 120 with a short second page', async () => {
	server.on('GET /v1/conversations', listOf(records(250)));
	const ids = await fetchAll(120);
	expect(ids).toEqual(records(120).map((r) => r.conversation_id));
	expect(pages()).toEqual(['0+100', '100+20']);
});

test('limit below one page asks for just that many', async () => {
	server.on('GET /v1/conversations', listOf(records(250)));
	expect(await fetchAll(5)).toHaveLength(5);
	expect(pages()).toEqual(['0+5']);
});

test('Return All over 1,050 records: every record once, in order, ⌈n/100⌉ requests', async () => {
	server.on('GET /v1/conversations', listOf(records(1050)));
	const ids = await fetchAll();
	expect(ids).toEqual(records(1050).map((r) => r.conversation_id));
	expect(server.requests).toHaveLength(11);
	expect(new Set(pages()).size).toBe(11);
});

test('a slow page does not hold back the others: up to 4 in flight, results still in order', async () => {
	// The page at offset 200 is answered only once the page at offset 500 has been asked for. With
	// windows of 4 (wait for all, then send the next 4) that request would never come.
	const all = records(1000);
	let release: () => void = () => {};
	const held = new Promise<void>((resolve) => (release = resolve));
	let unanswered = 0;
	let most = 0;
	server.on('GET /v1/conversations', async (request) => {
		unanswered++;
		most = Math.max(most, unanswered);
		if (request.query.offset === '500') release();
		if (request.query.offset === '200') await held;
		unanswered--;
		return listOf(all)(request);
	});
	const ids = await fetchAll();
	expect(ids).toEqual(all.map((r) => r.conversation_id));
	expect(server.requests).toHaveLength(10);
	expect(most).toBeLessThanOrEqual(4);
	expect(most).toBeGreaterThan(1);
});

test('records that shift between pages are not output twice', async () => {
	// A new record arrives after the first page, so offset 100 starts with the last record already seen.
	const all = records(250);
	server.on('GET /v1/conversations', (request, count) => {
		const list = count === 0 ? all : [{ conversation_id: 'new', n: -1 }, ...all];
		return listOf(list)(request);
	});
	const ids = await fetchAll();
	expect(new Set(ids).size).toBe(ids.length);
	expect(ids.slice(0, 100)).toEqual(all.slice(0, 100).map((r) => r.conversation_id));
	expect(ids).toContain('c249');
});

test('a server that always says has_more with the same page ends after the first repeat', async () => {
	server.on('GET /v1/conversations', () => ({ body: { data: records(100), has_more: true } }));
	expect(await fetchAll()).toHaveLength(100);
	expect(server.requests.length).toBeLessThanOrEqual(2);
});

test('a server that always says has_more and a huge total ends at the first empty page', async () => {
	const all = records(230);
	server.on(
		'GET /v1/conversations',
		listOf(all, () => ({ has_more: true, total: 1_000_000 })),
	);
	expect(await fetchAll()).toHaveLength(230);
	// 3 pages with data, then at most one window of parallel pages past the end.
	expect(server.requests.length).toBeLessThanOrEqual(3 + 4);
});

test('a total smaller than the truth does not hide records while has_more is true', async () => {
	server.on(
		'GET /v1/conversations',
		listOf(records(310), () => ({ total: 150 })),
	);
	expect(await fetchAll()).toHaveLength(310);
});

test('no total: pages are fetched one after another until has_more is false', async () => {
	server.on('GET /v1/conversations', (request) => {
		const { body } = listOf(records(205))(request);
		delete (body as IDataObject).total;
		return { body };
	});
	expect(await fetchAll()).toHaveLength(205);
	expect(pages()).toEqual(['0+100', '100+100', '200+100']);
});

test('a page error is the error of the whole list', async () => {
	server.on('GET /v1/conversations', (request) =>
		request.query.offset === '200'
			? {
					status: 401,
					body: { error: { message: 'invalid or missing api key', type: 'authentication_error' } },
				}
			: listOf(records(500))(request),
	);
	const result = await runNode({
		type: 'transportProbe',
		parameters: {
			mode: 'paginate',
			path: '/v1/conversations',
			limit: 0,
			idField: 'conversation_id',
		},
		credentials: { formantAiApi: apiCredential(server.url, 'k') },
	});
	expect(result.error?.message).toBe('invalid or missing api key');
});
