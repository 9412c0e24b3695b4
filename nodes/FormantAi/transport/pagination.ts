import type { IDataObject } from 'n8n-workflow';

import type { FormantAiContext } from './request';
import { formantAiRequest } from './request';

/** FormantAI's list pages hold at most 100 records. */
export const MAX_PAGE_SIZE = 100;
/** Page requests kept in flight after the first page has told us `total`. */
export const PAGE_CONCURRENCY = 4;
/** A server that keeps saying `has_more` cannot keep us busy for ever. */
const MAX_PAGES = 10_000;

export interface ListPage {
	data?: IDataObject[];
	has_more?: boolean;
	total?: number;
}

export interface PaginateOptions {
	/** List path, e.g. `/v1/conversations`. */
	path: string;
	/** Filters sent with every page (`limit`/`offset` are set here). */
	qs?: IDataObject;
	/** Field that identifies a record; records seen before are dropped. */
	idField: string;
	/** How many records at most; `Infinity` for all. */
	limit: number;
	itemIndex?: number;
	/** Records the caller does not want (its own filters); they do not count towards `limit`. */
	keep?: (record: IDataObject) => boolean;
	/**
	 * A record past which, by the list's order, nothing further can be kept: reading ends after
	 * its page (the rest of that page is still filtered by `keep`).
	 */
	last?: (record: IDataObject) => boolean;
}

/**
 * A page request that may fail before it is awaited (pages are awaited in order): its error waits
 * for that await instead of surfacing as an unhandled rejection.
 */
function started<T>(promise: Promise<T>): Promise<T> {
	promise.catch(() => undefined);
	return promise;
}

/**
 * Real pagination over `limit`/`offset`: the first page tells `total`, then the remaining pages
 * are fetched with up to `PAGE_CONCURRENCY` in flight and appended in offset order. Duplicates
 * (records shifting between pages) are dropped by id, the result stops exactly at `limit`, and it
 * ends when a page is empty, adds nothing new, or `has_more` is false — whatever `total` claims.
 * Pages still in flight when it ends are left to finish; their answers are not used.
 */
export async function paginate(
	this: FormantAiContext,
	options: PaginateOptions,
): Promise<IDataObject[]> {
	const { limit, idField } = options;
	if (limit <= 0) return [];
	const seen = new Set<string>();
	const out: IDataObject[] = [];
	let reachedLast = false;

	const fetchPage = async (offset: number, size: number): Promise<ListPage> =>
		(await formantAiRequest.call(this, {
			method: 'GET',
			path: options.path,
			qs: { ...options.qs, limit: size, offset },
			itemIndex: options.itemIndex,
		})) as ListPage;

	/** Adds a page's new records; returns how many were new. */
	const absorb = (page: ListPage): number => {
		let added = 0;
		for (const record of Array.isArray(page.data) ? page.data : []) {
			const raw = record?.[idField];
			const id = typeof raw === 'string' ? raw : String(raw ?? JSON.stringify(record));
			// One hash lookup per record: the set grows only when the id is new.
			const before = seen.size;
			seen.add(id);
			if (seen.size === before) continue;
			added++;
			if (options.last?.(record)) reachedLast = true;
			if (options.keep && !options.keep(record)) continue;
			if (out.length < limit) out.push(record);
		}
		return added;
	};

	// With a filter of our own, pages are full size: we cannot know how many records will pass.
	const pageSize = (remaining: number) =>
		options.keep ? MAX_PAGE_SIZE : Math.min(MAX_PAGE_SIZE, Math.max(1, remaining));

	let offset = 0;
	let page = await fetchPage(0, pageSize(limit));
	let pages = 1;
	let added = absorb(page);
	offset += Array.isArray(page.data) ? page.data.length : 0;
	const more = () =>
		!reachedLast && out.length < limit && page.has_more !== false && added > 0 && pages < MAX_PAGES;

	// Parallel phase: `total` is known, so the remaining offsets are too.
	const total =
		typeof page.total === 'number' && Number.isFinite(page.total) ? page.total : undefined;
	if (more() && total !== undefined && offset > 0 && !options.keep) {
		const end = Math.min(total, offset + (limit - out.length));
		const plan: Array<{ offset: number; size: number }> = [];
		for (let o = offset; o < end && pages + plan.length < MAX_PAGES; o += MAX_PAGE_SIZE) {
			plan.push({ offset: o, size: Math.min(MAX_PAGE_SIZE, end - o) });
		}
		// A sliding window: when the oldest page in flight arrives it is absorbed, in offset order,
		// and the next one is sent, so our work on a page overlaps the requests still in flight.
		const send = (p: { offset: number; size: number }) => started(fetchPage(p.offset, p.size));
		const inFlight = plan.slice(0, PAGE_CONCURRENCY).map(send);
		let next = inFlight.length;
		while (inFlight.length > 0) {
			page = await (inFlight.shift() as Promise<ListPage>);
			pages++;
			added = absorb(page);
			const length = Array.isArray(page.data) ? page.data.length : 0;
			offset += length;
			if (length === 0 || !more()) break;
			if (next < plan.length) inFlight.push(send(plan[next++]));
		}
	}

	// Sequential phase: no `total`, a filter of our own, or records that moved between pages.
	while (more()) {
		page = await fetchPage(offset, pageSize(limit - out.length));
		pages++;
		added = absorb(page);
		const length = Array.isArray(page.data) ? page.data.length : 0;
		if (length === 0) break;
		offset += length;
	}
	return out;
}
