import type { INodeListSearchResult } from 'n8n-workflow';

import { LIST_SEARCH_MAX_PAGES } from '../nodes/FormantAi/helpers/assumptions';
import { apiCredential } from '../test/harness';
import { listSearch, type ListSearchMethod } from '../test/harness/listSearch';
import { interleaved, list, median, plainRequest, round, type Result } from './lib';
import { startSim, type SimPlacement } from './sim';

const CONVERSATIONS = 10_000;

/**
 * The version 2 lists (resource locators) on an account of 10,000 conversations: what one
 * request from n8n's editor costs, through n8n-core's LoadOptionsContext and the transport,
 * against plain `http` GETs of the same pages. Reading all 100 pages (what a dropdown backed by
 * Return All would do) is measured for context.
 */
export async function listSearchBench(
	where: SimPlacement,
	repeat: number,
	warmup: number,
): Promise<Result[]> {
	const sim = await startSim(where);
	const label = `List search, ${CONVERSATIONS.toLocaleString('en')} conversations (simulator ${sim.where})`;
	try {
		const ids = await sim.seedConversations(CONVERSATIONS);
		const credential = apiCredential(sim.url, sim.apiKey);
		// Seeded phones are +9198 and the zero-padded index; the newest is the last seeded.
		const newestPhone = `+9198${String(ids.length - 1).padStart(8, '0')}`;

		const search =
			(method: ListSearchMethod, filter?: string, paginationToken?: string) =>
			async (): Promise<INodeListSearchResult> =>
				await listSearch(method, credential, { filter, paginationToken });
		const plainPages = (pages: number) => async () => {
			for (let page = 0; page < pages; page++) {
				await plainRequest(
					`${sim.url}/v1/conversations?limit=100&offset=${page * 100}`,
					sim.apiKey,
					'GET',
				);
			}
		};
		const cases = {
			conversations: search('searchConversations'),
			nextPage: search('searchConversations', undefined, '5000'),
			phoneFound: search('searchConversations', newestPhone),
			noMatch: search('searchConversations', '+15550000000'),
			agents: search('searchAgents'),
			plain1: plainPages(1),
			plain2: plainPages(2),
			plain5: plainPages(LIST_SEARCH_MAX_PAGES),
			readAll: plainPages(CONVERSATIONS / 100),
		};

		// One counted call of each on a clean log.
		const searches = ['conversations', 'nextPage', 'phoneFound', 'noMatch', 'agents'] as const;
		type Search = (typeof searches)[number];
		const counted = {} as Record<Search, { requests: number; results: number; token?: string }>;
		for (const name of searches) {
			await sim.clearLog();
			const answer = await cases[name]();
			const summary = await sim.summary();
			counted[name] = {
				requests: summary.byRoute['GET /v1/conversations'] ?? 0,
				results: answer.results.length,
				token: answer.paginationToken,
			};
		}
		const runs = await interleaved(repeat, warmup, cases, async () => await sim.clearLog());

		const all = median(runs.readAll);
		const row = (
			name: Search,
			metric: string,
			plainName: keyof typeof runs,
			maxRequests: number,
			maxShare: number,
		): Result => {
			const m = median(runs[name]);
			const plain = median(runs[plainName]);
			const { requests, results, token } = counted[name];
			return {
				bench: label,
				metric,
				measured: round(m, 1),
				unit: 'ms',
				baseline: round(all, 1),
				ratio: round(m / all, 3),
				target: `${maxRequests} request(s); ≤ ${maxShare}× reading every page`,
				pass: requests === maxRequests && m / all <= maxShare,
				note: `${requests} request(s), ${results} results, next token ${token ?? 'none'}; samples ${list(runs[name], 1)} ms; plain http of the same ${maxRequests} page(s) ${round(plain, 1)} ms (the node adds ${round(m - plain, 1)} ms: n8n's context, credential, transport)`,
			};
		};
		return [
			row('conversations', 'Conversation list, first page (no search text)', 'plain1', 1, 0.1),
			row('nextPage', 'Conversation list, a page from the middle (token 5000)', 'plain1', 1, 0.1),
			row('phoneFound', 'Conversation search by phone, found on the first page', 'plain1', 1, 0.1),
			row(
				'noMatch',
				`Conversation search with no match (reads ${LIST_SEARCH_MAX_PAGES} pages, then hands a token)`,
				'plain5',
				LIST_SEARCH_MAX_PAGES,
				0.2,
			),
			row(
				'agents',
				'Agent list (distinct agents of the newest 200 conversations)',
				'plain2',
				2,
				0.1,
			),
			{
				bench: label,
				metric: 'baseline: reading all 100 pages (what Return All behind a dropdown would cost)',
				measured: round(all, 1),
				unit: 'ms',
				target: 'context (no target)',
				pass: true,
				info: true,
				note: `plain http, one page after another: ${list(runs.readAll, 0)} ms`,
			},
		];
	} finally {
		await sim.close();
	}
}
