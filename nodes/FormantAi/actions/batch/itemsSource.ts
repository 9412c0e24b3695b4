import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { CSV_DEFAULT_FILE_NAME, CSV_MAX_ROWS } from '../../helpers/assumptions';
import { writeCsv } from '../../helpers/csv';
import { normalizePhone } from '../../helpers/phone';
import { valueText } from '../../helpers/text';
import { isToolMode } from '../../helpers/toolMode';
import { fieldError, requiredString } from '../../helpers/validation';
import type { BadRow, Campaign } from './campaign';
import {
	isOutside,
	listBadRows,
	PHONE_COLUMN,
	PHONE_FIX,
	readCommon,
	refuseOutside,
} from './campaign';

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

/** Builds one campaign from all input items (phones in E.164); sends nothing. */
export function campaignFromItems(ctx: IExecuteFunctions, items: INodeExecutionData[]): Campaign {
	const toolMode = items.some((_, index) => isToolMode(ctx, index));
	const common = readCommon(ctx, 0, toolMode);
	const phoneField = requiredString(
		ctx,
		0,
		'Phone Field',
		ctx.getNodeParameter('phoneField', 0),
		'Name the field of the input items that holds the phone number, e.g. phone.',
	);
	if (!items.some((item) => fieldValue(item.json, phoneField) !== undefined)) {
		throw fieldError(
			ctx,
			0,
			'Phone Field',
			`no input item has a field "${phoneField}"`,
			`${fieldsSeen(items)} Put the name of the field that holds the phone number in Phone Field.`,
		);
	}

	const mode = ctx.getNodeParameter('columns', 0, 'all') as string;
	let columns: string[];
	if (mode === 'selected') {
		columns = splitFieldList(ctx.getNodeParameter('fieldsToInclude', 0, ''));
		for (const column of columns) {
			if (column === PHONE_COLUMN && phoneField !== PHONE_COLUMN) {
				throw fieldError(
					ctx,
					0,
					'Fields to Include',
					`"${PHONE_COLUMN}" is filled from Phone Field ("${phoneField}") and cannot be a second column`,
					`Remove "${PHONE_COLUMN}" from Fields to Include.`,
				);
			}
			if (!items.some((item) => fieldValue(item.json, column) !== undefined)) {
				throw fieldError(
					ctx,
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
		throw fieldError(ctx, 0, 'Columns', `must be "all" or "selected", got "${mode}"`);
	}
	if (CSV_MAX_ROWS !== undefined && items.length > CSV_MAX_ROWS) {
		throw fieldError(
			ctx,
			0,
			'Phone Field',
			`${items.length} input items make more than the ${CSV_MAX_ROWS} rows a campaign may have`,
			'Split the items into several campaigns (e.g. with Loop Over Items).',
		);
	}

	const rows: string[][] = [];
	const bad: BadRow[] = [];
	const outside: BadRow[] = [];
	for (const [index, item] of items.entries()) {
		const raw = fieldValue(item.json, phoneField);
		if (raw === undefined) {
			bad.push({ item: index, phone: '', reason: `has no field "${phoneField}"` });
			continue;
		}
		const phone = normalizePhone(
			typeof raw === 'object' && raw !== null ? valueText(raw) : raw,
			common.countryCode,
		);
		if (!phone.ok) {
			bad.push({ item: index, phone: valueText(raw), reason: `${phoneField} ${phone.reason}` });
			continue;
		}
		if (isOutside(common, phone.e164)) {
			outside.push({ item: index, phone: phone.e164, reason: phone.e164 });
		}
		rows.push([phone.e164, ...columns.map((column) => valueText(fieldValue(item.json, column)))]);
	}
	refuseOutside(ctx, outside[0]?.item ?? 0, common, outside, items.length);
	if (bad.length > 0 && common.onInvalidPhone === 'stop') {
		throw new NodeOperationError(
			ctx.getNode(),
			`Phone Field: ${bad.length} of ${items.length} items have a phone number that cannot be made E.164 (${listBadRows(bad)}) [item ${bad[0].item}]`,
			{ itemIndex: bad[0].item, description: `Nothing was sent. ${PHONE_FIX}` },
		);
	}
	if (rows.length === 0) {
		throw new NodeOperationError(
			ctx.getNode(),
			`Phone Field: no input item has a usable phone number (${listBadRows(bad)}) [item ${bad[0].item}]`,
			{ itemIndex: bad[0].item, description: `Nothing was sent. ${PHONE_FIX}` },
		);
	}

	const file = new TextEncoder().encode(writeCsv([PHONE_COLUMN, ...columns], rows));
	return { common, file, fileName: CSV_DEFAULT_FILE_NAME, bad };
}
