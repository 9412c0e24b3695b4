import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
	JsonObject,
} from 'n8n-workflow';
import { NodeApiError, NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import {
	CSV_DEFAULT_FILE_NAME,
	CSV_ENCODING,
	CSV_MAX_ROWS,
	CSV_MIME_TYPE,
} from '../../helpers/assumptions';
import { CsvSyntaxError, parseCsv, writeCsv } from '../../helpers/csv';
import { runIndexOf } from '../../helpers/idempotency';
import { normalizePhone } from '../../helpers/phone';
import {
	fieldError,
	positiveInteger,
	requireBinary,
	requiredString,
} from '../../helpers/validation';
import { buildForm, formantAiRequest } from '../../transport';
import { unwrapData } from './common';

/** The column FormantAI dials; every other column becomes a call parameter of its row. */
export const PHONE_COLUMN = 'customer_phone';

const properties: INodeProperties[] = [
	{
		displayName:
			"Each run starts a new campaign that calls every row. The upload is never retried automatically (a second copy would call everyone again), and if this node's Retry On Fail setting runs it again, campaigns already sent are not sent twice. After an error, check Get Many before running it again.",
		name: 'batchCreateNotice',
		type: 'notice',
		default: '',
	},
	{
		displayName: 'Campaign Name',
		name: 'campaignName',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. March Follow Ups',
		description: 'Name of the campaign, shown in the FormantAI dashboard and in Get Many',
	},
	{
		displayName: 'Agent ID',
		name: 'agentId',
		type: 'number',
		required: true,
		default: 0,
		placeholder: 'e.g. 123',
		description:
			'ID of the agent that calls every row, from the agent page of the FormantAI dashboard',
	},
	{
		displayName: 'Rows From',
		name: 'source',
		type: 'options',
		noDataExpression: true,
		options: [
			{
				name: 'CSV File',
				value: 'binaryFile',
				description: 'A CSV file in a binary field of each input item: one campaign per item',
			},
			{
				name: 'Input Items',
				value: 'inputItems',
				description:
					'All input items together become the rows of one campaign (e.g. from a spreadsheet or CRM); expressions in the other fields are read from the first item',
			},
		],
		default: 'inputItems',
	},
	{
		displayName: 'Input Binary Field',
		name: 'binaryPropertyName',
		type: 'string',
		required: true,
		default: 'data',
		placeholder: 'e.g. data',
		hint: 'The name of the input binary field containing the CSV file',
		description:
			'The CSV must be UTF-8 text with a customer_phone column; every other column becomes a call parameter of its row',
		displayOptions: { show: { source: ['binaryFile'] } },
	},
	{
		displayName: 'Phone Field',
		name: 'phoneField',
		type: 'string',
		required: true,
		default: 'customer_phone',
		placeholder: 'e.g. phone',
		description:
			'Field of each input item that holds the phone number to call (dot notation for nested fields, e.g. contact.phone). It is sent as the customer_phone column, in E.164 form.',
		displayOptions: { show: { source: ['inputItems'] } },
	},
	{
		displayName: 'Columns',
		name: 'columns',
		type: 'options',
		options: [
			{
				name: 'All Fields',
				value: 'all',
				description: 'Every top-level field of the items becomes a column',
			},
			{
				name: 'Selected Fields',
				value: 'selected',
				description: 'Only the fields listed below become columns',
			},
		],
		default: 'all',
		description:
			'Which item fields are sent as columns besides the phone. Each column becomes a call parameter the agent can use.',
		displayOptions: { show: { source: ['inputItems'] } },
	},
	{
		displayName: 'Fields to Include',
		name: 'fieldsToInclude',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. customer_name, loan_id, due_amount',
		description:
			'Comma-separated names of the item fields to send as columns (dot notation for nested fields)',
		displayOptions: { show: { source: ['inputItems'], columns: ['selected'] } },
	},
	{
		displayName: 'On Invalid Phone',
		name: 'onInvalidPhone',
		type: 'options',
		options: [
			{
				name: 'Skip the Row and Report It',
				value: 'skip',
				description:
					'Rows whose phone cannot be made E.164 are left out and listed in the output (skipped_rows)',
			},
			{
				name: 'Stop the Run',
				value: 'stop',
				description: 'Nothing is uploaded; the error lists every bad row',
			},
		],
		default: 'stop',
		description: 'What to do with rows whose phone number cannot be made E.164',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		options: [
			{
				displayName: 'Default Country Code',
				name: 'defaultCountryCode',
				type: 'string',
				default: '',
				placeholder: 'e.g. +91',
				description:
					'Country code for phone numbers written without one (a leading 0 is dropped). Numbers starting with + or 00 keep their own.',
			},
		],
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['batch'], operation: ['create'] } },
	properties,
);

