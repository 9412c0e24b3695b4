import type { Simulator } from './index';
import { FAULT_KINDS, type FaultKind, type FaultSpec } from './faults';
import { ApiError, TERMINAL_STATUSES, type Reply, type TerminalStatus } from './state';

const ok = (body: unknown): Reply => ({ status: 200, body });

function obj(body: unknown): Record<string, unknown> {
	return typeof body === 'object' && body !== null && !Array.isArray(body)
		? (body as Record<string, unknown>)
		: {};
}

function terminal(v: unknown): TerminalStatus | undefined {
	if (v === undefined || v === null) return undefined;
	if (!TERMINAL_STATUSES.includes(v as TerminalStatus)) {
		throw new ApiError(
			400,
			'invalid_request',
			`status must be one of ${TERMINAL_STATUSES.join(', ')}`,
		);
	}
	return v as TerminalStatus;
}

/**
 * HTTP face of the test API, for e2e/demo drivers in another process. No auth (127.0.0.1 only).
 * Bodies accept snake_case (HTTP style) and camelCase (same names as the in-process API).
 */
export function adminHandler(sim: Simulator) {
	return async (
		method: string,
		path: string,
		_query: Record<string, string>,
		raw: unknown,
	): Promise<Reply> => {
		const body = obj(raw);
		const route = `${method} ${path.replace(/\/+$/, '')}`;
		const pick = (snake: string, camel: string): unknown => body[snake] ?? body[camel];

		switch (route) {
			case 'GET /__admin':
			case 'GET /__admin/health':
				return ok({ ok: true, url: sim.url, now: sim.clock.now() });
			case 'GET /__admin/clock':
				return ok({ now: sim.clock.now(), iso: new Date(sim.clock.now()).toISOString() });
			case 'POST /__admin/clock/advance': {
				const ms = Number(body.ms);
				if (!Number.isFinite(ms) || ms < 0)
					throw new ApiError(400, 'invalid_request', 'ms must be a number >= 0');
				await sim.clock.advance(ms);
				return ok({ now: sim.clock.now(), iso: new Date(sim.clock.now()).toISOString() });
			}
			case 'POST /__admin/flush':
				await sim.flush();
				return ok({ ok: true });
			case 'GET /__admin/log':
				return ok({ data: sim.log });
			case 'DELETE /__admin/log':
			case 'POST /__admin/log/clear':
				sim.clearLog();
				return ok({ ok: true });
			case 'GET /__admin/calls':
				return ok({ data: sim.callsPlaced() });
			case 'GET /__admin/deliveries':
				return ok({ data: sim.deliveries });
			case 'GET /__admin/webhook-targets':
				return ok({ data: [...sim.state.targets.values()].flat() });
			case 'POST /__admin/webhook-targets': {
				const agentId = Number(pick('agent_id', 'agentId'));
				if (!Number.isInteger(agentId))
					throw new ApiError(400, 'invalid_request', 'agent_id must be an integer');
				const t = sim.addWebhookTarget(agentId, {
					name: String(body.name ?? ''),
					url: String(body.url ?? ''),
					secret: body.secret as string | null | undefined,
					events: body.events as string[] | undefined,
					includeTranscript: pick('include_transcript', 'includeTranscript') as boolean | undefined,
					includeRecordingUrl: pick('include_recording_url', 'includeRecordingUrl') as
						| boolean
						| undefined,
					active: body.active as boolean | undefined,
				});
				return ok({ data: t });
			}
			case 'GET /__admin/faults':
				return ok({ data: sim.faults.list().map((f) => ({ ...f, path: String(f.path) })) });
			case 'POST /__admin/faults': {
				const regex = pick('path_regex', 'pathRegex');
				if (!FAULT_KINDS.includes(body.kind as FaultKind)) {
					throw new ApiError(
						400,
						'invalid_request',
						`kind must be one of ${FAULT_KINDS.join(', ')}`,
					);
				}
				const spec: FaultSpec = {
					method: body.method as string | undefined,
					path: typeof regex === 'string' ? new RegExp(regex) : String(body.path ?? '/'),
					kind: body.kind as FaultKind,
					count: body.count as number | undefined,
					every: body.every as number | undefined,
					skip: body.skip as number | undefined,
					retryAfter: pick('retry_after', 'retryAfter') as number | undefined,
					after: body.after as boolean | undefined,
				};
				sim.faults.add(spec);
				return ok({ ok: true });
			}
			case 'DELETE /__admin/faults':
				sim.faults.clear();
				return ok({ ok: true });
			case 'POST /__admin/seed/conversations': {
				const n = Number(body.n ?? body.count);
				if (!Number.isInteger(n) || n < 0)
					throw new ApiError(400, 'invalid_request', 'n must be an integer >= 0');
				const seeded = sim.seedConversations(n, {
					agentId: pick('agent_id', 'agentId') as number | undefined,
					status: terminal(body.status),
				});
				return ok({ data: { seeded: seeded.length } });
			}
			case 'POST /__admin/seed/batch': {
				const b = sim.seedBatch({
					agentId: pick('agent_id', 'agentId') as number | undefined,
					name: body.name as string | undefined,
					rows: body.rows as Array<Record<string, string>> | number | undefined,
				});
				return ok({ data: { id: b.id, total_recipients: b.total_recipients } });
			}
			case 'POST /__admin/reset':
				sim.reset();
				return ok({ ok: true });
			default:
				break;
		}
		const again = /^POST \/__admin\/deliveries\/([^/]+)\/redeliver$/.exec(route);
		if (again) {
			const eventId = decodeURIComponent(again[1]);
			if (!sim.deliveries.some((d) => d.event_id === eventId)) {
				throw new ApiError(404, 'not_found', `no delivery with event_id ${eventId}`);
			}
			return ok({ data: await sim.redeliver(eventId) });
		}
		const end = /^POST \/__admin\/calls\/([^/]+)\/end$/.exec(route);
		if (end) {
			await sim.endCall(decodeURIComponent(end[1]), terminal(body.status));
			const c = sim.state.conversations.get(decodeURIComponent(end[1]));
			return ok({ data: { conversation_id: c?.conversation_id, status: c?.status } });
		}
		throw new ApiError(404, 'not_found', `no admin route ${route}`);
	};
}
