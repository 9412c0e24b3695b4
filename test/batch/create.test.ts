import { Container } from '@n8n/di';
import { BinaryDataService } from 'n8n-core';
import type { IDataObject } from 'n8n-workflow';

import { parseCsv as simulatorParseCsv } from '../simulator/csv';
import { pairedItems, requests, run, useSimulator } from './support';

const { sim } = useSimulator();

const fromItems = (extra: IDataObject = {}) => ({
	resource: 'batch',
	operation: 'create',
	source: 'inputItems',
	campaignName: 'March Follow Ups',
	agentId: 123,
	phoneField: 'phone',
	...extra,
});

const fromFile = (extra: IDataObject = {}) => ({
	resource: 'batch',
	operation: 'create',
	source: 'binaryFile',
	campaignName: 'March Follow Ups',
	agentId: 123,
	binaryPropertyName: 'data',
	...extra,
});

const csvFile = (text: string | Buffer, fileName = 'contacts.csv', mimeType = 'text/csv') => ({
	json: {},
	binary: { data: { data: text, fileName, mimeType } },
});

/** The rows FormantAI (the simulator) read from the uploaded CSV. */
function uploadedRows(batchId: unknown): Array<Record<string, string>> {
	const batch = sim().state.batches.get(Number(batchId));
	if (!batch) throw new Error(`no batch ${String(batchId)} in the simulator`);
	return batch.rows;
}

function uploadLog() {
	const entry = sim().log.find((e) => e.method === 'POST' && e.path === '/v1/batch-call');
	return entry?.body as {
		fields: Record<string, string>;
		files: Array<{ field: string; filename: string; contentType: string; size: number }>;
	};
}

