import type {
	IDataObject,
	ILoadOptionsFunctions,
	INodeListSearchItems,
	INodeListSearchResult,
} from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import {
	AGENT_LIST_PAGES,
	LIST_SEARCH_MAX_PAGES,
	LIST_SEARCH_PAGE_SIZE,
} from '../helpers/assumptions';
import { API_CREDENTIAL, formantAiRequest } from '../transport';

/**
 * The lists of the node's resource locators. Each request to n8n reads at most a few bounded
 * pages (never to the end: accounts hold tens of thousands of conversations) and hands back a
 * token for the next; the search text filters what those pages hold.
 */

interface ListPage {
	data?: IDataObject[];
	has_more?: boolean;
}

const CHECK_CREDENTIAL =
	'Check the FormantAI credential selected on this node: its API key (Developer → API Keys in the FormantAI dashboard) and its region.';

/** A list must answer while the user waits: one quick retry at most, and a short deadline. */
const LIST_REQUEST = { retry: { maxRetries: 1, maxWaitMs: 2_000 }, deadlineMs: 20_000 };

/** A list needs a credential; without one the user is told so, once, before any request. */
async function requireCredential(ctx: ILoadOptionsFunctions): Promise<void> {
	try {
		await ctx.getCredentials(API_CREDENTIAL);
	} catch (error) {
		throw new NodeOperationError(
			ctx.getNode(),
			`The list cannot be loaded without a FormantAI credential: ${(error as Error).message}`,
			{ description: CHECK_CREDENTIAL },
		);
	}
}

async function readPage(
	ctx: ILoadOptionsFunctions,
	path: string,
	offset: number,
): Promise<ListPage> {
	try {
		return (await formantAiRequest.call(ctx, {
			method: 'GET',
			path,
			qs: { limit: LIST_SEARCH_PAGE_SIZE, offset },
			...LIST_REQUEST,
		})) as ListPage;
	} catch (error) {
		const status = error instanceof NodeApiError ? Number(error.httpCode) : undefined;
		if (status === 401 || status === 403) {
			throw new NodeOperationError(
				ctx.getNode(),
				`FormantAI refused the credential (HTTP ${status}: ${(error as Error).message}). ${CHECK_CREDENTIAL}`,
				{ description: CHECK_CREDENTIAL },
			);
		}
		// The transport's own n8n error, with FormantAI's message and hint.
		throw error as NodeApiError | NodeOperationError;
	}
}

/**
 * The search text as one phrase, case-insensitive; also with separators left out on both sides,
 * so "+91 98765-43210" finds +919876543210.
 */
function matcher(filter: string | undefined): (texts: string[]) => boolean {
	const compact = (text: string) => text.replace(/[\s().-]+/g, '');
	const phrase = (filter ?? '').trim().toLowerCase();
	const squeezedPhrase = compact(phrase);
	return (texts) =>
		texts.some((text) => {
			const lower = text.toLowerCase();
			return lower.includes(phrase) || compact(lower).includes(squeezedPhrase);
		});
}

/** `2026-03-18 10:00 UTC`: short enough for a list row, unambiguous. */
function shortTime(value: unknown): string {
	const ms =
		typeof value === 'number' ? value : typeof value === 'string' ? Date.parse(value) : NaN;
	return Number.isFinite(ms)
		? `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`
		: '';
}

/**
 * One bounded stretch of a list, from the token's offset: one page, or with search text up to
 * LIST_SEARCH_MAX_PAGES until a page holds a match.
 */
async function searchPages(
	ctx: ILoadOptionsFunctions,
	path: string,
	filter: string | undefined,
	paginationToken: string | undefined,
	toItem: (record: IDataObject) => { item: INodeListSearchItems; texts: string[] },
): Promise<INodeListSearchResult> {
	const matches = matcher(filter);
	let offset = Math.max(0, Math.floor(Number(paginationToken) || 0));
	const results: INodeListSearchItems[] = [];
	await requireCredential(ctx);
	for (let pages = 0; pages < (filter ? LIST_SEARCH_MAX_PAGES : 1); pages++) {
		const page = await readPage(ctx, path, offset);
		const records = Array.isArray(page.data) ? page.data : [];
		offset += records.length;
		for (const record of records) {
			const { item, texts } = toItem(record);
			if (matches(texts)) results.push(item);
		}
		if (page.has_more !== true || records.length === 0) return { results };
		if (results.length > 0) break;
	}
	return { results, paginationToken: String(offset) };
}

export async function searchConversations(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	return await searchPages(this, '/v1/conversations', filter, paginationToken, (c) => {
		const id = String(c.conversation_id ?? '');
		const phone = String(c.contact_number ?? 'unknown number');
		const status = String(c.status ?? 'unknown status');
		const time = shortTime(c.start_timestamp);
		return {
			item: {
				name: [phone, status, time].filter(Boolean).join(' · '),
				value: id,
				description: `Agent ${String(c.agent_id ?? '?')} · ${id}`,
			},
			texts: [phone, status, time, id, `agent ${String(c.agent_id ?? '')}`],
		};
	});
}

export async function searchBatches(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	return await searchPages(this, '/v1/batch-calls', filter, paginationToken, (b) => {
		const id = String(b.id ?? '');
		const name = String(b.name ?? '') || `Batch ${id}`;
		const details = [
			b.status,
			b.total_recipients !== undefined ? `${String(b.total_recipients)} recipients` : undefined,
			shortTime(b.created_at),
			`agent ${String(b.agent_id ?? '?')}`,
		].filter((part) => part !== undefined && part !== '');
		return {
			item: { name: `${name} (#${id})`, value: id, description: details.join(' · ') },
			texts: [name, `#${id}`, id],
		};
	});
}

/**
 * FormantAI cannot list agents: the distinct agents of the newest conversations, most recent
 * first (see AGENT_LIST_PAGES). Bounded, so there is no next page.
 */
export async function searchAgents(
	this: ILoadOptionsFunctions,
	filter?: string,
): Promise<INodeListSearchResult> {
	const agents = new Map<string, { calls: number; last: unknown }>();
	let offset = 0;
	await requireCredential(this);
	for (let pages = 0; pages < AGENT_LIST_PAGES; pages++) {
		const page = await readPage(this, '/v1/conversations', offset);
		const records = Array.isArray(page.data) ? page.data : [];
		offset += records.length;
		for (const c of records) {
			if (c.agent_id === undefined || c.agent_id === null) continue;
			const id = String(c.agent_id);
			const seen = agents.get(id);
			if (seen) seen.calls++;
			else agents.set(id, { calls: 1, last: c.start_timestamp });
		}
		if (page.has_more !== true || records.length === 0) break;
	}
	const matches = matcher(filter);
	const results = [...agents]
		.filter(([id]) => matches([id, `agent ${id}`]))
		.map(([id, seen]) => ({
			name: `Agent ${id}`,
			value: id,
			description: `${seen.calls} of the newest ${offset} conversations; last call ${shortTime(seen.last) || 'unknown'}`,
		}));
	return { results };
}
