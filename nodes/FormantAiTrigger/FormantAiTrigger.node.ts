import type {
	ICredentialsDecrypted,
	ICredentialTestFunctions,
	IDataObject,
	IExecuteFunctions,
	IHookFunctions,
	INodeCredentialTestResult,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { triggerProperties } from './description';
import type { Filters } from './event';
import {
	DEFAULT_REPLAY_WINDOW_SECONDS,
	EVENT_TYPES,
	filterOut,
	isKnownEvent,
	parseAgentIds,
	parseEvent,
	replayProblem,
	replayWindowSeconds,
} from './event';
import { triggerExecute } from './execute';
import { runtime } from '../FormantAi/transport';
import { checkSignature } from './secret';
import { SIGNATURE_HEADER } from './signature';

/** n8n's own default request size limit (N8N_PAYLOAD_SIZE_MAX, 16 MiB); larger bodies get 413. */
export const MAX_BODY_BYTES = 16 * 1024 * 1024;

const SIGNATURE_PROBLEMS = {
	missing:
		'The request has no X-FormantAI-Signature header. Set the same Webhook Secret on the target in FormantAI as in the FormantAI Webhook Secret API credential.',
	malformed: 'The X-FormantAI-Signature header is not "sha256=" followed by 64 hex digits.',
	mismatch:
		'The X-FormantAI-Signature does not match the body. Check that the Webhook Secret in FormantAI and in the credential are the same.',
};

type RequestWithRawBody = { rawBody?: unknown; readRawBody?: () => Promise<void> };

/** The exact bytes FormantAI signed; n8n keeps them as `rawBody` next to the parsed body. */
async function rawBodyOf(request: RequestWithRawBody): Promise<Buffer | undefined> {
	if (!Buffer.isBuffer(request.rawBody) && typeof request.rawBody !== 'string') {
		if (typeof request.readRawBody === 'function') {
			try {
				await request.readRawBody();
			} catch {
				// Left undefined: the caller answers 401/400 for a body it cannot read.
			}
		}
	}
	const raw = request.rawBody;
	if (Buffer.isBuffer(raw)) return raw;
	if (typeof raw === 'string') return Buffer.from(raw, 'utf8');
	return undefined;
}

function filtersOf(ctx: IWebhookFunctions): Filters {
	const raw = ctx.getNodeParameter('filters', {}) as IDataObject;
	const conditions = ((raw.results as IDataObject | undefined)?.conditions ?? []) as IDataObject[];
	return {
		agentIds: parseAgentIds(raw.agentIds),
		finalAttemptOnly: raw.finalAttemptOnly === true,
		results: conditions
			.map((c) => ({ key: String(c.key ?? '').trim(), value: String(c.value ?? '') }))
			.filter((c) => c.key !== ''),
	};
}

export class FormantAiTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'FormantAI Trigger',
		name: 'formantAiTrigger',
		icon: { light: 'file:formantAi.svg', dark: 'file:formantAi.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle:
			'={{ "On " + (!$parameter["events"] || $parameter["events"].length === 0 || $parameter["events"].length === 7 ? "every call outcome" : $parameter["events"].join(", ")) }}',
		description:
			// n8n's nodes panel merges this node with the FormantAI action node and shows this text for
			// both, also when a user adds an action: it has to describe the package, actions first.
			'Place AI voice calls, run CSV call campaigns and transcribe recordings, and start workflows when FormantAI calls end',
		defaults: { name: 'FormantAI Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{
				name: 'formantAiWebhookApi',
				required: true,
				testedBy: 'formantAiWebhookSecretTest',
				displayOptions: { show: { authentication: ['webhookSecret'] } },
			},
			{
				name: 'formantAiApi',
				required: true,
				displayOptions: { show: { attachRecording: [true] } },
			},
		],
		webhooks: [
			{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', path: 'webhook' },
		],
		triggerPanel: {
			header: 'Start workflows when FormantAI calls end',
			executionsHelp: {
				inactive:
					"<b>While building your workflow</b>, click 'Listen for test event', then in FormantAI's dashboard open the agent, go to the <b>Webhook</b> tab and click <b>Add Target</b>. Paste this node's <b>Test URL</b> as the Webhook URL (FormantAI needs a public HTTPS address), tick the same events as in this node, enter a Webhook Secret and put the same secret in this node's FormantAI Webhook Secret API credential. Turn on 'Include transcript' and 'Include recording URL' if you want them, save, and end a call.<br /><br /><b>Once you're happy with your workflow</b>, publish it and change the target's Webhook URL to this node's <b>Production URL</b>. Every matching call outcome then starts the workflow; you'll find the runs in the executions list.",
				active:
					"<b>While building your workflow</b>, click 'Listen for test event' and point a FormantAI webhook target (agent → <b>Webhook</b> tab → <b>Add Target</b>) at this node's <b>Test URL</b>, with the same events and Webhook Secret as this node.<br /><br /><b>Your workflow also runs automatically</b>, since it is published: every delivery to the <b>Production URL</b> that passes the signature check, the event list and the filters starts it once, even when FormantAI delivers the same event again. You'll find the runs in the executions list.",
			},
			activationHint:
				"Once you've finished building your workflow, publish it and put this node's Production URL in the target on FormantAI's Webhook tab (agent → Webhook → Add Target) so it runs for every call outcome.",
		},
		properties: triggerProperties,
	};

	methods = {
		credentialTest: {
			// FormantAI has no API to check a secret against, so this checks what can be checked locally.
			async formantAiWebhookSecretTest(
				this: ICredentialTestFunctions,
				credential: ICredentialsDecrypted,
			): Promise<INodeCredentialTestResult> {
				const secret = credential.data?.secret;
				if (typeof secret !== 'string' || secret === '') {
					return {
						status: 'Error',
						message:
							"The Webhook Secret is empty: copy it from the target in FormantAI's dashboard (agent → Webhook tab)",
					};
				}
				if (secret.trim() !== secret) {
					return {
						status: 'Error',
						message:
							'The Webhook Secret starts or ends with a space or line break: remove it, FormantAI signs with the exact secret',
					};
				}
				if (/^sha256=[0-9a-f]{64}$/i.test(secret)) {
					return {
						status: 'Error',
						message:
							'This looks like a signature (sha256=…), not the secret: copy the Webhook Secret of the target instead',
					};
				}
				return {
					status: 'OK',
					message:
						'The secret is well-formed. FormantAI has no API to check it: end a test call and see that the delivery is accepted.',
				};
			},
		},
	};

	// FormantAI has no API for webhook targets (they are added by hand in its dashboard, agent →
	// Webhook tab), so there is nothing to look up, register or remove when the workflow is
	// published or unpublished.
	webhookMethods = {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				return true;
			},
			async create(this: IHookFunctions): Promise<boolean> {
				return true;
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				return true;
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const response = this.getResponseObject();
		const refuse = (status: number, error: string, message: string): IWebhookResponseData => {
			response.status(status).json({ error, message });
			return { noWebhookResponse: true };
		};
		// 2xx so FormantAI stops delivering the event; the body says why nothing started.
		const acknowledge = (reason: string): IWebhookResponseData => ({
			webhookResponse: { received: true, started: false, reason },
		});

		const request = this.getRequestObject() as unknown as RequestWithRawBody;
		const raw = await rawBodyOf(request);
		if (raw !== undefined && raw.length > MAX_BODY_BYTES) {
			return refuse(413, 'payload_too_large', 'The request body is larger than 16 MiB.');
		}

		// Anything but an explicit 'none' verifies: a saved node without the parameter, or with a
		// value this version does not know, never accepts unsigned deliveries.
		const verify = this.getNodeParameter('authentication', 'webhookSecret') !== 'none';
		if (verify) {
			if (raw === undefined) {
				return refuse(
					401,
					'invalid_signature',
					'The raw request body could not be read to verify it.',
				);
			}
			const check = await checkSignature(this, raw, this.getHeaderData()[SIGNATURE_HEADER]);
			if (!check.ok) {
				const problem =
					check.reason === 'credential' ? check.problem : SIGNATURE_PROBLEMS[check.reason];
				return refuse(401, 'invalid_signature', problem);
			}
		}

		const parsed = parseEvent(raw, raw === undefined ? this.getBodyData() : undefined);
		if (!parsed.ok) return refuse(400, 'invalid_event', `${parsed.problem}.`);
		const event = parsed.event;

		// Forward-compatible: an event type FormantAI adds later is acknowledged, not refused
		// (a 4xx would be logged as a failed delivery) and starts nothing until the node knows it.
		if (!isKnownEvent(event.event_type)) return acknowledge('unknown_event_type');
		const events = this.getNodeParameter('events', []) as string[];
		const selected = events.length === 0 ? [...EVENT_TYPES] : events;
		if (!selected.includes(event.event_type)) return acknowledge('event_not_selected');

		const windowSeconds = replayWindowSeconds(
			this.getNodeParameter('replayWindow', DEFAULT_REPLAY_WINDOW_SECONDS),
		);
		const stale = replayProblem(event, windowSeconds, runtime.now());
		if (stale !== undefined) return refuse(400, 'outside_replay_window', `${stale}.`);
		// Filtered-out events are not remembered: a redelivery carries the same bytes and meets
		// the same filters, and if the filters were widened meanwhile it should start once.
		if (filterOut(event, filtersOf(this)) !== undefined) return acknowledge('filtered_out');

		// No answer of our own: n8n answers 200 only once the execution is recorded (an error
		// reaches FormantAI, which re-sends). Duplicates are caught in execute(), inside the run.
		return { workflowData: [[{ json: event }]] };
	}

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await triggerExecute.call(this);
	}
}