describe('Batch → Create from input items', () => {
	it('turns every item into one row, with awkward text quoted correctly and phones in E.164', async () => {
		const input = [
			{
				json: {
					phone: '98765 43210',
					customer_name: 'Rahul "Rocky" Sharma',
					address: 'Flat 2, MG Road\nBengaluru',
					due_amount: 29000,
					vip: true,
				},
			},
			{
				json: {
					phone: '+91 (981) 234-5678',
					customer_name: 'राहुल, शर्मा',
					address: 'Line one\r\nLine two',
					due_amount: 15000.5,
					vip: false,
				},
			},
			{
				json: {
					phone: 9812345671,
					customer_name: 'Ananya O"Brien',
					tags: ['a', 'b'],
					meta: { loan_id: 'LN-1' },
				},
			},
		];
		const result = await run(sim(), {
			parameters: fromItems({ options: { defaultCountryCode: '+91' } }),
			input,
		});
		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(1);
		const out = result.items[0].json;
		expect(out).toMatchObject({
			name: 'March Follow Ups',
			agent_id: 123,
			status: 'pending',
			total_recipients: 3,
		});
		expect(typeof out.id).toBe('number');
		expect(out).not.toHaveProperty('skipped_rows');
		// One output item, linked to every input item.
		expect(pairedItems(result.items[0])).toEqual([0, 1, 2]);

		const rows = uploadedRows(out.id);
		expect(Object.keys(rows[0])).toEqual([
			'customer_phone',
			'customer_name',
			'address',
			'due_amount',
			'vip',
			'tags',
			'meta',
		]);
		expect(rows).toEqual([
			{
				customer_phone: '+919876543210',
				customer_name: 'Rahul "Rocky" Sharma',
				address: 'Flat 2, MG Road\nBengaluru',
				due_amount: '29000',
				vip: 'true',
				tags: '',
				meta: '',
			},
			{
				customer_phone: '+919812345678',
				customer_name: 'राहुल, शर्मा',
				address: 'Line one\r\nLine two',
				due_amount: '15000.5',
				vip: 'false',
				tags: '',
				meta: '',
			},
			{
				customer_phone: '+919812345671',
				customer_name: 'Ananya O"Brien',
				address: '',
				due_amount: '',
				vip: '',
				tags: '["a","b"]',
				meta: '{"loan_id":"LN-1"}',
			},
		]);
		const upload = uploadLog();
		expect(upload.fields).toEqual({ agent_id: '123', name: 'March Follow Ups' });
		expect(upload.files).toEqual([
			expect.objectContaining({ field: 'file', filename: 'campaign.csv', contentType: 'text/csv' }),
		]);
		// Exactly one request: the upload.
		expect(requests(sim())).toEqual(['POST /v1/batch-call']);
	});

	it('sends only the selected fields, from nested paths too', async () => {
		const result = await run(sim(), {
			parameters: fromItems({
				phoneField: 'contact.mobile',
				columns: 'selected',
				fieldsToInclude: 'customer_name, loan.id',
			}),
			input: [
				{
					json: {
						contact: { mobile: '+14155552671' },
						customer_name: 'Ann',
						loan: { id: 'LN-9' },
						secret_note: 'do not send',
					},
				},
			],
		});
		expect(result.error).toBeUndefined();
		expect(uploadedRows(result.items[0].json.id)).toEqual([
			{ customer_phone: '+14155552671', customer_name: 'Ann', 'loan.id': 'LN-9' },
		]);
	});

	it('does not send a second customer_phone column when the phone field has another name', async () => {
		const result = await run(sim(), {
			parameters: fromItems(),
			input: [{ json: { phone: '+919876543210', customer_phone: 'old value', name: 'A' } }],
		});
		expect(uploadedRows(result.items[0].json.id)).toEqual([
			{ customer_phone: '+919876543210', name: 'A' },
		]);
	});

	it('stops with the item numbers of every invalid phone and sends nothing', async () => {
		const result = await run(sim(), {
			parameters: fromItems(),
			input: [
				{ json: { phone: '+919876543210' } },
				{ json: { phone: '12345' } },
				{ json: { phone: '+919876543211' } },
				{ json: { phone: 'call me' } },
				{ json: { name: 'no phone' } },
			],
		});
		expect(result.error?.message).toMatch(/^Phone Field: 3 of 5 items/);
		expect(result.error?.message).toContain('item 1: phone "12345" has no country code');
		expect(result.error?.message).toContain('item 3: phone "call me" contains letters');
		expect(result.error?.message).toContain('item 4: has no field "phone"');
		expect((result.error as { description?: string }).description).toContain('Nothing was sent');
		expect(sim().log).toHaveLength(0);
	});

	it('skips invalid phones when asked, reports them, and links the output to every input', async () => {
		const result = await run(sim(), {
			parameters: fromItems({ onInvalidPhone: 'skip' }),
			input: [
				{ json: { phone: '+919876543210', n: 1 } },
				{ json: { phone: '0123' } },
				{ json: { phone: '+919876543211', n: 3 } },
			],
		});
		expect(result.error).toBeUndefined();
		const out = result.items[0].json;
		expect(out.total_recipients).toBe(2);
		expect(out.skipped_count).toBe(1);
		expect(out.skipped_rows).toEqual([
			{ item: 1, phone: '0123', reason: expect.stringContaining('no country code') },
		]);
		expect(pairedItems(result.items[0])).toEqual([0, 1, 2]);
		expect(uploadedRows(out.id).map((r) => r.customer_phone)).toEqual([
			'+919876543210',
			'+919876543211',
		]);
	});

	it('reports an empty skipped_rows list when nothing was skipped', async () => {
		const result = await run(sim(), {
			parameters: fromItems({ onInvalidPhone: 'skip' }),
			input: [{ json: { phone: '+919876543210' } }],
		});
		expect(result.items[0].json).toMatchObject({ skipped_count: 0, skipped_rows: [] });
	});

	it('refuses to upload when every phone is invalid, even when skipping', async () => {
		const result = await run(sim(), {
			parameters: fromItems({ onInvalidPhone: 'skip' }),
			input: [{ json: { phone: 'x' } }, { json: { phone: '' } }],
		});
		expect(result.error?.message).toMatch(/^Phone Field: no input item has a usable phone number/);
		expect(sim().log).toHaveLength(0);
	});

	it.each([
		[
			'a phone field no item has',
			{ phoneField: 'mobile' },
			/^Phone Field: no input item has a field "mobile" \[item 0\]/,
		],
		[
			'a selected field no item has',
			{ columns: 'selected', fieldsToInclude: 'customer_name, lona_id' },
			/^Fields to Include: no input item has a field "lona_id"/,
		],
		[
			'customer_phone as a selected column',
			{ columns: 'selected', fieldsToInclude: 'customer_phone' },
			/^Fields to Include: "customer_phone" is filled from Phone Field/,
		],
		['agent ID 0', { agentId: 0 }, /^Agent ID: must be a whole number above 0, got "0"/],
		['an empty campaign name', { campaignName: '  ' }, /^Campaign Name: is required/],
		['an empty phone field name', { phoneField: '={{ "" }}' }, /^Phone Field: is required/],
	])('errors before any request on %s', async (_, extra, message) => {
		const result = await run(sim(), {
			parameters: fromItems(extra),
			input: [{ json: { phone: '+919876543210', customer_name: 'A' } }],
		});
		expect(result.error?.message).toMatch(message);
		expect(sim().log).toHaveLength(0);
	});

	it('names the fields the items do have when the phone field is wrong', async () => {
		const result = await run(sim(), {
			parameters: fromItems({ phoneField: 'Phone' }),
			input: [{ json: { phone: '+919876543210', customer_name: 'A' } }],
		});
		expect((result.error as { description?: string }).description).toContain(
			'Fields in the input items: phone, customer_name.',
		);
	});

	it('under Continue On Fail gives one error item linked to every input item', async () => {
		const result = await run(sim(), {
			parameters: fromItems(),
			input: [{ json: { phone: '+919876543210' } }, { json: { phone: 'bad' } }],
			continueOnFail: true,
		});
		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(1);
		expect(result.items[0].json.error).toMatch(/^Phone Field: 1 of 2 items/);
		expect(pairedItems(result.items[0])).toEqual([0, 1]);
		expect(sim().log).toHaveLength(0);
	});

	it("passes FormantAI's own error on, with the fix", async () => {
		const result = await run(sim(), {
			parameters: fromItems({ agentId: 999 }),
			input: [{ json: { phone: '+919876543210' } }],
		});
		expect(result.error?.message).toContain('agent not found');
		expect((result.error as { description?: string }).description).toContain('Check the ID');
	});

	it('never sends the upload twice, even on a server error', async () => {
		sim().faults.add({ path: '/v1/batch-call', kind: 'error500', count: 3 });
		const result = await run(sim(), {
			parameters: fromItems(),
			input: [{ json: { phone: '+919876543210' } }],
			continueOnFail: true,
		});
		expect(result.items[0].json).toMatchObject({ httpCode: '500', type: 'internal_error' });
		expect(requests(sim())).toEqual(['POST /v1/batch-call']);
	});

	it('never sends the upload twice when the answer is lost after FormantAI acted on it', async () => {
		sim().faults.add({ path: '/v1/batch-call', kind: 'reset', after: true });
		const result = await run(sim(), {
			parameters: fromItems(),
			input: [{ json: { phone: '+919876543210' } }],
		});
		expect(result.error).toBeDefined();
		expect(requests(sim())).toEqual(['POST /v1/batch-call']);
		expect(sim().state.batches.size).toBe(1);
	});
});

