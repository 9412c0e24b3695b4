import { createHmac, timingSafeEqual } from 'crypto';

import { WebhookContext } from 'n8n-core';
import type {
	IDataObject,
	INode,
	INodeTypes,
	IWebhookData,
	IWorkflowExecuteAdditionalData,
} from 'n8n-workflow';
import { NodeHelpers, Workflow } from 'n8n-workflow';

import { FormantAiTrigger } from '../nodes/FormantAiTrigger/FormantAiTrigger.node';
import { TestCredentialsHelper } from '../test/harness/credentials';
import { list, median, round, time, type Result } from './lib';

const EVENTS = 10_000;
const SECRET = 'whsec_bench_secret';
const STATUSES = ['completed', 'no_answer', 'busy', 'failed'] as const;

/** A delivery body shaped like FormantAI's `call.<status>` event, distinct per index. */
function eventBody(index: number): Buffer {
	const status = STATUSES[index % STATUSES.length];
	const id = `${index.toString(16).padStart(8, '0')}-9cbb-441e-ad75-d3c8ac82abfb_1`;
	return Buffer.from(
		JSON.stringify({
			event_id: `evt_${index.toString(16).padStart(12, '0')}`,
			event_type: `call.${status}`,
			// Now: inside the trigger's replay window.
			timestamp: new Date().toISOString(),
			data: {
				call: {
					agent_id: 497,
					call_parameters: { customer_name: `Customer ${index}`, loan_id: `LN-${index}` },
					conversation_id: id,
					duration_seconds: status === 'completed' ? 142 : null,
					ended_at: '2026-03-18T20:55:41.766Z',
					failure_reason: status === 'failed' ? 'call_setup_failed' : null,
					from_phone: '+918065177389',
					recording_url: null,
					started_at: '2026-03-18T20:53:41.766Z',
					status,
					to_phone: `+9170${String(index).padStart(8, '0')}`,
					trace_id: `a1b2c3d4-e5f6-7890-abcd-${index.toString(16).padStart(12, '0')}`,
				},
				results:
					status === 'completed' ? { intent: 'payment_confirmed', sentiment: 'positive' } : {},
				retry: { attempt_number: 1, is_final_attempt: true, max_attempts: 1, next_retry_at: null },
				retry_context: {
					collected_data: null,
					retry_initial_message: null,
					retry_language: null,
					retry_stage_id: null,
				},
				transcript:
					status === 'completed'
						? `BOT: Hello Customer ${index}, this is about your loan.\nHUMAN: Yes, I can talk.\nBOT: Can you pay today?\nHUMAN: Yes.`
						: undefined,
			},
		}),
	);
}

interface Delivery {
	raw: Buffer;
	signature: string;
}

function deliveries(from: number, count: number): Delivery[] {
	return Array.from({ length: count }, (_, i) => {
		const raw = eventBody(from + i);
		return { raw, signature: `sha256=${createHmac('sha256', SECRET).update(raw).digest('hex')}` };
	});
}

const trigger = new FormantAiTrigger();
const nodeTypes: INodeTypes = {
	getByName: () => trigger,
	getByNameAndVersion: () => trigger,
	getKnownTypes: () => ({}),
};

/**
 * An active workflow holding the trigger (signature verification, dedupe, Simplify on), and a
 * function that hands one delivery to `webhook()` through n8n-core's real WebhookContext, as
 * n8n's webhook server does for every request.
 */
function activeTrigger() {
	const node: INode = {
		id: 'trigger',
		name: 'FormantAI Trigger',
		type: 'formantAiTrigger',
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
		credentials: { formantAiWebhookApi: { id: 'secret', name: 'FormantAI Webhook Secret' } },
	};
	node.parameters =
		NodeHelpers.getNodeParameters(
			trigger.description.properties,
			{ simplify: true },
			true,
			false,
			node,
			trigger.description,
		) ?? {};
	const workflow = new Workflow({
		id: 'bench-trigger',
		name: 'Trigger bench',
		nodes: [node],
		connections: {},
		active: true,
		nodeTypes,
		staticData: {},
	});
	const credentialsHelper = new TestCredentialsHelper({ formantAiWebhookApi: { secret: SECRET } });
	let started = 0;
	let refused = 0;
	const deliver = async (delivery: Delivery): Promise<void> => {
		let status = 200;
		const response = {
			status(code: number) {
				status = code;
				return response;
			},
			json: () => response,
			send: () => response,
			end: () => response,
		};
		const headers = {
			'content-type': 'application/json',
			'x-formantai-signature': delivery.signature,
		};
		const additionalData = {
			executionId: undefined,
			credentialsHelper,
			httpRequest: {
				method: 'POST',
				headers,
				rawBody: delivery.raw,
				body: {},
				params: {},
				query: {},
			},
			httpResponse: response,
			webhookBaseUrl: 'http://127.0.0.1/webhook',
			webhookTestBaseUrl: 'http://127.0.0.1/webhook-test',
			webhookWaitingBaseUrl: 'http://127.0.0.1/webhook-waiting',
			formWaitingBaseUrl: 'http://127.0.0.1/form-waiting',
			instanceBaseUrl: 'http://127.0.0.1/',
			restApiUrl: 'http://127.0.0.1/rest',
		} as unknown as IWorkflowExecuteAdditionalData;
		const webhookData = {
			httpMethod: 'POST',
			node: node.name,
			path: 'webhook',
			webhookDescription: trigger.description.webhooks![0],
			workflowId: workflow.id,
			workflowExecuteAdditionalData: additionalData,
		} as IWebhookData;
		const context = new WebhookContext(
			workflow,
			node,
			additionalData,
			'webhook',
			webhookData,
			[],
			null,
		);
		const result = await trigger.webhook.call(context);
		if (status !== 200) refused++;
		else if ((result.workflowData?.[0]?.length ?? 0) > 0) started++;
	};
	return {
		deliver,
		counts: () => ({ started, refused }),
		staticBytes: () => Buffer.byteLength(JSON.stringify(workflow.staticData)),
		seen: () =>
			(
				(workflow.staticData as IDataObject)['node:FormantAI Trigger'] as
					| { seenEvents?: { order?: unknown[] } }
					| undefined
			)?.seenEvents?.order?.length ?? 0,
	};
}

