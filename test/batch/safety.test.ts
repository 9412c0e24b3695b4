import type { IDataObject } from 'n8n-workflow';

import { FormantAi } from '../../nodes/FormantAi/FormantAi.node';
import { registerNodeType } from '../harness';
import { run, useSimulator } from './support';

const { sim } = useSimulator();

const fromItems = (extra: IDataObject = {}) => ({
	resource: 'batch',
	operation: 'create',
	source: 'inputItems',
	campaignName: 'Agent campaign',
	agentId: 123,
	phoneField: 'phone',
	columns: 'selected',
	fieldsToInclude: 'name',
	...extra,
});

const rows = (...phones: string[]) =>
	phones.map((phone, index) => ({ json: { phone, name: `Row ${index}` } }));

const uploads = () => sim().log.filter((e) => e.method === 'POST' && e.path === '/v1/batch-call');

describe('Batch → Create as an AI agent tool', () => {
	beforeAll(() => {
		registerNodeType('formantAiTool', new FormantAi());
	});

	it('refuses to start a campaign without Allowed Destinations', async () => {
		const result = await run(sim(), {
			parameters: fromItems(),
			type: 'formantAiTool',
			input: rows('+919876543210'),
		});
		expect(result.error?.message).toMatch(/^Allowed Destinations: .*AI agent.*\[item 0\]$/);
		expect(sim().log).toHaveLength(0);
	});

	it('recognises a toolCallId in the input items as tool mode too', async () => {
		const result = await run(sim(), {
			parameters: fromItems(),
			input: [{ json: { phone: '+919876543210', toolCallId: 'call_abc' } }],
		});
		expect(result.error?.message).toMatch(/^Allowed Destinations:/);
		expect(sim().log).toHaveLength(0);
	});

	it('refuses the whole campaign when one row is outside Allowed Destinations', async () => {
		const result = await run(sim(), {
			parameters: fromItems({ safety: { allowedDestinations: '+91' } }),
			type: 'formantAiTool',
			input: rows('+919876543210', '+447911123456', '+919876543211'),
		});
		expect(result.error?.message).toMatch(
			/^Allowed Destinations: 1 of 3 rows .*item 1: \+447911123456.*\[item 1\]$/,
		);
		expect(uploads()).toHaveLength(0);
	});

	it('starts the campaign when every row is allowed', async () => {
		const result = await run(sim(), {
			parameters: fromItems({ safety: { allowedDestinations: '+91' } }),
			type: 'formantAiTool',
			input: rows('+919876543210', '+919876543211'),
		});
		expect(result.error).toBeUndefined();
		expect(result.items[0].json.total_recipients).toBe(2);
		expect(uploads()).toHaveLength(1);
	});
});

describe('Batch → Create: Allowed Destinations outside tool mode', () => {
	it('applies to every row of a CSV file too: one row outside, nothing uploaded', async () => {
		const csv = 'customer_phone,name\n+919876543210,A\n+14155552671,B\n';
		const result = await run(sim(), {
			parameters: {
				resource: 'batch',
				operation: 'create',
				source: 'binaryFile',
				campaignName: 'File campaign',
				agentId: 123,
				binaryPropertyName: 'data',
				safety: { allowedDestinations: '+91' },
			},
			input: [{ json: {}, binary: { data: { data: csv, fileName: 'rows.csv' } } }],
		});
		expect(result.error?.message).toMatch(
			/^Allowed Destinations: .*line 3: \+14155552671.*\[item 0\]$/,
		);
		expect(uploads()).toHaveLength(0);
	});
});

describe('Batch → Create: a lost upload answer', () => {
	it('a 500 after FormantAI created the campaign says it may exist and how to check, never "try again"', async () => {
		sim().faults.add({ path: '/v1/batch-call', kind: 'error500', after: true });
		const result = await run(sim(), {
			parameters: fromItems({ campaignName: 'Lost answer' }),
			input: rows('+919876543210'),
		});
		const description = String((result.error as { description?: string }).description);
		expect(sim().state.batches.size).toBe(1);
		expect(description).not.toMatch(/try again/i);
		expect(description).toMatch(/may have created the campaign "Lost answer"/);
		expect(description).toMatch(/Get Many/);
		expect(uploads()).toHaveLength(1);
	});

	it('a network failure of the upload says the same', async () => {
		sim().faults.add({ path: '/v1/batch-call', kind: 'reset', after: true });
		const result = await run(sim(), {
			parameters: fromItems({ campaignName: 'Lost answer' }),
			input: rows('+919876543210'),
		});
		const description = String((result.error as { description?: string }).description);
		expect(description).toMatch(/may have created the campaign "Lost answer"/);
	});
});

describe('Batch → Create from input items: which fields are sent', () => {
	const items = [{ json: { phone: '+919876543210', name: 'Asha', date_of_birth: '1990-01-01' } }];
	const bare = {
		resource: 'batch',
		operation: 'create',
		source: 'inputItems',
		campaignName: 'Columns',
		agentId: 123,
		phoneField: 'phone',
	};
	const sentRows = () => [...sim().state.batches.values()].map((batch) => batch.rows);

	it('a new node sends only the phone unless fields are listed (no personal data by default)', async () => {
		const result = await run(sim(), { parameters: bare, input: items, typeVersion: 1.1 });
		expect(result.error).toBeUndefined();
		expect(sentRows()).toEqual([[{ customer_phone: '+919876543210' }]]);
	});

	it('a new node sends the fields listed, and no other', async () => {
		const result = await run(sim(), {
			parameters: { ...bare, fieldsToInclude: 'name' },
			input: items,
			typeVersion: 1.1,
		});
		expect(result.error).toBeUndefined();
		expect(sentRows()).toEqual([[{ customer_phone: '+919876543210', name: 'Asha' }]]);
	});

	it('a node saved before (version 1) keeps sending all fields, as it did', async () => {
		const result = await run(sim(), { parameters: bare, input: items, typeVersion: 1 });
		expect(result.error).toBeUndefined();
		expect(sentRows()).toEqual([
			[{ customer_phone: '+919876543210', name: 'Asha', date_of_birth: '1990-01-01' }],
		]);
	});
});

describe('Batch → Create from CSV files: every file is checked before the first upload', () => {
	it('a bad file on item 1 fails the run before item 0 is uploaded', async () => {
		const file = (text: string) => ({
			json: {},
			binary: { data: { data: text, fileName: 'rows.csv' } },
		});
		const result = await run(sim(), {
			parameters: {
				resource: 'batch',
				operation: 'create',
				source: 'binaryFile',
				campaignName: 'Files',
				agentId: 123,
				binaryPropertyName: 'data',
			},
			input: [file('customer_phone\n+919876543210\n'), file('name\nAsha\n')],
		});
		expect(result.error?.message).toMatch(
			/^Input Binary Field: .*no customer_phone column.*\[item 1\]$/,
		);
		expect(uploads()).toHaveLength(0);
	});
});