describe("Batch → Create under n8n's Retry On Fail", () => {
	it('does not start a second campaign when the answer was lost and n8n retries the node', async () => {
		sim().faults.add({ path: '/v1/batch-call', kind: 'reset', after: true });
		const result = await run(sim(), {
			parameters: fromItems(),
			input: [{ json: { phone: '+919876543210' } }],
			retryOnFail: { maxTries: 3 },
		});
		expect(result.error?.message).toMatch(
			/^The campaign "March Follow Ups" was sent by an earlier try of this execution and its answer was lost, so it is not uploaded again \[item 0\]$/,
		);
		expect(String((result.error as { description?: string }).description)).toMatch(
			/look for a campaign named "March Follow Ups" with Batch → Get Many/,
		);
		expect(requests(sim())).toEqual(['POST /v1/batch-call']);
		expect(sim().state.batches.size).toBe(1);
	});

	it('does not upload the items that already succeeded again when a later item fails', async () => {
		// The second upload of each try fails: item 0's campaign is created, item 1's is lost.
		sim().faults.add({ path: '/v1/batch-call', kind: 'error500', every: 2 });
		const result = await run(sim(), {
			parameters: fromFile(),
			input: [
				csvFile('customer_phone\n+919876543210\n'),
				csvFile('customer_phone\n+919876543211\n'),
			],
			retryOnFail: { maxTries: 2 },
		});
		// The retry sends neither again: item 0 exists already, item 1 may exist (a 500 is no proof).
		expect(requests(sim())).toEqual(['POST /v1/batch-call', 'POST /v1/batch-call']);
		expect(sim().state.batches.size).toBe(1);
		expect(result.error?.message).toMatch(
			/its answer was lost, so it is not uploaded again \[item 1\]$/,
		);
	});

	it('sends again after FormantAI refused the upload (nothing was created)', async () => {
		const result = await run(sim(), {
			parameters: fromItems({ agentId: 999 }),
			input: [{ json: { phone: '+919876543210' } }],
			retryOnFail: { maxTries: 2 },
		});
		expect(result.error?.message).toContain('agent not found');
		expect(requests(sim())).toEqual(['POST /v1/batch-call', 'POST /v1/batch-call']);
		expect(sim().state.batches.size).toBe(0);
	});
});

