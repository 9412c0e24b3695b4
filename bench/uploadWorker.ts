/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- benchmarks drive a local server and measure the process, never shipped */
import './env';

import { createReadStream, readFileSync, statSync } from 'fs';
import type { IBinaryData } from 'n8n-workflow';

import { runtime } from '../nodes/FormantAi/transport';
import { apiCredential, runNode } from '../test/harness';
import { measureWhenTold, storeFile } from './measured';
import { plainUpload } from './plainUpload';

/**
 * One upload of a large recording in a fresh process, so the RSS it measures is this upload's
 * alone: a warm-up upload of a small file first (module loading, JIT, the binary store), then
 * the measured one (see measured.ts).
 */
export type UploadMode = 'node-filesystem' | 'plain-stream' | 'plain-buffer';

const mode = process.env.BENCH_MODE as UploadMode;
const url = process.env.BENCH_URL ?? '';
const apiKey = process.env.BENCH_KEY ?? '';
const bigFile = process.env.BENCH_FILE ?? '';
const smallFile = process.env.BENCH_SMALL_FILE ?? '';
const FIELDS = { languages: 'hi-IN', diarize: 'false', format: 'standard' };

async function nodeUpload(binary: IBinaryData & { id: string }): Promise<void> {
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
		input: [{ json: {}, binary: { data: binary } }],
		credentials: { formantAiApi: apiCredential(url, apiKey) },
		binaryMode: 'filesystem',
	});
	if (result.error) throw new Error(`Transcription → Create failed: ${result.error.message}`);
}

async function plain(path: string, whole: boolean): Promise<void> {
	const { status } = await plainUpload(`${url}/v1/transcription/jobs`, apiKey, FIELDS, {
		field: 'audio',
		fileName: 'call.wav',
		type: 'audio/wav',
		size: statSync(path).size,
		body: whole ? readFileSync(path) : createReadStream(path, { highWaterMark: 64 * 1024 }),
	});
	if (status !== 200) throw new Error(`plain upload answered ${status}`);
}

measureWhenTold(async () => {
	// The transport's 60 s per-request limit also bounds an upload; on this shared loopback a
	// 500 MB upload can take longer (see BENCHMARKS.md), and the bench measures memory, not that.
	runtime.requestTimeoutMs = 30 * 60_000;
	if (mode === 'node-filesystem') {
		// A first run puts the harness in filesystem mode; then the files go into the store.
		await runNode({
			parameters: { resource: 'conversation', operation: 'get', conversationId: 'none' },
			credentials: { formantAiApi: apiCredential(url, apiKey) },
			binaryMode: 'filesystem',
		});
		await nodeUpload(await storeFile(smallFile, 'call.wav', 'audio/wav'));
		const big = await storeFile(bigFile, 'call.wav', 'audio/wav');
		return async () => await nodeUpload(big);
	}
	await plain(smallFile, mode === 'plain-buffer');
	return async () => await plain(bigFile, mode === 'plain-buffer');
});