interface Common {
	name: string;
	agentId: number;
	onInvalidPhone: 'skip' | 'stop';
	countryCode: string;
}

function readCommon(ctx: IExecuteFunctions, itemIndex: number): Common {
	const name = requiredString(
		ctx,
		itemIndex,
		'Campaign Name',
		ctx.getNodeParameter('campaignName', itemIndex),
		'Give the campaign a name, e.g. "March Follow Ups".',
	);
	const agentId = positiveInteger(
		ctx,
		itemIndex,
		'Agent ID',
		ctx.getNodeParameter('agentId', itemIndex),
		'Copy the agent ID from the agent page of the FormantAI dashboard.',
	);
	const onInvalidPhone = ctx.getNodeParameter('onInvalidPhone', itemIndex, 'stop') as string;
	if (onInvalidPhone !== 'skip' && onInvalidPhone !== 'stop') {
		throw fieldError(
			ctx,
			itemIndex,
			'On Invalid Phone',
			`must be "skip" or "stop", got "${onInvalidPhone}"`,
		);
	}
	const options = ctx.getNodeParameter('options', itemIndex, {}) as IDataObject;
	return {
		name,
		agentId,
		onInvalidPhone,
		countryCode: String(options.defaultCountryCode ?? '').trim(),
	};
}

/** A row that was left out (skip) or that stops the run (stop). */
interface BadRow {
	/** Input item (Input Items) … */
	item?: number;
	/** … or CSV line (CSV File). */
	line?: number;
	phone: string;
	reason: string;
}

