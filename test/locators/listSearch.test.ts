/* eslint-disable @n8n/community-nodes/no-restricted-imports -- test tooling: a loopback server that answers 403 like a gateway would, never shipped */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

import type { Engine } from '../harness';
import { apiCredential, startEngine } from '../harness';
import { listSearch } from '../harness/listSearch';

/** The list requests the simulator received, as `path?limit&offset`. */
function listRequests(engine: Engine, path: string): string[] {
	return engine.sim.log
		.filter((entry) => entry.method === 'GET' && entry.path === path)
		.map((entry) => `limit=${entry.query.limit}&offset=${entry.query.offset}`);
}

describe('listSearch (the lists of the version 2 resource locators)', () => {
	let engine: Engine;
	let credential: ReturnType<typeof apiCredential>;
	beforeEach(async () => {
		engine = await startEngine();
		credential = apiCredential(engine.sim.url, engine.sim.apiKey);
	});
	afterEach(async () => {
		await engine.close();
	});

	describe('Conversation', () => {
		it('one page of 100 per request, newest first, as phone · status · time, with a token for the next', async () => {
			const seeded = engine.sim.seedConversations(250);
			const newest = seeded[seeded.length - 1];

			const first = await listSearch('searchConversations', credential);
			expect(first.results).toHaveLength(100);
			expect(first.paginationToken).toBe('100');
			const time = new Date(newest.start_timestamp!).toISOString().slice(0, 16).replace('T', ' ');
			expect(first.results[0]).toEqual({
				name: `${newest.contact_number} · ${newest.status} · ${time} UTC`,
				value: newest.conversation_id,
				description: `Agent 123 · ${newest.conversation_id}`,
			});

			const second = await listSearch('searchConversations', credential, {
				paginationToken: '100',
			});
			const third = await listSearch('searchConversations', credential, { paginationToken: '200' });
			expect(second.results).toHaveLength(100);
			expect(third.results).toHaveLength(50);
			expect(third.paginationToken).toBeUndefined();
			const all = [...first.results, ...second.results, ...third.results].map((r) => r.value);
			expect(all).toEqual(seeded.map((c) => c.conversation_id).reverse());
			expect(listRequests(engine, '/v1/conversations')).toEqual([
				'limit=100&offset=0',
				'limit=100&offset=100',
				'limit=100&offset=200',
			]);
		});

		it('search text (one phrase) filters the page: by phone (written with separators too), status or ID', async () => {
			const seeded = engine.sim.seedConversations(30);
			const target = seeded[7];
			const spaced = `${target.contact_number.slice(0, 3)} ${target.contact_number.slice(3, 8)}-${target.contact_number.slice(8)}`;
			for (const filter of [target.contact_number, spaced, target.conversation_id.slice(0, 13)]) {
				const found = await listSearch('searchConversations', credential, { filter });
				expect(found.results.map((r) => r.value)).toEqual([target.conversation_id]);
				expect(found.paginationToken).toBeUndefined();
			}
			const byStatus = await listSearch('searchConversations', credential, {
				filter: target.status,
			});
			expect(byStatus.results.length).toBeGreaterThan(0);
			// A phrase search: "failed" also finds telephony_failed.
			expect(byStatus.results.every((r) => r.name.includes(target.status))).toBe(true);
			expect(byStatus.results.map((r) => r.value)).toContain(target.conversation_id);
		});

		it('with search text it reads on past pages without a match, at most 5 pages per request', async () => {
			const seeded = engine.sim.seedConversations(1_000);
			// The 3rd-oldest hundred: found on the 8th page, so after one request of 5 empty pages.
			const target = seeded[250];
			const first = await listSearch('searchConversations', credential, {
				filter: target.contact_number,
			});
			expect(first.results).toEqual([]);
			expect(first.paginationToken).toBe('500');
			const second = await listSearch('searchConversations', credential, {
				filter: target.contact_number,
				paginationToken: first.paginationToken,
			});
			expect(second.results.map((r) => r.value)).toEqual([target.conversation_id]);
			expect(second.paginationToken).toBe('800');
			expect(listRequests(engine, '/v1/conversations')).toEqual(
				[0, 100, 200, 300, 400, 500, 600, 700].map((offset) => `limit=100&offset=${offset}`),
			);
		});
	});

	describe('Agent', () => {
		it('the distinct agents of the newest 200 conversations, most recent first, in 2 requests', async () => {
			engine.sim.seedConversations(50, { agentId: 497 });
			await engine.sim.clock.advance(60 * 60_000 * 24);
			engine.sim.seedConversations(300, { agentId: 123, spacingMs: 1_000 });
			await engine.sim.clock.advance(60 * 60_000);
			engine.sim.seedConversations(20, { agentId: 456, phonePrefix: '+9199' });

			const agents = await listSearch('searchAgents', credential);
			// 497's calls are older than the newest 200: it is not offered (entered By ID instead).
			expect(agents.results.map((r) => [r.name, r.value])).toEqual([
				['Agent 456', '456'],
				['Agent 123', '123'],
			]);
			expect(agents.results[0].description).toMatch(
				/^20 of the newest 200 conversations; last call \d{4}-\d\d-\d\d \d\d:\d\d UTC$/,
			);
			expect(agents.paginationToken).toBeUndefined();
			expect(listRequests(engine, '/v1/conversations')).toEqual([
				'limit=100&offset=0',
				'limit=100&offset=100',
			]);

			const filtered = await listSearch('searchAgents', credential, { filter: '45' });
			expect(filtered.results.map((r) => r.value)).toEqual(['456']);
		});

		it('an account with few conversations: one request', async () => {
			engine.sim.seedConversations(3, { agentId: 497 });
			const agents = await listSearch('searchAgents', credential);
			expect(agents.results.map((r) => r.value)).toEqual(['497']);
			expect(listRequests(engine, '/v1/conversations')).toHaveLength(1);
		});
	});

	describe('Batch', () => {
		it('campaigns by name (#id), newest first; search by name or ID; one page per request', async () => {
			// Created at the same instant: newest first is by ID.
			for (let index = 1; index <= 120; index++) {
				engine.sim.seedBatch({ name: `Campaign ${index}`, rows: 1 });
			}
			const first = await listSearch('searchBatches', credential);
			expect(first.results).toHaveLength(100);
			expect(first.results[0]).toMatchObject({ name: 'Campaign 120 (#120)', value: '120' });
			expect(first.results[0].description).toMatch(/^pending · 1 recipients · .* UTC · agent 123$/);
			expect(first.paginationToken).toBe('100');
			const rest = await listSearch('searchBatches', credential, { paginationToken: '100' });
			expect(rest.results.map((r) => r.value)).toEqual(
				Array.from({ length: 20 }, (_, i) => String(20 - i)),
			);
			expect(rest.paginationToken).toBeUndefined();

			const byName = await listSearch('searchBatches', credential, { filter: 'campaign 7' });
			expect(byName.results.map((r) => r.name)).toEqual([
				'Campaign 79 (#79)',
				'Campaign 78 (#78)',
				'Campaign 77 (#77)',
				'Campaign 76 (#76)',
				'Campaign 75 (#75)',
				'Campaign 74 (#74)',
				'Campaign 73 (#73)',
				'Campaign 72 (#72)',
				'Campaign 71 (#71)',
				'Campaign 70 (#70)',
			]);
			expect(byName.paginationToken).toBe('100');
			const byId = await listSearch('searchBatches', credential, { filter: '#107' });
			expect(byId.results.map((r) => r.value)).toEqual(['107']);
			expect(listRequests(engine, '/v1/batch-calls')).toHaveLength(4);
		});
	});

	describe('credential failures say to check the credential', () => {
		it.each(['searchAgents', 'searchBatches', 'searchConversations'] as const)(
			'%s with a wrong API key (401)',
			async (method) => {
				const wrong = apiCredential(engine.sim.url, 'fa_wrong_key');
				await expect(listSearch(method, wrong)).rejects.toThrow(
					/^FormantAI refused the credential \(HTTP 401: .+\)\. Check the FormantAI credential selected on this node/,
				);
			},
		);

		it('no credential selected: nothing is sent', async () => {
			await expect(listSearch('searchConversations', undefined)).rejects.toThrow(
				/^The list cannot be loaded without a FormantAI credential: .+/,
			);
			expect(engine.sim.log).toHaveLength(0);
		});

		it('403 (e.g. a key without access, or a gateway refusing it)', async () => {
			const server = createServer((_request, response) => {
				response.writeHead(403, { 'content-type': 'application/json' });
				response.end(JSON.stringify({ error: { message: 'forbidden', type: 'forbidden' } }));
			});
			await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
			const { port } = server.address() as AddressInfo;
			try {
				await expect(
					listSearch('searchBatches', apiCredential(`http://127.0.0.1:${port}`, 'fa_any')),
				).rejects.toThrow(
					/^FormantAI refused the credential \(HTTP 403: forbidden\)\. Check the FormantAI credential/,
				);
			} finally {
				await new Promise((resolve) => server.close(resolve));
			}
		});

		it('other failures keep FormantAI’s own message and hint', async () => {
			engine.sim.faults.add({ path: '/v1/batch-calls', kind: 'error500', count: 5 });
			await expect(listSearch('searchBatches', credential)).rejects.toMatchObject({
				description: expect.stringContaining('Try again later'),
			});
		});
	});
});
