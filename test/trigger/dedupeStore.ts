import { createHash } from 'node:crypto';

import type {
	DeduplicationItemTypes,
	DeduplicationScope,
	ICheckProcessedContextData,
	ICheckProcessedOptions,
	IDataDeduplicator,
	IDeduplicationOutput,
} from 'n8n-workflow';

/**
 * An in-memory stand-in for n8n's database-backed dedupe store in 'entries' mode, with the same
 * observable behaviour: one list per node of hashed values, oldest dropped beyond maxEntries.
 * `pause` lets a test hold a claim between its read and its write, as two workers could.
 */
export class MemoryDedupe implements IDataDeduplicator {
	readonly lists = new Map<string, string[]>();

	/** Awaited between the read and the write of every claim (default: none). */
	pause: () => Promise<void> = async () => {};

	private key(contextData: ICheckProcessedContextData): string {
		return `${contextData.workflow.id}/${contextData.node?.id ?? ''}`;
	}

	size(contextData: ICheckProcessedContextData): number {
		return this.lists.get(this.key(contextData))?.length ?? 0;
	}

	async checkProcessedAndRecord(
		items: DeduplicationItemTypes[],
		_scope: DeduplicationScope,
		contextData: ICheckProcessedContextData,
		options: ICheckProcessedOptions,
	): Promise<IDeduplicationOutput> {
		const key = this.key(contextData);
		// Read a copy, as n8n reads the row: a concurrent claim writes its own copy back.
		const list = [...(this.lists.get(key) ?? [])];
		await this.pause();
		const out: IDeduplicationOutput = { new: [], processed: [] };
		for (const item of items) {
			const hash = createHash('md5').update(String(item)).digest('base64');
			if (list.includes(hash)) out.processed.push(item);
			else {
				out.new.push(item);
				list.push(hash);
			}
		}
		if (options.maxEntries) list.splice(0, Math.max(0, list.length - options.maxEntries));
		this.lists.set(key, list);
		return out;
	}

	async removeProcessed(): Promise<void> {}

	async clearAllProcessedItems(
		_scope: DeduplicationScope,
		contextData: ICheckProcessedContextData,
	): Promise<void> {
		this.lists.delete(this.key(contextData));
	}

	async getProcessedDataCount(
		_scope: DeduplicationScope,
		contextData: ICheckProcessedContextData,
	): Promise<number> {
		return this.size(contextData);
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

	async removeProcessed(): Promise<void> {}

	async clearAllProcessedItems(
		...[scope, contextData]: Parameters<IDataDeduplicator['clearAllProcessedItems']>
	): Promise<void> {
		await this.target.clearAllProcessedItems(scope, contextData);
	}

	async getProcessedDataCount(
		...[scope, contextData]: Parameters<IDataDeduplicator['getProcessedDataCount']>
	): Promise<number> {
		return await this.target.getProcessedDataCount(scope, contextData);
	}
}