describe('Batch → Create from a CSV file', () => {
	const AWKWARD =
		'\ufeffcustomer_phone,customer_name,note,due_amount\r\n' +
		'98765 43210,"Sharma, Rahul","He said ""call me later""",29000\r\n' +
		'+91-98123-45678,अनीता शर्मा,"line one\r\nline two",15000\r\n' +
		'\r\n' +
		'00919812345671,"O""Brien",,\r\n';

	it('checks, normalises and uploads a CSV with BOM, CRLF, quotes, commas, newlines and Hindi', async () => {
		const result = await run(sim(), {
			parameters: fromFile({ options: { defaultCountryCode: '91' } }),
			input: [csvFile(AWKWARD, 'March list.csv')],
		});
		expect(result.error).toBeUndefined();
		const out = result.items[0].json;
		expect(out).toMatchObject({ total_recipients: 3, status: 'pending', agent_id: 123 });
		expect(pairedItems(result.items[0])).toEqual([0]);
		const rows = uploadedRows(out.id);
		expect(Object.keys(rows[0])).toEqual(['customer_phone', 'customer_name', 'note', 'due_amount']);
		expect(rows).toEqual([
			{
				customer_phone: '+919876543210',
				customer_name: 'Sharma, Rahul',
				note: 'He said "call me later"',
				due_amount: '29000',
			},
			{
				customer_phone: '+919812345678',
				customer_name: 'अनीता शर्मा',
				note: 'line one\r\nline two',
				due_amount: '15000',
			},
			{ customer_phone: '+919812345671', customer_name: 'O"Brien', note: '', due_amount: '' },
		]);
		expect(uploadLog().files[0]).toMatchObject({
			filename: 'March list.csv',
			contentType: 'text/csv',
		});
	});

	it('works in filesystem binary mode and renames a non-.csv file for the upload', async () => {
		const result = await run(sim(), {
			parameters: fromFile(),
			input: [csvFile('customer_phone,name\n+919876543210,A\n', 'export.txt', 'text/plain')],
			binaryMode: 'filesystem',
		});
		expect(result.error).toBeUndefined();
		expect(uploadedRows(result.items[0].json.id)).toEqual([
			{ customer_phone: '+919876543210', name: 'A' },
		]);
		expect(uploadLog().files[0].filename).toBe('campaign.csv');
	});

	it.each(['default', 'filesystem', 'database'] as const)(
		'%s binary mode: a file of many chunks is checked and uploaded streamed, never read whole',
		async (mode) => {
			// About 200 KB: several 64 KB chunks, with quoted cells and line breaks across their edges.
			const lines = ['customer_phone,name,note'];
			const expected: Array<{ name: string; note: string }> = [];
			for (let i = 0; i < 3000; i++) {
				const note = i % 7 === 0 ? `say "hi",\r\nthen ${'x'.repeat(1 + (i % 50))}` : `row ${i}`;
				lines.push(`98765 ${String(10000 + i)},"Name ${i}, Jr.","${note.replace(/"/g, '""')}"`);
				expected.push({ name: `Name ${i}, Jr.`, note });
			}
			const service = Container.get(BinaryDataService);
			const readWhole = jest.spyOn(service, 'getAsBuffer');
			const readStream = jest.spyOn(service, 'getAsStream');
			try {
				const result = await run(sim(), {
					parameters: fromFile({ options: { defaultCountryCode: '91' } }),
					input: [csvFile(`${lines.join('\r\n')}\r\n`)],
					binaryMode: mode,
				});
				expect(result.error).toBeUndefined();
				const rows = uploadedRows(result.items[0].json.id);
				expect(rows).toHaveLength(3000);
				expect(rows.map((row) => row.customer_phone)).toEqual(
					expected.map((_, i) => `+9198765${String(10000 + i)}`),
				);
				expect(rows.map((row) => row.note)).toEqual(expected.map((row) => row.note));
				expect(rows[2999].name).toBe('Name 2999, Jr.');
				if (mode !== 'default') {
					// Read twice as a stream (checked, then uploaded), never as one buffer.
					expect(readStream).toHaveBeenCalledTimes(2);
					expect(readWhole).not.toHaveBeenCalled();
				}
			} finally {
				readWhole.mockRestore();
				readStream.mockRestore();
			}
		},
	);

	it('reports bad phones by their line in the file (a quoted line break moves the lines)', async () => {
		const text =
			'customer_phone,address\n' +
			'+919876543210,"Flat 2\nMG Road"\n' +
			'98765,x\n' +
			'+919876543211,y\n' +
			'+91 98765 4321a,z\n';
		const result = await run(sim(), { parameters: fromFile(), input: [csvFile(text)] });
		expect(result.error?.message).toMatch(/^Input Binary Field: 2 of 4 rows of "contacts.csv"/);
		expect(result.error?.message).toContain('line 4: customer_phone "98765" has no country code');
		expect(result.error?.message).toContain(
			'line 6: customer_phone "+91 98765 4321a" contains letters',
		);
		expect(result.error?.message).toMatch(/\[item 0\]$/);
		expect(sim().log).toHaveLength(0);
	});

	it('skips bad rows of a file when asked and reports their lines', async () => {
		const result = await run(sim(), {
			parameters: fromFile({ onInvalidPhone: 'skip' }),
			input: [csvFile('customer_phone,name\r\n+919876543210,A\r\n123,B\r\n')],
		});
		expect(result.items[0].json).toMatchObject({
			total_recipients: 1,
			skipped_count: 1,
			skipped_rows: [{ line: 3, phone: '123', reason: expect.stringContaining('customer_phone') }],
		});
	});

	it('makes one campaign per item, and under Continue On Fail links each error to its item', async () => {
		const result = await run(sim(), {
			parameters: fromFile(),
			input: [
				csvFile('customer_phone\n+919876543210\n'),
				csvFile('phone\n+919876543211\n', 'wrong.csv'),
				csvFile('customer_phone\n+919876543212\n'),
			],
			continueOnFail: true,
		});
		expect(result.items).toHaveLength(3);
		expect(result.items[0].json.total_recipients).toBe(1);
		expect(result.items[1].json.error).toMatch(
			/^Input Binary Field: the CSV "wrong.csv" has no customer_phone column/,
		);
		expect(result.items[2].json.total_recipients).toBe(1);
		expect(result.items.map(pairedItems)).toEqual([[0], [1], [2]]);
		expect(requests(sim())).toEqual(['POST /v1/batch-call', 'POST /v1/batch-call']);
	});

	const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
	const xlsx = Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0, 6, 0]);
	const latin1 = Buffer.from('customer_phone,name\n+919876543210,Jos\xe9\n', 'latin1');

	it.each([
		['an empty file', csvFile(''), /^Input Binary Field: the file "contacts.csv" is empty/],
		['a PNG', csvFile(png, 'photo.png', 'image/png'), /is not CSV text: it looks like a PNG image/],
		[
			'an Excel workbook',
			csvFile(xlsx, 'list.xlsx'),
			/it looks like a zip archive \(an Excel .xlsx workbook\?\)/,
		],
		['text that is not UTF-8', csvFile(latin1), /is not UTF-8 text/],
		['a header only', csvFile('customer_phone,name\r\n'), /has no recipient rows/],
		['only blank lines', csvFile('\r\n\r\n'), /has no header row/],
		[
			'no customer_phone column',
			csvFile('phone,name\n+919876543210,A\n'),
			/has no customer_phone column \(columns: "phone", "name"\)/,
		],
		[
			'an unclosed quote',
			csvFile('customer_phone,name\n+919876543210,"A\n'),
			/cannot be read at line 2: a quoted cell is never closed/,
		],
		[
			'too many cells',
			csvFile('customer_phone,name\n+919876543210,Sharma, Rahul\n'),
			/has 3 cells at line 2 but 2 columns/,
		],
		[
			'a repeated column',
			csvFile('customer_phone,name,name\n+919876543210,A,B\n'),
			/has the column "name" twice/,
		],
	])('errors before any request on %s', async (_, item, message) => {
		const result = await run(sim(), { parameters: fromFile(), input: [item] });
		expect(result.error?.message).toMatch(message);
		expect(sim().log).toHaveLength(0);
	});

	it('hints at the right name when the phone column is only spelt differently', async () => {
		const result = await run(sim(), {
			parameters: fromFile(),
			input: [csvFile('Customer Phone,name\n+919876543210,A\n')],
		});
		expect((result.error as { description?: string }).description).toBe(
			'Rename the column "Customer Phone" to exactly customer_phone.',
		);
	});

	it('errors before any request when the binary field is missing, naming the fields there are', async () => {
		const result = await run(sim(), {
			parameters: fromFile({ binaryPropertyName: 'file' }),
			input: [csvFile('customer_phone\n+919876543210\n')],
		});
		expect(result.error?.message).toBe(
			'Input Binary Field: the item has no binary field "file" [item 0]',
		);
		expect((result.error as { description?: string }).description).toContain(
			'Binary fields on this item: data.',
		);
		expect(sim().log).toHaveLength(0);
	});

	it('errors before any request when the item has no files at all', async () => {
		const result = await run(sim(), { parameters: fromFile(), input: [{ json: { a: 1 } }] });
		expect(result.error?.message).toBe(
			'Input Binary Field: the item has no binary field "data" [item 0]',
		);
		expect(sim().log).toHaveLength(0);
	});

	it.each([
		['agent ID 0', { agentId: 0 }, /^Agent ID: must be a whole number above 0/],
		['a negative agent ID', { agentId: -5 }, /^Agent ID: must be a whole number above 0/],
		[
			'an empty campaign name',
			{ campaignName: '={{ $json.missing }}' },
			/^Campaign Name: is required/,
		],
		[
			'an invalid default country code',
			{ options: { defaultCountryCode: '+0' } },
			/the default country code "\+0" is not valid/,
		],
	])('errors before any request on %s', async (_, extra, message) => {
		const result = await run(sim(), {
			parameters: fromFile(extra),
			input: [csvFile('customer_phone\n9876543210\n')],
		});
		expect(result.error?.message).toMatch(message);
		expect(sim().log).toHaveLength(0);
	});

	it('drops an unnamed empty column (a trailing comma) but refuses one with data', async () => {
		const ok = await run(sim(), {
			parameters: fromFile(),
			input: [csvFile('customer_phone,name,\n+919876543210,A,\n')],
		});
		expect(uploadedRows(ok.items[0].json.id)).toEqual([
			{ customer_phone: '+919876543210', name: 'A' },
		]);
		const bad = await run(sim(), {
			parameters: fromFile(),
			input: [csvFile('customer_phone,,name\n+919876543210,x,A\n')],
		});
		expect(bad.error?.message).toMatch(
			/has a value in column 2 at line 2, but that column has no name/,
		);
	});
});

