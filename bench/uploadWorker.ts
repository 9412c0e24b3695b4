/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- benchmarks drive a local server and measure the process, never shipped */
import './env';

import { Container } from '@n8n/di';
import { createReadStream, readFileSync, statSync } from 'fs';
import { BinaryDataService } from 'n8n-core';
import type { IBinaryData } from 'n8n-workflow';

import { runtime } from '../nodes/FormantAi/transport';
import { apiCredential, runNode } from '../test/harness';
import { gc, rssSampler } from './lib';
import { plainUpload } from './plainUpload';

/**
 * One upload of a large recording in a fresh process, so the RSS it measures is this upload's
 * alone: a warm-up upload of a small file first (module loading, JIT, the binary store), then —
 * when the parent says go — the measured one, with RSS sampled every 1 ms.
 */
export type UploadMode = 'node-filesystem' | 'plain-stream' | 'plain-buffer';

export interface UploadReport {
	mode: UploadMode;
	rssBefore: number;
	peak: number;
	ms: number;
	samples: number;
	atPeak: NodeJS.MemoryUsage;
	before: NodeJS.MemoryUsage;
}

const mode = process.env.BENCH_MODE as UploadMode;
const url = process.env.BENCH_URL ?? '';
const apiKey = process.env.BENCH_KEY ?? '';
const bigFile = process.env.BENCH_FILE ?? '';
const smallFile = process.env.BENCH_SMALL_FILE ?? '';
const FIELDS = { languages: 'hi-IN', diarize: 'false', format: 'standard' };

/** Puts a file into n8n's filesystem binary store from a stream (as Read/Write Files does). */
async function storeFile(path: string): Promise<IBinaryData & { id: string }> {
	const stored = await Container.get(BinaryDataService).store(
		{ type: 'execution', workflowId: 'bench', executionId: 'upload' },
		createReadStream(path),
		{ data: '', fileName: 'call.wav', mimeType: 'audio/wav' } as IBinaryData,
	);
	if (!stored.id?.startsWith('filesystem')) throw new Error(`not stored on disk: ${stored.id}`);
	return stored as IBinaryData & { id: string };
}

async function nodeUpload(binary: IBinaryData): Promise<void> {
	const result = await runNode({
		parameters: {
			resource: 'transcription',
			operation: 'create',
			binaryPropertyName: 'data',
			languages: ['hi-IN'],
			diarize: false,
			format: 'standard',
			waitForCompletion: false,
		},
		input: [{ json: {}, binary: { data: binary as IBinaryData & { id: string } } }],
		credentials: { formantAiApi: apiCredential(url, apiKey) },
		binaryMode: 'filesystem',
	});
	if (result.error) throw new Error(`Transcription → Create failed: ${result.error.message}`);
}

async function plain(path: string, whole: boolean): Promise<void> {
	const size = statSync(path).size;
	const { status } = await plainUpload(`${url}/v1/transcription/jobs`, apiKey, FIELDS, {
		field: 'audio',
		fileName: 'call.wav',
		type: 'audio/wav',
		size,
		body: whole ? readFileSync(path) : createReadStream(path, { highWaterMark: 64 * 1024 }),
	});
	if (status !== 200) throw new Error(`plain upload answered ${status}`);
}

async function main(): Promise<void> {
	// The transport's 60 s per-request limit also bounds an upload; on this shared loopback a
	// 500 MB upload can take longer (see BENCHMARKS.md), and the bench measures memory, not that.
	runtime.requestTimeoutMs = 30 * 60_000;
	let measured: () => Promise<void>;
	if (mode === 'node-filesystem') {
		// The warm-up switches the harness to filesystem mode; then the big file goes into the store.
		await nodeUpload(await storeOnceWarm(smallFile));
		const big = await storeFile(bigFile);
		measured = async () => await nodeUpload(big);
	} else {
		await plain(smallFile, mode === 'plain-buffer');
		measured = async () => await plain(bigFile, mode === 'plain-buffer');
	}
	process.send?.({ warmed: true });
	await new Promise<void>((resolve) => process.once('message', () => resolve()));
	gc();
	const before = process.memoryUsage();
	const sampler = rssSampler(1);
	const started = performance.now();
	await measured();
	const ms = performance.now() - started;
	const peak = sampler.stop();
	const report: UploadReport = {
		mode,
		rssBefore: before.rss,
		peak,
		ms,
		samples: sampler.samples(),
		atPeak: sampler.atPeak(),
		before,
	};
	process.send?.({ report });
	process.disconnect?.();
}

/** The first store needs the harness to have put n8n in filesystem mode: one tiny run does it. */
async function storeOnceWarm(path: string): Promise<IBinaryData> {
	await runNode({
		parameters: { resource: 'conversation', operation: 'get', conversationId: 'none' },
		credentials: { formantAiApi: apiCredential(url, apiKey) },
		binaryMode: 'filesystem',
	});
	return await storeFile(path);
}

main().catch((error: Error) => {
	process.send?.({ error: error.stack ?? error.message });
	process.disconnect?.();
});