function phoneText(value: unknown): string {
	if (value === undefined || value === null) return '';
	return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

const SHOWN_BAD_ROWS = 10;

function listBadRows(bad: BadRow[]): string {
	const shown = bad.slice(0, SHOWN_BAD_ROWS).map((row) => {
		const where = row.line !== undefined ? `line ${row.line}` : `item ${row.item}`;
		return `${where}: ${row.reason}`;
	});
	const more = bad.length > SHOWN_BAD_ROWS ? `; and ${bad.length - SHOWN_BAD_ROWS} more` : '';
	return shown.join('; ') + more;
}

const PHONE_FIX =
	'Correct these numbers, set Options → Default Country Code for numbers written without one, or set On Invalid Phone to "Skip the Row and Report It".';

/**
 * Uploads already sent in this process, by execution, node, run and item. n8n's Retry On Fail runs the
 * node again in the same execution; without this, a retry after a lost answer (or after another
 * item failed) would start a second campaign that calls everyone again.
 */
const sentUploads = new Set<string>();
const SENT_UPLOADS_KEPT = 10_000;

function uploadKey(ctx: IExecuteFunctions, itemIndex: number): string {
	return [ctx.getExecutionId(), ctx.getNode().id, runIndexOf(ctx, itemIndex), itemIndex].join(
		'\u0000',
	);
}

/** Whether FormantAI answered and refused (4xx): then nothing was created and sending again is safe. */
function wasRefused(error: unknown): boolean {
	const status = (error as { context?: { formantAi?: { status?: unknown } } })?.context?.formantAi
		?.status;
	return typeof status === 'number' && status >= 400 && status < 500;
}

/** Uploads the campaign (never retried: a second upload would call every row again). */
async function upload(
	ctx: IExecuteFunctions,
	itemIndex: number,
	common: Common,
	csv: string,
	fileName: string,
): Promise<IDataObject> {
	const key = uploadKey(ctx, itemIndex);
	if (sentUploads.has(key)) {
		throw new NodeOperationError(
			ctx.getNode(),
			`This campaign was already uploaded by an earlier try of this node in this execution, so it is not sent again [item ${itemIndex}]`,
			{
				itemIndex,
				description:
					"n8n's Retry On Fail ran the node again. FormantAI may have created the campaign on the earlier try: check Get Many before running again, and turn Retry On Fail off for this node.",
			},
		);
	}
	if (sentUploads.size >= SENT_UPLOADS_KEPT) sentUploads.clear();
	sentUploads.add(key);
	const form = buildForm(
		{ agent_id: String(common.agentId), name: common.name },
		{
			field: 'file',
			data: new TextEncoder().encode(csv),
			fileName,
			mimeType: CSV_MIME_TYPE,
		},
	);
	let body: unknown;
	try {
		body = await formantAiRequest.call(ctx, {
			method: 'POST',
			path: '/v1/batch-call',
			body: form,
			itemIndex,
			retry: { retry: false },
		});
	} catch (error) {
		if (wasRefused(error)) sentUploads.delete(key);
		// Hands back the transport's own error unchanged (both constructors return their own kind).
		if (error instanceof NodeApiError) {
			throw new NodeApiError(ctx.getNode(), error as unknown as JsonObject);
		}
		throw new NodeOperationError(ctx.getNode(), error as Error, { itemIndex });
	}
	return unwrapData(body);
}

function output(batch: IDataObject, common: Common, skipped: BadRow[]): INodeExecutionData[] {
	const json: IDataObject = { ...batch };
	if (common.onInvalidPhone === 'skip') {
		json.skipped_count = skipped.length;
		json.skipped_rows = skipped as unknown as IDataObject[];
	}
	return [{ json }];
}

// ── Rows from a CSV file ─────────────────────────────────────────────────────────────────────

/** What a file that is not CSV text most likely is, from its first bytes. */
function binaryKind(bytes: Uint8Array): string | undefined {
	const starts = (...sig: number[]) => sig.every((b, i) => bytes[i] === b);
	if (starts(0x50, 0x4b, 0x03, 0x04)) return 'a zip archive (an Excel .xlsx workbook?)';
	if (starts(0xd0, 0xcf, 0x11, 0xe0)) return 'an old Excel .xls workbook';
	if (starts(0x25, 0x50, 0x44, 0x46)) return 'a PDF document';
	if (starts(0x89, 0x50, 0x4e, 0x47)) return 'a PNG image';
	if (starts(0xff, 0xd8, 0xff)) return 'a JPEG image';
	if (starts(0xff, 0xfe) || starts(0xfe, 0xff)) return 'UTF-16 text';
	return undefined;
}

function decodeCsv(
	ctx: IExecuteFunctions,
	itemIndex: number,
	bytes: Uint8Array,
	fileName: string,
): string {
	const field = 'Input Binary Field';
	const fix =
		'Pass a CSV file saved as "CSV UTF-8" (comma-separated), with a header row that has a customer_phone column.';
	const kind = binaryKind(bytes);
	if (kind) {
		throw fieldError(
			ctx,
			itemIndex,
			field,
			`the file "${fileName}" is not CSV text: it looks like ${kind}`,
			fix,
		);
	}
	let text: string;
	try {
		text = new TextDecoder(CSV_ENCODING, { fatal: true }).decode(bytes);
	} catch {
		throw fieldError(
			ctx,
			itemIndex,
			field,
			`the file "${fileName}" is not UTF-8 text (FormantAI campaigns are read as UTF-8)`,
			fix,
		);
	}
	if (text.includes('\u0000')) {
		throw fieldError(
			ctx,
			itemIndex,
			field,
			`the file "${fileName}" is not CSV text (it holds binary data)`,
			fix,
		);
	}
	return text;
}

async function executeFromFile(
	this: IExecuteFunctions,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	const common = readCommon(this, itemIndex);
	const field = requiredString(
		this,
		itemIndex,
		'Input Binary Field',
		this.getNodeParameter('binaryPropertyName', itemIndex),
	);
	const binary = requireBinary(
		this,
		itemIndex,
		field,
		'This item has no files. Read the CSV with a node that outputs a file (e.g. Read/Write Files from Disk, HTTP Request or Google Drive), or choose Rows From: Input Items.',
	);
	const fileName = binary.fileName ?? 'the file';
	const bytes = await this.helpers.getBinaryDataBuffer(itemIndex, field);
	if (bytes.length === 0) {
		throw fieldError(
			this,
			itemIndex,
			'Input Binary Field',
			`the file "${fileName}" is empty`,
			'Pass a CSV file with a header row and at least one recipient row.',
		);
	}
	const text = decodeCsv(this, itemIndex, bytes, fileName);

	let parsed: ReturnType<typeof parseCsv>;
	try {
		parsed = parseCsv(text);
	} catch (error) {
		if (error instanceof CsvSyntaxError) {
			throw fieldError(
				this,
				itemIndex,
				'Input Binary Field',
				`the CSV "${fileName}" cannot be read at line ${error.line}: ${error.message}`,
				'Cells holding commas, quotes or line breaks must be wrapped in double quotes, with quotes inside doubled ("").',
			);
		}
		throw new NodeOperationError(this.getNode(), error as Error, { itemIndex });
	}
	const fail = (problem: string, fix: string) =>
		fieldError(this, itemIndex, 'Input Binary Field', `the CSV "${fileName}" ${problem}`, fix);

	const header = parsed.header.map((column) => column.trim());
	if (header.length === 0 || header.every((column) => column === '')) {
		throw fail(
			'has no header row',
			'The first line must name the columns, e.g. customer_phone,customer_name.',
		);
	}
	const phoneIndex = header.indexOf(PHONE_COLUMN);
	if (phoneIndex < 0) {
		const near = header.find(
			(column) => column.toLowerCase().replace(/[\s-]+/g, '_') === PHONE_COLUMN,
		);
		throw fail(
			`has no ${PHONE_COLUMN} column (columns: ${header.map((c) => `"${c}"`).join(', ')})`,
			near
				? `Rename the column "${near}" to exactly ${PHONE_COLUMN}.`
				: `Add a ${PHONE_COLUMN} column holding the numbers to call, or use Rows From: Input Items and pick the phone field.`,
		);
	}
	const seen = new Set<string>();
	for (const column of header) {
		if (column === '') continue;
		if (seen.has(column)) {
			throw fail(`has the column "${column}" twice`, 'Give every column a different name.');
		}
		seen.add(column);
	}
	// Columns without a name are dropped when empty (a trailing comma); with data they are an error.
	const keep = header.map((column) => column !== '');
	for (const row of parsed.rows) {
		if (row.cells.length > header.length) {
			throw fail(
				`has ${row.cells.length} cells at line ${row.line} but ${header.length} columns in the header`,
				'Wrap cells that hold commas in double quotes, or add the missing column names to the header.',
			);
		}
		for (const [index, cell] of row.cells.entries()) {
			if (!keep[index] && cell.trim() !== '') {
				throw fail(
					`has a value in column ${index + 1} at line ${row.line}, but that column has no name`,
					'Give the column a name in the header row.',
				);
			}
		}
	}
	if (parsed.rows.length === 0) {
		throw fail(
			'has no recipient rows (only a header)',
			'Add at least one row with a phone number.',
		);
	}
	if (CSV_MAX_ROWS !== undefined && parsed.rows.length > CSV_MAX_ROWS) {
		throw fail(
			`has ${parsed.rows.length} rows; at most ${CSV_MAX_ROWS} are accepted`,
			'Split it into several campaigns.',
		);
	}

	const rows: string[][] = [];
	const bad: BadRow[] = [];
	for (const row of parsed.rows) {
		const cells = header.map((_, index) => row.cells[index] ?? '');
		const phone = normalizePhone(cells[phoneIndex], common.countryCode);
		if (!phone.ok) {
			bad.push({
				line: row.line,
				phone: cells[phoneIndex],
				reason: `${PHONE_COLUMN} ${phone.reason}`,
			});
			continue;
		}
		cells[phoneIndex] = phone.e164;
		rows.push(cells.filter((_, index) => keep[index]));
	}
	if (bad.length > 0 && common.onInvalidPhone === 'stop') {
		throw new NodeOperationError(
			this.getNode(),
			`Input Binary Field: ${bad.length} of ${parsed.rows.length} rows of "${fileName}" have a phone number that cannot be made E.164 (${listBadRows(bad)}) [item ${itemIndex}]`,
			{ itemIndex, description: `Nothing was sent. ${PHONE_FIX}` },
		);
	}
	if (rows.length === 0) {
		throw new NodeOperationError(
			this.getNode(),
			`Input Binary Field: no row of "${fileName}" has a usable phone number (${listBadRows(bad)}) [item ${itemIndex}]`,
			{ itemIndex, description: `Nothing was sent. ${PHONE_FIX}` },
		);
	}

	const csv = writeCsv(
		header.filter((_, index) => keep[index]),
		rows,
	);
	const uploadName = /\.csv$/i.test(binary.fileName ?? '')
		? (binary.fileName as string)
		: CSV_DEFAULT_FILE_NAME;
	const batch = await upload(this, itemIndex, common, csv, uploadName);
	return output(batch, common, bad);
}

// ── Rows from the input items ────────────────────────────────────────────────────────────────

/** A field by name, or by dot path when no field has that exact name. */
export function fieldValue(json: IDataObject, path: string): unknown {
	if (Object.prototype.hasOwnProperty.call(json, path)) return json[path];
	let value: unknown = json;
	for (const key of path.split('.')) {
		if (typeof value !== 'object' || value === null) return undefined;
		value = (value as IDataObject)[key];
	}
	return value;
}

/** A cell's text: strings as they are, numbers and booleans as written, objects as JSON. */
export function cellText(value: unknown): string {
	if (value === undefined || value === null) return '';
	if (typeof value === 'string') return value;
	if (typeof value === 'object') return JSON.stringify(value);
	return String(value);
}

function splitFieldList(value: unknown): string[] {
	const list = Array.isArray(value) ? value.map(String) : String(value ?? '').split(',');
	return [...new Set(list.map((name) => name.trim()).filter((name) => name !== ''))];
}

function fieldsSeen(items: INodeExecutionData[]): string {
	const names = new Set<string>();
	for (const item of items) for (const key of Object.keys(item.json)) names.add(key);
	const list = [...names];
	if (list.length === 0) return 'The input items have no fields.';
	const shown = list.slice(0, 20).join(', ');
	return `Fields in the input items: ${shown}${list.length > 20 ? ', …' : ''}.`;
}

async function executeFromItems(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[]> {
	const common = readCommon(this, 0);
	const phoneField = requiredString(
		this,
		0,
		'Phone Field',
		this.getNodeParameter('phoneField', 0),
		'Name the field of the input items that holds the phone number, e.g. phone.',
	);
	if (!items.some((item) => fieldValue(item.json, phoneField) !== undefined)) {
		throw fieldError(
			this,
			0,
			'Phone Field',
			`no input item has a field "${phoneField}"`,
			`${fieldsSeen(items)} Put the name of the field that holds the phone number in Phone Field.`,
		);
	}

	const mode = this.getNodeParameter('columns', 0, 'all') as string;
	let columns: string[];
	if (mode === 'selected') {
		columns = splitFieldList(this.getNodeParameter('fieldsToInclude', 0, ''));
		if (columns.length === 0) {
			throw fieldError(
				this,
				0,
				'Fields to Include',
				'lists no field',
				'Write the names of the fields to send, separated by commas, or set Columns to All Fields.',
			);
		}
		for (const column of columns) {
			if (column === PHONE_COLUMN && phoneField !== PHONE_COLUMN) {
				throw fieldError(
					this,
					0,
					'Fields to Include',
					`"${PHONE_COLUMN}" is filled from Phone Field ("${phoneField}") and cannot be a second column`,
					`Remove "${PHONE_COLUMN}" from Fields to Include.`,
				);
			}
			if (!items.some((item) => fieldValue(item.json, column) !== undefined)) {
				throw fieldError(
					this,
					0,
					'Fields to Include',
					`no input item has a field "${column}"`,
					`${fieldsSeen(items)} Correct the name or remove it.`,
				);
			}
		}
		columns = columns.filter((column) => column !== phoneField);
	} else if (mode === 'all') {
		const names = new Set<string>();
		for (const item of items) for (const key of Object.keys(item.json)) names.add(key);
		// The phone goes in customer_phone; a field already named so would be a second copy.
		columns = [...names].filter(
			(name) => name !== '' && name !== phoneField && name !== PHONE_COLUMN,
		);
	} else {
		throw fieldError(this, 0, 'Columns', `must be "all" or "selected", got "${mode}"`);
	}
	if (CSV_MAX_ROWS !== undefined && items.length > CSV_MAX_ROWS) {
		throw fieldError(
			this,
			0,
			'Phone Field',
			`${items.length} input items make more than the ${CSV_MAX_ROWS} rows a campaign may have`,
			'Split the items into several campaigns (e.g. with Loop Over Items).',
		);
	}

	const rows: string[][] = [];
	const bad: BadRow[] = [];
	for (const [index, item] of items.entries()) {
		const raw = fieldValue(item.json, phoneField);
		if (raw === undefined) {
			bad.push({ item: index, phone: '', reason: `has no field "${phoneField}"` });
			continue;
		}
		const phone = normalizePhone(
			typeof raw === 'object' && raw !== null ? phoneText(raw) : raw,
			common.countryCode,
		);
		if (!phone.ok) {
			bad.push({ item: index, phone: phoneText(raw), reason: `${phoneField} ${phone.reason}` });
			continue;
		}
		rows.push([phone.e164, ...columns.map((column) => cellText(fieldValue(item.json, column)))]);
	}
	if (bad.length > 0 && common.onInvalidPhone === 'stop') {
		throw new NodeOperationError(
			this.getNode(),
			`Phone Field: ${bad.length} of ${items.length} items have a phone number that cannot be made E.164 (${listBadRows(bad)}) [item ${bad[0].item}]`,
			{ itemIndex: bad[0].item, description: `Nothing was sent. ${PHONE_FIX}` },
		);
	}
	if (rows.length === 0) {
		throw new NodeOperationError(
			this.getNode(),
			`Phone Field: no input item has a usable phone number (${listBadRows(bad)}) [item ${bad[0].item}]`,
			{ itemIndex: bad[0].item, description: `Nothing was sent. ${PHONE_FIX}` },
		);
	}

	const csv = writeCsv([PHONE_COLUMN, ...columns], rows);
	const batch = await upload(this, 0, common, csv, CSV_DEFAULT_FILE_NAME);
	return output(batch, common, bad);
}

/** Input Items makes one campaign of all items; a CSV file makes one campaign per item. */
export function runsOnce(this: IExecuteFunctions): boolean {
	return this.getNodeParameter('source', 0, 'inputItems') === 'inputItems';
}

export const execute = executeFromFile;
export const executeAll = executeFromItems;