describe('CSV written by the node', () => {
	it('reads back identically with an independent RFC 4180 parser', async () => {
		const { writeCsv, parseCsv } = await import('../../nodes/FormantAi/helpers/csv');
		const header = ['customer_phone', 'name', 'note'];
		const rows = [
			['+919876543210', 'Sharma, Rahul', 'say "hi"'],
			['+919876543211', ' padded ', 'a\nb\r\nc'],
			['+919876543212', 'राहुल', ''],
		];
		const text = writeCsv(header, rows);
		expect(text.endsWith('\r\n')).toBe(true);
		expect(text.charCodeAt(0)).not.toBe(0xfeff);
		expect(simulatorParseCsv(text)).toEqual([header, ...rows]);
		expect(parseCsv(text)).toEqual({
			header,
			headerLine: 1,
			rows: [
				{ line: 2, cells: rows[0] },
				{ line: 3, cells: rows[1] },
				{ line: 6, cells: rows[2] },
			],
		});
	});

	it('rejects text after a closing quote, with its line', async () => {
		const { parseCsv, CsvSyntaxError } = await import('../../nodes/FormantAi/helpers/csv');
		expect(() => parseCsv('a,b\n"x"y,z\n')).toThrow(CsvSyntaxError);
		expect(() => parseCsv('a,b\n"x"y,z\n')).toThrow('text follows a closing quote');
		expect(parseCsv('a\n"x"  \n').rows[0].cells).toEqual(['x']);
		expect(parseCsv('a\r"x"\r').rows).toEqual([{ line: 2, cells: ['x'] }]);
	});
});
