/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- benchmarks drive a local server and measure the process, never shipped */
import './env';

import { readFileSync, statSync } from 'fs';
import type { IDataObject } from 'n8n-workflow';

import { apiCredential, runNode, type InputItem } from '../test/harness';
import { campaignRow, CSV_COLUMNS, csvQuote, parseWithLibrary } from './campaignData';
import { measureWhenTold, storeFile } from './measured';
import { plainUpload } from './plainUpload';

/**
 * One campaign upload in a fresh process (so its RSS is its own): a warm-up with a small
 * campaign, then the measured one (see measured.ts).
 *  - file-node: Batch → Create from a CSV file stored in n8n's filesystem binary mode;
 *  - file-baseline: the same file parsed with csv-parse (every row checked for a phone) and
 *    uploaded with plain `http`;
 *  - items-node: Batch → Create from BENCH_ROWS input items;
 *  - items-baseline: a plain loop building the same CSV from those items, uploaded with plain `http`.
 */
export type CampaignMode = 'file-node' | 'file-baseline' | 'items-node' | 'items-baseline';

const mode = process.env.BENCH_MODE as CampaignMode;
const url = process.env.BENCH_URL ?? '';
const apiKey = process.env.BENCH_KEY ?? '';
const rows = Number(process.env.BENCH_ROWS ?? 0);
const WARM_ROWS = 1_000;
const credentials = () => ({ formantAiApi: apiCredential(url, apiKey) });
const common = { resource: 'batch', operation: 'create', campaignName: 'Bench', agentId: 123 };

async function node(parameters: IDataObject, input: InputItem[]): Promise<number> {
	const result = await runNode({
		parameters: { ...common, ...parameters },
		input,
		credentials: credentials(),
		binaryMode: 'filesystem',
	});
	if (result.error) throw new Error(`Batch → Create failed: ${result.error.message}`);
	return result.run.data.resultData.runData.FormantAI?.[0]?.executionTime ?? 0;
}

async function upload(body: Buffer): Promise<void> {
	const { status } = await plainUpload(
		`${url}/v1/batch-call`,
		apiKey,
		{ agent_id: '123', name: 'Bench' },
		{ field: 'file', fileName: 'contacts.csv', type: 'text/csv', size: body.length, body },
	);
	if (status !== 200) throw new Error(`plain upload answered ${status}`);
}

/** The plain loop: the CSV the node builds from the same items (same columns, same quoting). */
function plainCsv(items: InputItem[]): string {
	let csv = `${CSV_COLUMNS.join(',')}\r\n`;
	for (const item of items) {
		csv += `${CSV_COLUMNS.map((column) => csvQuote(String(item.json[column] ?? ''))).join(',')}\r\n`;
	}
	return csv;
}

const itemsOf = (n: number): InputItem[] =>
	Array.from({ length: n }, (_, i) => ({ json: campaignRow(i) as unknown as IDataObject }));

/** Warms up and returns the measured step (its value: the node's own time, when a node runs). */
async function prepare(): Promise<() => Promise<number | undefined>> {
	const file = process.env.BENCH_FILE ?? '';
	const small = process.env.BENCH_SMALL_FILE ?? '';
	const fromFile = { source: 'binaryFile', binaryPropertyName: 'data' };
	const fromItems = { source: 'inputItems', phoneField: 'customer_phone' };
	switch (mode) {
		case 'file-node': {
			// The warm-up run also puts the harness in filesystem mode before the big file is stored.
			await node(fromFile, [
				{
					json: {},
					binary: {
						data: { data: readFileSync(small), fileName: 'contacts.csv', mimeType: 'text/csv' },
					},
				},
			]);
			const stored = await storeFile(file, 'contacts.csv', 'text/csv');
			if (stored.bytes !== statSync(file).size) throw new Error('stored size differs');
			return async () => await node(fromFile, [{ json: {}, binary: { data: stored } }]);
		}
		case 'file-baseline': {
			const run = async (path: string) => {
				const bytes = readFileSync(path);
				parseWithLibrary(bytes);
				await upload(bytes);
			};
			await run(small);
			return async () => {
				await run(file);
				return undefined;
			};
		}
		case 'items-node': {
			await node(fromItems, itemsOf(WARM_ROWS));
			const items = itemsOf(rows);
			return async () => await node(fromItems, items);
		}
		case 'items-baseline': {
			const run = async (items: InputItem[]) => await upload(Buffer.from(plainCsv(items), 'utf8'));
			await run(itemsOf(WARM_ROWS));
			const items = itemsOf(rows);
			return async () => {
				await run(items);
				return undefined;
			};
		}
	}
}

measureWhenTold(prepare);
