import type { IDataObject, IExecuteFunctions, IHttpRequestOptions, INode } from 'n8n-workflow';

import type { OutcomeWait } from '../../nodes/FormantAi/actions/call/waitForOutcome';
import { waitForOutcome } from '../../nodes/FormantAi/actions/call/waitForOutcome';
import { resetRuntime, runtime } from '../../nodes/FormantAi/transport';

/**
 * Max Wait for Outcome is a deadline: every poll request is cut at the time left. FormantAI
 * here never answers: each request lasts exactly its timeout on a virtual clock, so the test
 * measures what the node asked for, with no real waiting.
 */

const T0 = Date.parse('2026-03-18T10:00:00Z');
const node: INode = {
	id: 'n',
	name: 'FormantAI',
	type: 'formantAi',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
};

interface Sent {
	url: string;
	at: number;
	timeout: number;
}

let clock = T0;
let sent: Sent[] = [];

/** Just what the transport and the wait use of n8n's context; every request hangs until its timeout. */
function neverAnswering(): IExecuteFunctions {
	return {
		getNode: () => node,
		getCredentials: async () => ({
			apiKey: 'fa_key',
			region: 'custom',
			baseUrl: 'http://127.0.0.1:9',
		}),
		getExecutionCancelSignal: () => undefined,
		helpers: {
			httpRequestWithAuthentication: async (_type: string, options: IHttpRequestOptions) => {
				const timeout = Number(options.timeout);
				sent.push({ url: String(options.url), at: clock, timeout });
				clock += timeout;
				throw Object.assign(new Error(`timeout of ${timeout}ms exceeded`), {
					code: 'ECONNABORTED',
				});
			},
		},
	} as unknown as IExecuteFunctions;
}

const placed: IDataObject = {
	agent_id: 123,
	trace_id: 'f9e8d7c6-1234-4d5e-8f90-123456789abc',
	conversation_id: null,
	status: 'initiated',
	customer_phone: '+919876543210',
	idempotency_key: 'key-1',
};

const wait = (maxWaitSeconds: number, pollSeconds = 1): OutcomeWait => ({
	pollMs: pollSeconds * 1000,
	maxWaitMs: maxWaitSeconds * 1000,
	simplify: true,
});

describe('Wait for Outcome: Max Wait is a deadline', () => {
	beforeEach(() => {
		clock = T0;
		sent = [];
		// The production limits: 60 s per attempt, 120 s per request.
		resetRuntime();
		runtime.now = () => clock;
		runtime.sleep = async (ms) => {
			clock += ms;
		};
		runtime.random = () => 0.5;
	});
	afterAll(() => {
		resetRuntime();
	});

	it('Max Wait 2 s with polls that never answer: ends at 2 s, timed_out, waited_seconds 2', async () => {
		const json = await waitForOutcome(neverAnswering(), 0, placed, wait(2), false);
		expect(clock - T0).toBeLessThanOrEqual(3_000);
		expect(json).toMatchObject({
			timed_out: true,
			waited_seconds: Math.round((clock - T0) / 1000),
			status: 'initiated',
			trace_id: placed.trace_id,
			message: expect.stringContaining('had not ended after Max Wait'),
		});
		expect(json.waited_seconds).toBe(2);
		expect(json).not.toHaveProperty('wait_error');
		// Every request was given only the time left before Max Wait, never more.
		expect(sent.length).toBeGreaterThan(0);
		for (const request of sent) {
			expect(request.at + request.timeout).toBeLessThanOrEqual(T0 + 2_000);
		}
	});

	it('a conversation read directly is cut the same way (Max Wait 90 s, attempts up to 60 s)', async () => {
		const json = await waitForOutcome(
			neverAnswering(),
			0,
			{ ...placed, conversation_id: 'conv-1' },
			wait(90, 10),
			false,
		);
		expect(clock - T0).toBeLessThanOrEqual(91_000);
		expect(json).toMatchObject({ timed_out: true, conversation_id: 'conv-1' });
		expect(json.waited_seconds).toBe(90);
		expect(sent.every((r) => r.url === '/v1/conversations/conv-1')).toBe(true);
		expect(Math.max(...sent.map((r) => r.timeout))).toBeLessThanOrEqual(60_000);
		for (const request of sent) {
			expect(request.at + request.timeout).toBeLessThanOrEqual(T0 + 90_000);
		}
	});
});
