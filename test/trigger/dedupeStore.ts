import { createHash } from 'node:crypto';

import type {
	DeduplicationItemTypes,
	DeduplicationScope,
	ICheckProcessedContextData,
	ICheckProcessedOptions,
	IDataDeduplicator,
	IDeduplicationOutput,
} from 'n8n-workflow';

type Row = { mode: string; data: string[] | number | string };

const hash = (item: DeduplicationItemTypes) =>
	createHash('md5').update(String(item)).digest('base64');

/**
 * An in-memory stand-in for n8n 2.41's database-backed dedupe store with the same observable
 * behaviour: one row per workflow and context ("n:<node id>" for scope node, "" for scope
 * workflow); a claim reads the row, then inserts it (failing on the row's key if another claim
 * created it meanwhile) or overwrites it whole (a no-op if it was deleted meanwhile); 'entries'
 * keeps hashed values, oldest dropped beyond maxEntries; the 'latest…' modes keep the largest value;
 * a row saved in another mode is refused; a delete removes the row whoever wrote it; the count
 * of a row is read without writing (the length of its data, as n8n reads it). `pause` lets a test
 * hold a claim between its read and its write, as a database round trip does, and `beforeDelete`
 * holds a delete on its way to the database.
 */
export class MemoryDedupe implements IDataDeduplicator {
	readonly rows = new Map<string, Row>();

	/** Awaited between the read and the write of every claim (default: none). */
	pause: (scope: DeduplicationScope, items: DeduplicationItemTypes[]) => Promise<void> =
		async () => {};

	/** Awaited before a delete reaches the rows (default: none). */
	beforeDelete: (scope: DeduplicationScope) => Promise<void> = async () => {};

	private key(scope: DeduplicationScope, contextData: ICheckProcessedContextData): string {
		return `${contextData.workflow.id}/${scope === 'node' ? `n:${contextData.node?.id ?? ''}` : ''}`;
	}

	/** The IDs (hashed) remembered for a node, oldest first. */
	list(contextData: ICheckProcessedContextData): string[] {
		const data = this.rows.get(this.key('node', contextData))?.data;
		return Array.isArray(data) ? data : [];
	}

	/** The node lists only (the workflow slot is the trigger's lock, empty between claims). */
	get lists(): Map<string, string[]> {
		const out = new Map<string, string[]>();
		for (const [key, row] of this.rows)
			if (!key.endsWith('/') && Array.isArray(row.data)) out.set(key, row.data);
		return out;
	}

	async checkProcessedAndRecord(
		items: DeduplicationItemTypes[],
		scope: DeduplicationScope,
		contextData: ICheckProcessedContextData,
		options: ICheckProcessedOptions,
	): Promise<IDeduplicationOutput> {
		const key = this.key(scope, contextData);
		const read = this.rows.get(key);
		// A copy, as n8n reads the row: a concurrent claim writes its own copy back.
		const row: Row | undefined = read && {
			mode: read.mode,
			data: Array.isArray(read.data) ? [...read.data] : read.data,
		};
		await this.pause(scope, items);
		if (row && row.mode !== options.mode) {
			throw new Error(
				'Deduplication data was originally saved with an incompatible setting of the ‘Keep Items Where’ parameter.',
			);
		}
		const out: IDeduplicationOutput = { new: [], processed: [] };
		let value: Row;
		if (options.mode === 'entries') {
			const list = Array.isArray(row?.data) ? row.data : [];
			for (const item of items) {
				const hashed = hash(item);
				if (row && list.includes(hashed)) out.processed.push(item);
				else {
					out.new.push(item);
					list.push(hashed);
				}
			}
			if (options.maxEntries) list.splice(0, Math.max(0, list.length - options.maxEntries));
			value = { mode: options.mode, data: list };
		} else {
			let largest = row ? Number(row.data) : -Infinity;
			for (const item of items) {
				if (!row || Number(item) > Number(row.data)) out.new.push(item);
				else out.processed.push(item);
				largest = Math.max(largest, Number(item));
			}
			value = { mode: options.mode, data: largest };
		}
		if (!row) {
			if (this.rows.has(key)) throw new Error('duplicate key value violates unique constraint');
			this.rows.set(key, value);
		} else if (this.rows.has(key)) this.rows.set(key, value);
		return out;
	}

	async removeProcessed(
		items: DeduplicationItemTypes[],
		scope: DeduplicationScope,
		contextData: ICheckProcessedContextData,
		options: ICheckProcessedOptions,
	): Promise<void> {
		if (options.mode !== 'entries') throw new Error('Removing processed data is not possible');
		const key = this.key(scope, contextData);
		const read = this.rows.get(key);
		if (!read || !Array.isArray(read.data)) return;
		const gone = new Set(items.map(hash));
		const data = read.data.filter((entry) => !gone.has(entry));
		await this.pause(scope, items);
		if (this.rows.has(key)) this.rows.set(key, { mode: read.mode, data });
	}

	async clearAllProcessedItems(
		scope: DeduplicationScope,
		contextData: ICheckProcessedContextData,
	): Promise<void> {
		await this.beforeDelete(scope);
		this.rows.delete(this.key(scope, contextData));
	}

	async getProcessedDataCount(
		scope: DeduplicationScope,
		contextData: ICheckProcessedContextData,
		options: ICheckProcessedOptions,
	): Promise<number> {
		if (options.mode !== 'entries') return 0;
		const data = this.rows.get(this.key(scope, contextData))?.data as { length?: number } | undefined;
		return data?.length ?? 0;
	}
}

/** The store n8n-core's DataDeduplicationService (a process-wide singleton) talks to in tests. */
export class SwitchableDedupe implements IDataDeduplicator {
	target = new MemoryDedupe();

	async checkProcessedAndRecord(
		...args: Parameters<IDataDeduplicator['checkProcessedAndRecord']>
	): Promise<IDeduplicationOutput> {
		return await this.target.checkProcessedAndRecord(...args);
	}

	async removeProcessed(
		...args: Parameters<IDataDeduplicator['removeProcessed']>
	): Promise<void> {
		await this.target.removeProcessed(...args);
	}

	async clearAllProcessedItems(
		...[scope, contextData]: Parameters<IDataDeduplicator['clearAllProcessedItems']>
	): Promise<void> {
		await this.target.clearAllProcessedItems(scope, contextData);
	}

	async getProcessedDataCount(
		...args: Parameters<IDataDeduplicator['getProcessedDataCount']>
	): Promise<number> {
		return await this.target.getProcessedDataCount(...args);
	}
}
