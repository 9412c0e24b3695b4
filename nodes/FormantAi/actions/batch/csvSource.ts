import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { CSV_DEFAULT_FILE_NAME, CSV_ENCODING, CSV_MAX_ROWS } from '../../helpers/assumptions';
import { CsvSyntaxError, parseCsv, writeCsv } from '../../helpers/csv';
import { normalizePhone } from '../../helpers/phone';
import { fieldError, requireBinary, requiredString } from '../../helpers/validation';
import type { BadRow, Campaign } from './campaign';
import {
	isOutside,
	listBadRows,
	PHONE_COLUMN,
	PHONE_FIX,
	readCommon,
	refuseOutside,
} from './campaign';

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

/** Reads, checks and rewrites the CSV file of one item (phones in E.164); sends nothing. */
export async function campaignFromFile(
	ctx: IExecuteFunctions,
	itemIndex: number,
): Promise<Campaign> {
	const common = readCommon(ctx, itemIndex);
	const field = requiredString(
		ctx,
		itemIndex,
		'Input Binary Field',
		ctx.getNodeParameter('binaryPropertyName', itemIndex),
	);
	const binary = requireBinary(
		ctx,
		itemIndex,
		field,
		'This item has no files. Read the CSV with a node that outputs a file (e.g. Read/Write Files from Disk, HTTP Request or Google Drive), or choose Rows From: Input Items.',
	);
	const fileName = binary.fileName ?? 'the file';
	const bytes = await ctx.helpers.getBinaryDataBuffer(itemIndex, field);
	if (bytes.length === 0) {
		throw fieldError(
			ctx,
			itemIndex,
			'Input Binary Field',
			`the file "${fileName}" is empty`,
			'Pass a CSV file with a header row and at least one recipient row.',
		);
	}
	const text = decodeCsv(ctx, itemIndex, bytes, fileName);

	let parsed: ReturnType<typeof parseCsv>;
	try {
		parsed = parseCsv(text);
	} catch (error) {
		if (error instanceof CsvSyntaxError) {
			throw fieldError(
				ctx,
				itemIndex,
				'Input Binary Field',
				`the CSV "${fileName}" cannot be read at line ${error.line}: ${error.message}`,
				'Cells holding commas, quotes or line breaks must be wrapped in double quotes, with quotes inside doubled ("").',
			);
		}
		throw new NodeOperationError(ctx.getNode(), error as Error, { itemIndex });
	}
	const fail = (problem: string, fix: string) =>
		fieldError(ctx, itemIndex, 'Input Binary Field', `the CSV "${fileName}" ${problem}`, fix);

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
	const outside: BadRow[] = [];
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
		if (isOutside(common, phone.e164)) {
			outside.push({ line: row.line, phone: phone.e164, reason: phone.e164 });
		}
		cells[phoneIndex] = phone.e164;
		rows.push(cells.filter((_, index) => keep[index]));
	}
	refuseOutside(ctx, itemIndex, common, outside, parsed.rows.length);
	if (bad.length > 0 && common.onInvalidPhone === 'stop') {
		throw new NodeOperationError(
			ctx.getNode(),
			`Input Binary Field: ${bad.length} of ${parsed.rows.length} rows of "${fileName}" have a phone number that cannot be made E.164 (${listBadRows(bad)}) [item ${itemIndex}]`,
			{ itemIndex, description: `Nothing was sent. ${PHONE_FIX}` },
		);
	}
	if (rows.length === 0) {
		throw new NodeOperationError(
			ctx.getNode(),
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
	return { common, csv, fileName: uploadName, bad };
}
