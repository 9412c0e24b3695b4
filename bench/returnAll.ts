import { apiCredential, runNode } from '../test/harness';
import './floor';
import { latencyProxy } from './latency';
import { interleaved, list, median, plainRequest, round, type Result } from './lib';
import { startSim, type SimPlacement } from './sim';

const CONVERSATIONS = 10_000;
const PAGE = 100;
const MAX_REQUESTS = Math.ceil(CONVERSATIONS / PAGE) + 1;

/**
 * Conversation → Get Many, Return All, over 10,000 seeded conversations, through the real engine;
 * against a plain `http` loop fetching the same pages one after another.
 */
export async function returnAll(
	where: SimPlacement,
	repeat: number,
	warmup: number,
	latencyMs = 0,
	spreadMs = 0,
): Promise<Result[]> {
	const sim = await startSim(where);
	const proxy = latencyMs > 0 ? await latencyProxy(sim.url, latencyMs, spreadMs) : undefined;
	const url = proxy?.url ?? sim.url;
	const delay = spreadMs ? `${latencyMs}–${latencyMs + spreadMs}` : `${latencyMs}`;
	const label = `Return All, 10,000 conversations (simulator ${sim.where}${latencyMs ? `, +${delay} ms per request` : ''})`;
	try {
		await sim.seedConversations(CONVERSATIONS);
		const credentials = { formantAiApi: apiCredential(url, sim.apiKey) };
		let lastItems = 0;
		let lastUnique = 0;
		let lastError: string | undefined;

		const getMany = (simplify: boolean) => async () => {
			const result = await runNode({
				parameters: { resource: 'conversation', operation: 'getMany', returnAll: true, simplify },
				credentials,
			});
			lastError = result.error?.message;
			lastItems = result.items.length;
			lastUnique = new Set(result.items.map((i) => String(i.json.conversation_id))).size;
		};
		const node = getMany(true);
		let baselineItems = 0;
		const baseline = async () => {
			const ids = new Set<string>();
			for (let offset = 0; ; offset += PAGE) {
				const { json } = await plainRequest(
					`${url}/v1/conversations?limit=${PAGE}&offset=${offset}`,
					sim.apiKey,
					'GET',
				);
				const page = json as { data: Array<{ conversation_id: string }>; has_more: boolean };
				for (const record of page.data) ids.add(record.conversation_id);
				if (!page.has_more || page.data.length === 0) break;
			}
			baselineItems = ids.size;
		};

		// One counted run on a clean log, then the timed runs.
		await sim.clearLog();
		await node();
		if (lastError) throw new Error(`Get Many failed: ${lastError}`);
		const summary = await sim.summary();
		const requests = summary.byRoute['GET /v1/conversations'] ?? 0;
		const items = lastItems;
		const unique = lastUnique;

		// The same pages through n8n's own request helper, nothing else: one at a time, and 4 at a time.
		const floor =
			(parallel: number, sliding = false) =>
			async () => {
				const result = await runNode({
					type: 'benchFloor',
					parameters: { mode: 'pages', baseUrl: url, parallel, sliding },
					credentials,
				});
				if (result.error) throw new Error(`floor failed: ${result.error.message}`);
			};
		const runs = await interleaved(
			repeat,
			warmup,
			{
				baseline,
				floor1: floor(1),
				floor4: floor(4),
				sliding4: floor(4, true),
				node,
				raw: getMany(false),
			},
			async () => await sim.clearLog(),
			// 10,000 records per run: without it each run would pay for the garbage of the one before.
			true,
		);
		const measured = runs.node;
		const base = runs.baseline;
		const m = median(measured);
		const b = median(base);
		const f1 = median(runs.floor1);
		const f4 = median(runs.floor4);
		const s4 = median(runs.sliding4);
		// Where a miss comes from: the same run with Simplify off (records passed on as FormantAI sends them).
		const raw = median(runs.raw);
		const perPage = (ms: number) => round(ms / (CONVERSATIONS / PAGE), 3);
		const ratio = m / b;
		return [
			{
				bench: label,
				metric: 'wall time vs. a plain sequential http loop',
				measured: round(m, 1),
				unit: 'ms',
				baseline: round(b, 1),
				ratio: round(ratio, 3),
				target: '≤ 0.6× baseline',
				pass: ratio <= 0.6,
				note: `node runs ${list(measured)} ms; plain sequential http loop ${list(base)} ms (${baselineItems} items); ${round((CONVERSATIONS / m) * 1000, 0)} items/s`,
			},
			{
				bench: label,
				metric: 'n8n floor, same pages 4 at a time (bare httpRequestWithAuthentication)',
				measured: round(f4, 1),
				unit: 'ms',
				baseline: round(b, 1),
				ratio: round(f4 / b, 3),
				target: 'context (no target)',
				pass: true,
				info: true,
				note: `4 at a time ${list(runs.floor4)} ms; one at a time ${list(runs.floor1)} ms (${round(f1 / b, 2)}× the plain loop)`,
			},
			{
				bench: label,
				metric: 'wall time vs. the n8n floor, same pages 4 at a time',
				measured: round(m, 1),
				unit: 'ms',
				baseline: round(f4, 1),
				ratio: round(m / f4, 3),
				target: '≤ 1.05× the floor',
				pass: m / f4 <= 1.05,
				note: `the node adds ${perPage(m - f4)} ms per page request over the floor: Simplify ${perPage(m - raw)} ms (with it off ${round(raw, 1)} ms, ${round(raw / f4, 3)}× the floor), the rest (pagination, checks, items) ${perPage(raw - f4)} ms`,
			},
			{
				bench: label,
				metric: 'context: vs. the n8n floor keeping 4 in flight, as the node does (sliding window)',
				measured: round(m, 1),
				unit: 'ms',
				baseline: round(s4, 1),
				ratio: round(m / s4, 3),
				target: 'context (no target)',
				pass: true,
				info: true,
				note: `floor with a sliding window ${list(runs.sliding4)} ms (${round(s4 / f4, 3)}× the floor in windows of 4); the node with Simplify off ${round(raw / s4, 3)}× it`,
			},
			{
				bench: label,
				metric: 'items returned (unique)',
				measured: unique,
				unit: 'items',
				target: `exactly ${CONVERSATIONS} unique`,
				pass: items === CONVERSATIONS && unique === CONVERSATIONS,
				note: `${items} items, ${unique} distinct conversation_id`,
			},
			{
				bench: label,
				metric: 'requests (simulator log)',
				measured: requests,
				unit: 'requests',
				target: `≤ ${MAX_REQUESTS}`,
				pass: requests <= MAX_REQUESTS && summary.total === requests,
				note: `${summary.total} logged requests in all; statuses ${JSON.stringify(summary.byStatus)}`,
			},
		];
	} finally {
		await proxy?.close();
		await sim.close();
	}
}
