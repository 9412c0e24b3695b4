import type { IDataObject, INodeParameters } from 'n8n-workflow';

import type { BadInputCase } from '../helpers/badInput';
import { runBadInputMatrix } from '../helpers/badInput';
import { startEngine } from '../harness';

const call = (extra: IDataObject = {}): INodeParameters => ({
	resource: 'call',
	operation: 'create',
	agentId: 123,
	customerPhone: '+919876543210',
	...extra,
});

const callCases: BadInputCase[] = [
	{ name: 'agent ID zero', parameters: call({ agentId: 0 }), field: 'Agent ID' },
	{ name: 'agent ID negative', parameters: call({ agentId: -4 }), field: 'Agent ID' },
	{ name: 'agent ID fractional', parameters: call({ agentId: 1.5 }), field: 'Agent ID' },
	{
		name: 'agent ID empty from an expression',
		parameters: call({ agentId: '={{ $json.agent }}' }),
		input: [{ json: { agent: '' } }],
		field: 'Agent ID',
	},
	{
		name: 'agent ID with letters from an expression',
		parameters: call({ agentId: '={{ $json.agent }}' }),
		input: [{ json: { agent: 'abc' } }],
		field: 'Agent ID',
	},
	{
		name: 'phone empty from an expression',
		parameters: call({ customerPhone: '={{ $json.phone }}' }),
		input: [{ json: { phone: '' } }],
		field: 'Customer Phone',
	},
	{
		name: 'phone with letters',
		parameters: call({ customerPhone: '+91 98765 ABCDE' }),
		field: 'Customer Phone',
	},
	{
		name: 'phone too short',
		parameters: call({ customerPhone: '+91 123' }),
		field: 'Customer Phone',
	},
	{
		name: 'phone too long',
		parameters: call({ customerPhone: '+1234567890123456' }),
		field: 'Customer Phone',
	},
	{
		name: 'national phone without default country code',
		parameters: call({ customerPhone: '(415) 555-2671' }),
		field: 'Customer Phone',
	},
	{
		name: 'phone bad on every item: stops at the first (item 0)',
		parameters: call({ customerPhone: '={{ $json.phone }}' }),
		input: [{ json: { phone: 'not a number' } }, { json: { phone: 'x' } }],
		field: 'Customer Phone',
	},
	{
		name: 'schedule in the past',
		parameters: call({ schedule: 'at', scheduledFor: '2026-03-18T09:00:00Z' }),
		field: 'Scheduled For',
	},
	{
		name: 'schedule more than 30 days ahead',
		parameters: call({ schedule: 'at', scheduledFor: '2026-04-18T10:00:01Z' }),
		field: 'Scheduled For',
	},
	{
		name: 'schedule empty from an expression',
		parameters: call({ schedule: 'at', scheduledFor: '={{ $json.when }}' }),
		input: [{ json: { when: '' } }],
		field: 'Scheduled For',
	},
	{
		name: 'schedule not a date',
		parameters: call({ schedule: 'at', scheduledFor: 'next tuesday' }),
		field: 'Scheduled For',
	},
	{
		name: 'schedule impossible date',
		parameters: call({ schedule: 'at', scheduledFor: '2026-02-30T10:00:00' }),
		field: 'Scheduled For',
	},
	{
		name: 'schedule unknown time zone',
		parameters: call({
			schedule: 'at',
			scheduledFor: '2026-03-20T10:00:00',
			timeZone: 'Mars/Olympus',
		}),
		field: 'Time Zone',
	},
	{
		name: 'parameters object malformed JSON',
		parameters: call({ options: { parametersObject: '{"a": 1,' } }),
		field: 'Parameters From Object',
	},
	{
		name: 'parameters object is an array',
		parameters: call({ options: { parametersObject: '[1, 2]' } }),
		field: 'Parameters From Object',
	},
	{
		name: 'parameter row without a name',
		parameters: call({ callParameters: { parameter: [{ name: ' ', value: 'x' }] } }),
		field: 'Call Parameters',
	},
	{
		name: 'retry collected data malformed JSON',
		parameters: call({ options: { retryCollectedData: '{customer_name: Rahul}' } }),
		field: 'Retry Collected Data',
	},
	{
		name: 'conversation ID with a slash',
		parameters: call({ options: { conversationId: '../batch-calls/1' } }),
		field: 'Conversation ID',
	},
	{
		name: 'custom idempotency key empty',
		parameters: call({ idempotencyKeyMode: 'custom', idempotencyKey: '={{ $json.invoice }}' }),
		input: [{ json: { invoice: '  ' } }],
		field: 'Custom Key',
	},
	{
		name: 'allowed destinations with letters',
		parameters: call({ safety: { allowedDestinations: '+91, India' } }),
		field: 'Allowed Destinations',
	},
	{
		name: 'calling window with a bad time',
		parameters: call({ safety: { callingWindow: { window: { start: '9am', end: '18:00' } } } }),
		field: 'Calling Window From',
	},
	{
		name: 'calling window with an unknown time zone',
		parameters: call({ safety: { callingWindow: { window: { timeZone: 'Nowhere/Land' } } } }),
		field: 'Calling Window Time Zone',
	},
];

runBadInputMatrix('bad input: Call → Create', callCases);

describe('bad input on a later item', () => {
	it('names that item, and what was sent is only the good items', async () => {
		const engine = await startEngine();
		try {
			const result = await engine.run(call({ customerPhone: '={{ $json.phone }}' }), {
				input: [{ json: { phone: '+919876543210' } }, { json: { phone: '12ab' } }],
				continueOnFail: true,
			});
			expect(result.items[1].json.error).toMatch(/^Customer Phone: .*\[item 1\]$/);
			expect(result.items[1].pairedItem).toEqual({ item: 1 });
			expect(engine.sim.log).toHaveLength(1);
		} finally {
			await engine.close();
		}
	});
});
