import { randomUUID } from 'crypto';

import { apiCredential, runNode } from '../test/harness';
import './floor';
import { interleaved, list, median, plainRequest, round, time, type Result } from './lib';
import { startSim, type SimPlacement } from './sim';

const CALLS = 1_000;
const AGENT = 123;

/** Distinct destinations, so no per-number rule could merge or refuse two of them. */
const phones = Array.from({ length: CALLS }, (_, i) => `+9190${String(i).padStart(8, '0')}`);

/**
 * 1,000 input items → Call → Create (item by item, Automatic idempotency keys), against a plain
 * loop of the same POSTs; then with every 10th POST answered 429 + `Retry-After: 0`.
 */
export async function manyCalls(
	where: SimPlacement,
	repeat: number,
	warmup: number,
): Promise<Result[]> {
	const sim = await startSim(where);
	const label = `Make Call, 1,000 calls (simulator ${sim.where})`;
	try {
		const credentials = { formantAiApi: apiCredential(sim.url, sim.apiKey) };
		const input = phones.map((phone) => ({ json: { phone } }));
		const parameters = {
			resource: 'call',
			operation: 'create',
			agentId: AGENT,
			customerPhone: '={{ $json.phone }}',
		};
		let lastError: string | undefined;
		let lastItems = 0;
		const node = async () => {
			const result = await runNode({ parameters, input, credentials });
			lastError = result.error?.message;
			lastItems = result.items.length;
		};
		// The same request bodies the node sends (parameters + an idempotency key), one after another.
		const baseline = async () => {
			for (const phone of phones) {
				const { status } = await plainRequest(`${sim.url}/v1/call`, sim.apiKey, 'POST', {
					agent_id: AGENT,
					parameters: [{ name: 'customer_phone', value: phone }],
					idempotency_key: randomUUID(),
				});
				if (status !== 200) throw new Error(`baseline POST answered ${status}`);
			}
		};
		const reset = async () => await sim.reset();
		// The same POSTs through n8n's own request helper in the same engine, with nothing else.
		const floor = async () => {
			const result = await runNode({
				type: 'benchFloor',
				parameters: { mode: 'post', baseUrl: sim.url, phone: '={{ $json.phone }}' },
				input,
				credentials,
			});
			if (result.error) throw new Error(`floor failed: ${result.error.message}`);
		};

		// Correctness run on a clean simulator: every item placed exactly once.
		await reset();
		await node();
		if (lastError) throw new Error(`Call → Create failed: ${lastError}`);
		const clean = await sim.placed();

		const runs = await interleaved(repeat, warmup, { baseline, floor, node }, reset);
		const measured = runs.node;
		const base = runs.baseline;
		const m = median(measured);
		const b = median(base);
		const f = median(runs.floor);
		const ratio = m / b;

		// With faults: every 10th POST /v1/call answered 429 Retry-After: 0.
		const faulted: number[] = [];
		let faultPlaced = clean;
		let faultSummary = await sim.summary();
		let faultItems = 0;
		for (let i = 0; i < Math.max(1, Math.ceil(repeat / 2)); i++) {
			await reset();
			await sim.addFault({ path: '/v1/call', kind: 'rateLimit429', every: 10, retryAfter: 0 });
			faulted.push((await time(node)).ms);
			if (lastError) throw new Error(`Call → Create under 429s failed: ${lastError}`);
			faultItems = lastItems;
			faultPlaced = await sim.placed();
			faultSummary = await sim.summary();
		}
		const posts = faultSummary.byRoute['POST /v1/call'] ?? 0;
		const lost = phones.filter((p) => !faultPlaced.phones.includes(p)).length;
		const duplicates = faultPlaced.placed - faultPlaced.distinctPhones;
		return [
			{
				bench: label,
				metric: 'wall time vs. a plain POST loop',
				measured: round(m, 1),
				unit: 'ms',
				baseline: round(b, 1),
				ratio: round(ratio, 3),
				target: '≤ 1.1× baseline',
				pass: ratio <= 1.1,
				note: `node runs ${list(measured)} ms (${round(m / CALLS, 3)} ms/call); plain POST loop ${list(base)} ms (${round(b / CALLS, 3)} ms/call); clean run placed ${clean.placed}, ${clean.distinctKeys} distinct keys`,
			},
			{
				bench: label,
				metric: 'wall time vs. the n8n floor (bare httpRequestWithAuthentication loop)',
				measured: round(m, 1),
				unit: 'ms',
				baseline: round(f, 1),
				ratio: round(m / f, 3),
				target: '≤ 1.05× the floor',
				pass: m / f <= 1.05,
				note: `floor runs ${list(runs.floor)} ms (${round(f / CALLS, 3)} ms/call; ${round(f / b, 2)}× the plain loop): what n8n itself costs per request; the node adds ${round((m - f) / CALLS, 3)} ms/call`,
			},
			{
				bench: label,
				metric: 'calls placed with every 10th POST answered 429 + Retry-After: 0',
				measured: faultPlaced.placed,
				unit: 'calls',
				target: `exactly ${CALLS}, 0 duplicates, 0 lost`,
				pass:
					faultPlaced.placed === CALLS &&
					duplicates === 0 &&
					lost === 0 &&
					faultPlaced.distinctKeys === CALLS &&
					faultItems === CALLS,
				note: `${faultItems} output items; ${duplicates} duplicates, ${lost} lost, ${faultPlaced.distinctKeys} distinct idempotency keys; ${posts} POSTs (${JSON.stringify(faultSummary.byStatus)}); wall ${list(faulted)} ms`,
			},
		];
	} finally {
		await sim.close();
	}
}
