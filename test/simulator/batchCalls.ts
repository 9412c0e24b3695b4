import { pumpDialQueue } from './calls';
import { parseAgentFilter, parsePaging } from './conversations';
import { csvRecords } from './csv';
import type { MultipartBody } from './multipart';
import { invalid, notFound, type Batch, type Reply, type SimContext } from './state';

/** Rows start dialling this long after the batch is accepted (simulator choice: shows `pending` first). */
export const BATCH_START_DELAY_MS = 1_000;

export function batchJson(b: Batch): Record<string, unknown> {
	return {
		id: b.id,
		name: b.name,
		agent_id: b.agent_id,
		status: b.status,
		total_recipients: b.total_recipients,
		created_at: new Date(b.created_at).toISOString(),
	};
}

/** Creates a batch and schedules its rows (shared by the API and sim.seedBatch). */
export function createBatchRecord(
	ctx: SimContext,
	agentId: number,
	name: string,
	rows: Array<Record<string, string>>,
): Batch {
	const { state, clock } = ctx;
	const b: Batch = {
		id: state.nextBatchId++,
		name,
		agent_id: agentId,
		status: 'pending',
		total_recipients: rows.length,
		created_at: clock.now(),
		rows,
		conversation_ids: [],
	};
	state.batches.set(b.id, b);
	clock.schedule(b.created_at + BATCH_START_DELAY_MS, `batch ${b.id} start`, () => {
		rows.forEach((_, row) => state.dialQueue.push({ kind: 'batch', batchId: b.id, row }));
		pumpDialQueue(ctx);
	});
	return b;
}

export function createBatch(ctx: SimContext, form: MultipartBody): Reply {
	const agentRaw = form.fields.agent_id;
	if (agentRaw === undefined || agentRaw.trim() === '') throw invalid('agent_id is required');
	if (!/^\d+$/.test(agentRaw.trim())) throw invalid('agent_id must be an integer');
	const agentId = Number(agentRaw.trim());
	const name = form.fields.name;
	if (name === undefined || name.trim() === '') throw invalid('name is required');
	const file = form.files.find((f) => f.field === 'file');
	if (!file) throw invalid('file is required');
	const isCsv = /\.csv$/i.test(file.filename) || /^text\/csv\b/i.test(file.contentType);
	if (!isCsv) throw invalid('file must be a CSV (.csv)');
	if (!ctx.opts.agents.includes(agentId)) throw notFound('agent not found');

	let parsed: ReturnType<typeof csvRecords>;
	try {
		parsed = csvRecords(file.data.toString('utf8'));
	} catch (e) {
		throw invalid(`CSV could not be parsed: ${(e as Error).message}`);
	}
	if (parsed.columns.length === 0) throw invalid('CSV file is empty');
	if (!parsed.columns.includes('customer_phone'))
		throw invalid('CSV must have a customer_phone column');
	if (parsed.records.length === 0) throw invalid('CSV must contain at least one recipient row');
	const blank = parsed.records.findIndex((r) => !r.customer_phone);
	if (blank >= 0) throw invalid(`CSV row ${blank + 2} has an empty customer_phone`);

	const b = createBatchRecord(ctx, agentId, name.trim(), parsed.records);
	return { status: 200, body: { data: batchJson(b) } };
}

function sortedBatches(ctx: SimContext): Batch[] {
	return [...ctx.state.batches.values()].sort((a, b) => b.created_at - a.created_at || b.id - a.id);
}

export function listBatches(ctx: SimContext, query: Record<string, string>): Reply {
	const { limit, offset } = parsePaging(query);
	const agent = parseAgentFilter(query);
	const matching = sortedBatches(ctx).filter((b) => agent === undefined || b.agent_id === agent);
	const page = matching.slice(offset, offset + limit);
	return {
		status: 200,
		body: {
			data: page.map(batchJson),
			has_more: offset + page.length < matching.length,
			total: matching.length,
		},
	};
}

function findBatch(ctx: SimContext, raw: string): Batch {
	const b = /^\d+$/.test(raw) ? ctx.state.batches.get(Number(raw)) : undefined;
	if (!b) throw notFound('batch not found');
	return b;
}

export function getBatch(ctx: SimContext, id: string): Reply {
	return { status: 200, body: { data: batchJson(findBatch(ctx, id)) } };
}

const round1 = (n: number): number => Math.round(n * 10) / 10;

/** Counts over the batch's dialled calls. telephony_failed is folded into failed_count (no own counter). */
export function batchMetrics(ctx: SimContext, b: Batch): Record<string, number> {
	const m = {
		busy: 0,
		completed: 0,
		failed: 0,
		in_progress: 0,
		no_answer: 0,
		socket_failure: 0,
		unreachable: 0,
	};
	let durationSum = 0;
	for (const id of b.conversation_ids) {
		const c = ctx.state.conversations.get(id);
		if (!c) continue;
		switch (c.status) {
			case 'telephony_failed':
				m.failed++;
				break;
			case 'initiated':
				// Ringing counts as in progress: the metrics have no counter of their own for it.
				m.in_progress++;
				break;
			case 'scheduled':
				break;
			default:
				m[c.status]++;
		}
		if (c.status === 'completed') durationSum += c.duration_seconds ?? 0;
	}
	const processed =
		m.busy + m.completed + m.failed + m.no_answer + m.socket_failure + m.unreachable;
	return {
		avg_duration_seconds: m.completed > 0 ? round1(durationSum / m.completed) : 0,
		busy_count: m.busy,
		completed_count: m.completed,
		failed_count: m.failed,
		in_progress_count: m.in_progress,
		no_answer_count: m.no_answer,
		pending_retry_count: 0,
		socket_failure_count: m.socket_failure,
		success_count: m.completed,
		// Percentage of all recipients (matches the docs' example: 420 of 500 → 84.0).
		success_rate: b.total_recipients > 0 ? round1((m.completed / b.total_recipients) * 100) : 0,
		total_processed: processed,
		unreachable_count: m.unreachable,
	};
}

export function getBatchMetrics(ctx: SimContext, id: string): Reply {
	return { status: 200, body: { data: batchMetrics(ctx, findBatch(ctx, id)) } };
}
