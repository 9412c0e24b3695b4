import type { IDataObject, INodeParameters } from 'n8n-workflow';

import type { BadInputCase } from '../helpers/badInput';
import { runBadInputMatrix } from '../helpers/badInput';

const op = (operation: string, extra: IDataObject = {}): INodeParameters => ({
	resource: 'conversation',
	operation,
	...extra,
});

const ids: Array<[string, string]> = [
	['with a slash', 'e36853de-9cbb-441e-ad75-d3c8ac82abfb/recording'],
	['with spaces', 'e36853de 9cbb 441e ad75 d3c8ac82abfb'],
	['not a UUID', 'conv_12345'],
	['with a query string', 'e36853de-9cbb-441e-ad75-d3c8ac82abfb?x=1'],
	['with a non-numeric suffix', 'e36853de-9cbb-441e-ad75-d3c8ac82abfb_one'],
];

const cases: BadInputCase[] = [
	...ids.map(([name, id]) => ({
		name: `Get: conversation ID ${name}`,
		parameters: op('get', { conversationId: id }),
		field: 'Conversation ID',
	})),
	{
		name: 'Get: conversation ID empty from an expression',
		parameters: op('get', { conversationId: '={{ $json.id }}' }),
		input: [{ json: { id: '' } }],
		field: 'Conversation ID',
	},
	{
		name: 'Download Recording: conversation ID with a slash',
		parameters: op('downloadRecording', { conversationId: '../../v1/call' }),
		field: 'Conversation ID',
	},
	{
		name: 'Download Recording: binary field empty from an expression',
		parameters: op('downloadRecording', {
			conversationId: 'e36853de-9cbb-441e-ad75-d3c8ac82abfb_1',
			binaryPropertyName: '={{ $json.field }}',
		}),
		input: [{ json: { field: '' } }],
		field: 'Put Output File in Field',
	},
	{ name: 'Get Many: limit 0', parameters: op('getMany', { limit: 0 }), field: 'Limit' },
	{ name: 'Get Many: limit negative', parameters: op('getMany', { limit: -5 }), field: 'Limit' },
	{
		name: 'Get Many: agent filter zero',
		parameters: op('getMany', { filters: { agentId: 0 } }),
		field: 'Agent ID',
	},
	{
		name: 'Get Many: agent filter negative',
		parameters: op('getMany', { filters: { agentId: -1 } }),
		field: 'Agent ID',
	},
	{
		name: 'Get Many: started after not a date',
		parameters: op('getMany', { filters: { startedAfter: 'yesterday' } }),
		field: 'Started After',
	},
	{
		name: 'Get Many: started before not after started after',
		parameters: op('getMany', {
			filters: { startedAfter: '2026-03-18T10:00:00Z', startedBefore: '2026-03-17T10:00:00Z' },
		}),
		field: 'Started Before',
	},
	{
		name: 'Get Many: ended after not a date',
		parameters: op('getMany', { filters: { endedAfter: 'an hour ago' } }),
		field: 'Ended After',
	},
	{
		name: 'Get Many: ended before not after ended after',
		parameters: op('getMany', {
			filters: { endedAfter: '2026-03-18T10:00:00Z', endedBefore: '2026-03-18T10:00:00Z' },
		}),
		field: 'Ended Before',
	},
	{
		name: 'Get Many: unknown status from an expression',
		parameters: op('getMany', { filters: { status: '={{ ["completed", "answered"] }}' } }),
		field: 'Status',
	},
];

runBadInputMatrix('bad input: Conversation', cases);
