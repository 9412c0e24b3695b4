/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- benchmarks drive a local server and measure the process, never shipped */
import * as http from 'http';
import { performance } from 'perf_hooks';

/** One line of the results table. */
export interface Result {
	bench: string;
	metric: string;
	/** Measured value (median), in `unit`. */
	measured: number;
	unit: string;
	/** Baseline measured in the same run (same unit), when the target is a ratio. */
	baseline?: number;
	/** measured / baseline. */
	ratio?: number;
	/** Human-readable target, e.g. "≤ 0.6× baseline". */
	target: string;
	pass: boolean;
	/** Context only: no target, no verdict. */
	info?: boolean;
	/** Context: the individual samples, counts, how it was measured. */
	note?: string;
}

export const median = (values: number[]): number => {
	const sorted = [...values].sort((a, b) => a - b);
	const mid = Math.floor(sorted.length / 2);
	return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

export const round = (value: number, digits = 2): number => {
	const f = 10 ** digits;
	return Math.round(value * f) / f;
};

export const MB = 1024 * 1024;

/** Wall time of `fn` in ms. */
export async function time<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
	const start = performance.now();
	const value = await fn();
	return { ms: performance.now() - start, value };
}

/** Runs `fn` `warmup` times untimed, then `repeat` times timed; returns every sample in ms. */
export async function samples(
	repeat: number,
	warmup: number,
	fn: () => Promise<unknown>,
	between?: () => Promise<void>,
): Promise<number[]> {
	for (let i = 0; i < warmup; i++) {
		await fn();
		await between?.();
	}
	const out: number[] = [];
	for (let i = 0; i < repeat; i++) {
		out.push((await time(fn)).ms);
		await between?.();
	}
	return out;
}

/**
 * Runs every function in turn, `repeat` times (after `warmup` untimed rounds), so drift in the
 * machine's load hits all of them alike; returns every sample in ms, by name. With `collectFirst`
 * each run starts from a collected heap (`gc()` first, untimed), so none pays for the garbage of the
 * one before; it also slows n8n's request path in the run after it (Make Call: ≈ 2.0 ms a call
 * against ≈ 1.2 ms), so only benchmarks whose runs leave much garbage use it.
 */
export async function interleaved<K extends string>(
	repeat: number,
	warmup: number,
	fns: Record<K, () => Promise<unknown>>,
	between?: () => Promise<void>,
	collectFirst = false,
): Promise<Record<K, number[]>> {
	const names = Object.keys(fns) as K[];
	const out = Object.fromEntries(names.map((n) => [n, [] as number[]])) as Record<K, number[]>;
	for (let i = 0; i < warmup + repeat; i++) {
		for (const name of names) {
			if (collectFirst) gc();
			const { ms } = await time(fns[name]);
			if (i >= warmup) out[name].push(ms);
			await between?.();
		}
	}
	return out;
}

export const list = (values: number[], digits = 0): string =>
	values.map((v) => round(v, digits)).join(', ');

/** A keep-alive agent for the plain-`http` baselines (what a hand-written client would use). */
export const baselineAgent = new http.Agent({ keepAlive: true, maxSockets: 16 });

/** A response handler of the plain baselines: status and the body parsed as JSON. */
export function jsonAnswer(
	resolve: (answer: { status: number; json: unknown }) => void,
	reject: (error: Error) => void,
): (res: http.IncomingMessage) => void {
	return (res) => {
		const chunks: Buffer[] = [];
		res.on('data', (c: Buffer) => chunks.push(c));
		res.on('end', () => {
			const text = Buffer.concat(chunks).toString('utf8');
			try {
				resolve({ status: res.statusCode ?? 0, json: text ? JSON.parse(text) : undefined });
			} catch (error) {
				reject(error as Error);
			}
		});
		res.on('error', reject);
	};
}

/** The plain-`http` client of the baselines: one request, the body parsed as JSON. */
export function plainRequest(
	url: string,
	apiKey: string,
	method: 'GET' | 'POST',
	body?: unknown,
): Promise<{ status: number; json: unknown }> {
	return new Promise((resolve, reject) => {
		const payload = body === undefined ? undefined : JSON.stringify(body);
		const req = http.request(
			url,
			{
				method,
				agent: baselineAgent,
				headers: {
					Authorization: `Bearer ${apiKey}`,
					Accept: 'application/json',
					...(payload
						? {
								'Content-Type': 'application/json',
								'Content-Length': String(Buffer.byteLength(payload)),
							}
						: {}),
				},
			},
			jsonAnswer(resolve, reject),
		);
		req.on('error', reject);
		if (payload) req.write(payload);
		req.end();
	});
}

/**
 * Samples `process.memoryUsage()` every `everyMs` and keeps the peak RSS, with the heap/Buffer
 * breakdown at that moment (what holds the memory: V8's heap or Buffers outside it).
 */
export function rssSampler(everyMs = 1): {
	stop(): number;
	samples(): number;
	atPeak(): NodeJS.MemoryUsage;
} {
	let atPeak = process.memoryUsage();
	let count = 1;
	const sample = () => {
		const usage = process.memoryUsage();
		count++;
		if (usage.rss > atPeak.rss) atPeak = usage;
	};
	const timer = setInterval(sample, everyMs);
	return {
		samples: () => count,
		atPeak: () => atPeak,
		stop: () => {
			clearInterval(timer);
			sample();
			return atPeak.rss;
		},
	};
}

/** Collects garbage when the process runs with --expose-gc (the bench script passes it). */
export function gc(): void {
	const collect = (globalThis as { gc?: () => void }).gc;
	if (collect) {
		collect();
		collect();
	}
}