/** The baseline: what any receiver must do at least — verify the HMAC and parse the JSON. */
function bareVerifyAndParse(list: Delivery[]): number {
	let ok = 0;
	for (const d of list) {
		const expected = Buffer.from(
			`sha256=${createHmac('sha256', SECRET).update(d.raw).digest('hex')}`,
		);
		const given = Buffer.from(d.signature);
		if (expected.length === given.length && timingSafeEqual(expected, given)) {
			const event = JSON.parse(d.raw.toString('utf8')) as { event_id?: string };
			if (event.event_id) ok++;
		}
	}
	return ok;
}

/**
 * FormantAI Trigger `webhook()` with signature verification, the replay window and Simplify on:
 * 10,000 distinct signed events in-process; what it writes to static data after 20,000.
 */
export async function triggerThroughput(repeat: number, warmup: number): Promise<Result[]> {
	const first = deliveries(0, EVENTS);
	const second = deliveries(EVENTS, EVENTS);

	const runAll = async (list: Delivery[]) => {
		const t = activeTrigger();
		for (const d of list) await t.deliver(d);
		return t;
	};
	for (let i = 0; i < warmup; i++) {
		await runAll(first);
		bareVerifyAndParse(first);
	}
	const node: number[] = [];
	const base: number[] = [];
	for (let i = 0; i < repeat; i++) {
		base.push((await time(async () => bareVerifyAndParse(first))).ms);
		node.push((await time(async () => await runAll(first))).ms);
	}

	// webhook() keeps no memory of its own any more (copies are caught inside the execution, in
	// n8n's dedupe store: see the e2e load figures), so 20,000 deliveries write no static data.
	const t = activeTrigger();
	for (const d of first) await t.deliver(d);
	const after10k = t.counts();
	for (const d of second) await t.deliver(d);
	const staticBytes = t.staticBytes();
	// And verification is really on: a body changed after signing is refused.
	const forged = deliveries(3 * EVENTS, 1)[0];
	await t.deliver({
		raw: Buffer.from(forged.raw.toString().replace('Customer', 'Mallory')),
		signature: forged.signature,
	});
	const forgedRefused = t.counts().refused === 1;

	const m = median(node);
	const b = median(base);
	const rate = (EVENTS / m) * 1000;
	const baseRate = (EVENTS / b) * 1000;
	return [
		{
			bench: 'FormantAI Trigger webhook(), in-process (real WebhookContext)',
			metric: 'events/s, 10,000 distinct signed events',
			measured: round(rate, 0),
			unit: 'events/s',
			baseline: round(baseRate, 0),
			ratio: round(rate / baseRate, 3),
			target: '≥ 5,000 events/s',
			pass: rate >= 5000 && after10k.started === EVENTS && after10k.refused === 0 && forgedRefused,
			note: `webhook() ${list(node)} ms per 10,000 (${round((m / EVENTS) * 1000, 1)} µs/event); bare HMAC verify + JSON.parse ${list(base, 1)} ms; ${after10k.started} started, ${after10k.refused} refused; a forged body is ${forgedRefused ? 'refused (401)' : 'NOT refused'}`,
		},
		{
			bench: 'FormantAI Trigger webhook(), in-process (real WebhookContext)',
			metric: 'static data written by webhook() after 20,000 events',
			measured: staticBytes,
			unit: 'bytes',
			target: 'none (no per-delivery write to compete for the database)',
			pass: staticBytes <= 2,
			note: `${t.counts().started} of 20,000 started; static data is ${staticBytes} bytes`,
		},
	];
}
