/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- benchmarks drive a local server and measure the process, never shipped */
import './env';

import { createWriteStream } from 'fs';
import * as http from 'http';
import { join } from 'path';
import { pipeline } from 'stream/promises';

import { apiCredential, runNode } from '../test/harness';
import { gc, rssSampler } from './lib';

/**
 * One recording download in a fresh process, so the RSS it measures is this download's alone:
 * a warm-up download of a small recording first (module loading, JIT), then — when the parent
 * has made the simulator's recording 50 MB — the measured one, with RSS sampled every 1 ms.
 */
export type RecordingMode = 'node-filesystem' | 'node-default' | 'plain-buffer' | 'plain-stream';

export interface RecordingReport {
	mode: RecordingMode;
	rssBefore: number;
	peak: number;
	bytes: number;
	ms: number;
	samples: number;
	/** Where the memory was at the peak (V8 heap vs. Buffers outside it). */
	atPeak: NodeJS.MemoryUsage;
	before: NodeJS.MemoryUsage;
}

const mode = process.env.BENCH_MODE as RecordingMode;
const url = process.env.BENCH_URL ?? '';
const apiKey = process.env.BENCH_KEY ?? '';
const conversationId = process.env.BENCH_CONVERSATION ?? '';
const path = `/v1/conversations/${encodeURIComponent(conversationId)}/recording`;

function plainGet(): Promise<http.IncomingMessage> {
	return new Promise((resolve, reject) => {
		http
			.get(`${url}${path}`, { headers: { Authorization: `Bearer ${apiKey}` } }, (res) => {
				if (res.statusCode !== 200) reject(new Error(`recording answered ${res.statusCode}`));
				else resolve(res);
			})
			.on('error', reject);
	});
}

/** Downloads the recording the way `mode` says; returns its size in bytes. */
async function download(): Promise<number> {
	if (mode === 'plain-buffer') {
		const res = await plainGet();
		const chunks: Buffer[] = [];
		for await (const chunk of res) chunks.push(chunk as Buffer);
		return Buffer.concat(chunks).length;
	}
	if (mode === 'plain-stream') {
		const res = await plainGet();
		const file = join(process.env.TMPDIR ?? '/tmp', `plain-${process.pid}.wav`);
		let size = 0;
		res.on('data', (c: Buffer) => (size += c.length));
		await pipeline(res, createWriteStream(file));
		return size;
	}
	const result = await runNode({
		parameters: { resource: 'conversation', operation: 'downloadRecording', conversationId },
		credentials: { formantAiApi: apiCredential(url, apiKey) },
		binaryMode: mode === 'node-filesystem' ? 'filesystem' : 'default',
	});
	if (result.error) throw new Error(`Download Recording failed: ${result.error.message}`);
	const binary = result.items[0]?.binary?.data;
	if (!binary) throw new Error('Download Recording returned no binary');
	if (mode === 'node-filesystem' && !String(binary.id ?? '').startsWith('filesystem')) {
		throw new Error(`expected a filesystem binary, got id ${String(binary.id)}`);
	}
	return Number(binary.bytes ?? 0);
}

async function main(): Promise<void> {
	await download();
	process.send?.({ warmed: true });
	await new Promise<void>((resolve) => process.once('message', () => resolve()));
	gc();
	const before = process.memoryUsage();
	const sampler = rssSampler(1);
	const started = performance.now();
	const bytes = await download();
	const ms = performance.now() - started;
	const peak = sampler.stop();
	const report: RecordingReport = {
		mode,
		rssBefore: before.rss,
		peak,
		bytes,
		ms,
		samples: sampler.samples(),
		atPeak: sampler.atPeak(),
		before,
	};
	process.send?.({ report });
	process.disconnect?.();
}

main().catch((error: Error) => {
	process.send?.({ error: error.stack ?? error.message });
	process.disconnect?.();
});
