import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { CSV_DEFAULT_FILE_NAME, CSV_MAX_ROWS, CSV_MIME_TYPE } from '../../helpers/assumptions';
import type { CsvRow } from '../../helpers/csv';
import { csvCell, utf8Length } from '../../helpers/csv';
import { normalizePhone } from '../../helpers/phone';
import { fieldError, requireBinary, requiredString } from '../../helpers/validation';
import { binaryPart, FilePart } from '../../transport';
import type { BadRow, Campaign, Common } from './campaign';
import {
	isOutside,
	listBadRows,
	PHONE_COLUMN,
	PHONE_FIX,
	readCommon,
	refuseOutside,
} from './campaign';
import type { CsvColumns, FileFail } from './csvRows';
import { checkHeader, checkRowShape, readCsv } from './csvRows';

/** What one reading of a campaign file found. */
interface Reading {
	/** Recipient rows in the file. */
	rows: number;
	/** Rows whose phone cannot be made E.164 (left out, or they stop the run). */
	bad: BadRow[];
	/** Rows outside Allowed Destinations (they refuse the campaign). */
	outside: BadRow[];
}

/** A row as it is uploaded: the named columns, the phone in E.164, CRLF-terminated. */
function rowLine(cells: string[], columns: CsvColumns, e164: string): string {
	const out: string[] = [];
	for (let index = 0; index < columns.header.length; index++) {
		if (!columns.keep[index]) continue;
		out.push(csvCell(index === columns.phoneIndex ? e164 : (cells[index] ?? '')));
	}
	return `${out.join(',')}\r\n`;
}

/**
 * Reads the campaign file once, checking every row in order, and gives the CSV to upload a piece
 * at a time (the header first, then one piece per chunk of the file), never holding the file or
 * its rows whole. What it finds goes into `reading`.
 */
async function* campaignText(
	file: FilePart,
	common: Common,
	fail: FileFail,
	reading: Reading,
): AsyncGenerator<string> {
	let columns: CsvColumns | undefined;
	let text = '';
	const onRow = (row: CsvRow): void => {
		if (!columns) {
			columns = checkHeader(row.cells, fail);
			const kept = columns.header.filter((_, index) => columns?.keep[index]);
			text += `${kept.map(csvCell).join(',')}\r\n`;
			return;
		}
		checkRowShape(row, columns, fail);
		reading.rows++;
		if (CSV_MAX_ROWS !== undefined && reading.rows > CSV_MAX_ROWS) {
			throw fail('CSV', `has more than ${CSV_MAX_ROWS} rows`, 'Split it into several campaigns.');
		}
		const raw = row.cells[columns.phoneIndex] ?? '';
		const phone = normalizePhone(raw, common.countryCode);
		if (!phone.ok) {
			reading.bad.push({ line: row.line, phone: raw, reason: `${PHONE_COLUMN} ${phone.reason}` });
			return;
		}
		if (isOutside(common, phone.e164)) {
			reading.outside.push({ line: row.line, phone: phone.e164, reason: phone.e164 });
		}
		text += rowLine(row.cells, columns, phone.e164);
	};
	const chunks = readCsv(file, fail, onRow);
	try {
		while (!(await chunks.next()).done) {
			if (text !== '') yield text;
			text = '';
		}
	} finally {
		// Stopped early (a bad row, or the upload ended): the file is closed.
		await chunks.return(undefined);
	}
	if (text !== '') yield text;
	if (!columns) checkHeader(undefined, fail);
	if (reading.rows === 0) {
		throw fail(
			'CSV',
			'has no recipient rows (only a header)',
			'Add at least one row with a phone number.',
		);
	}
}

const newReading = (): Reading => ({ rows: 0, bad: [], outside: [] });

/**
 * Checks the CSV file of one item (every row, before anything is sent) and returns its campaign:
 * a part that writes the checked CSV (phones in E.164, bad rows left out) while the upload
 * sends it, by reading the file a second time. Only the rows left out are kept in memory.
 */
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
	const fail: FileFail = (subject, problem, fix) =>
		fieldError(
			ctx,
			itemIndex,
			'Input Binary Field',
			`the ${subject} "${fileName}" ${problem}`,
			fix,
		);
	const source = await binaryPart(ctx, itemIndex, field, binary, fileName, CSV_MIME_TYPE);
	if (source.size === 0) {
		throw fail(
			'file',
			'is empty',
			'Pass a CSV file with a header row and at least one recipient row.',
		);
	}

	const checked = newReading();
	let size = 0;
	for await (const text of campaignText(source, common, fail, checked)) size += utf8Length(text);
	refuseOutside(ctx, itemIndex, common, checked.outside, checked.rows);
	const { bad, rows } = checked;
	if (bad.length > 0 && common.onInvalidPhone === 'stop') {
		throw new NodeOperationError(
			ctx.getNode(),
			`Input Binary Field: ${bad.length} of ${rows} rows of "${fileName}" have a phone number that cannot be made E.164 (${listBadRows(bad)}) [item ${itemIndex}]`,
			{ itemIndex, description: `Nothing was sent. ${PHONE_FIX}` },
		);
	}
	if (bad.length === rows) {
		throw new NodeOperationError(
			ctx.getNode(),
			`Input Binary Field: no row of "${fileName}" has a usable phone number (${listBadRows(bad)}) [item ${itemIndex}]`,
			{ itemIndex, description: `Nothing was sent. ${PHONE_FIX}` },
		);
	}

	const uploadName = /\.csv$/i.test(binary.fileName ?? '')
		? (binary.fileName as string)
		: CSV_DEFAULT_FILE_NAME;
	const file = new FilePart(size, uploadName, CSV_MIME_TYPE, async () =>
		uploadBytes(source, common, fail, checked),
	);
	return { common, file, fileName: uploadName, bad };
}

/** The second reading, while the upload is sent: the same rows as UTF-8, a chunk at a time. */
async function* uploadBytes(
	source: FilePart,
	common: Common,
	fail: FileFail,
	checked: Reading,
): AsyncGenerator<Uint8Array> {
	const encoder = new TextEncoder();
	const reading = newReading();
	for await (const text of campaignText(source, common, fail, reading)) {
		// n8n's stored files do not change; should this one have, none of it goes unchecked.
		if (
			reading.outside.length > 0 ||
			reading.bad.length > checked.bad.length ||
			reading.rows > checked.rows
		) {
			throw new Error(`The file "${source.name}" changed after it was checked`);
		}
		yield encoder.encode(text);
	}
}
