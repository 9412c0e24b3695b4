import { CSV_ENCODING } from '../../helpers/assumptions';
import type { CsvRow, OnCsvRow } from '../../helpers/csv';
import { CsvReader, CsvSyntaxError } from '../../helpers/csv';
import type { FilePart } from '../../transport';
import { PHONE_COLUMN } from './campaign';

/** An error about the campaign file, e.g. `fail('CSV', 'has no header row', fix)`. */
export type FileFail = (subject: 'file' | 'CSV', problem: string, fix: string) => Error;

const NOT_CSV_FIX =
	'Pass a CSV file saved as "CSV UTF-8" (comma-separated), with a header row that has a customer_phone column.';

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

/**
 * Reads a campaign file as it streams (a chunk at a time, so the file is never held whole), handing
 * each record to `onRow` as soon as it is complete; yields after each chunk. Refuses a file that
 * is not UTF-8 CSV text, and a CSV syntax error with its line.
 */
export async function* readCsv(
	file: FilePart,
	fail: FileFail,
	onRow: OnCsvRow,
): AsyncGenerator<void> {
	const decoder = new TextDecoder(CSV_ENCODING, { fatal: true });
	const reader = new CsvReader(onRow);
	const decode = (bytes?: Uint8Array): string => {
		let text: string;
		try {
			text = bytes ? decoder.decode(bytes, { stream: true }) : decoder.decode();
		} catch {
			throw fail('file', 'is not UTF-8 text (FormantAI campaigns are read as UTF-8)', NOT_CSV_FIX);
		}
		if (text.includes('\u0000')) {
			throw fail('file', 'is not CSV text (it holds binary data)', NOT_CSV_FIX);
		}
		return text;
	};
	const parse = (read: () => void): void => {
		try {
			read();
		} catch (error) {
			// Errors from `onRow` pass through; a syntax error gets the file name and the fix.
			throw error instanceof CsvSyntaxError
				? fail(
						'CSV',
						`cannot be read at line ${error.line}: ${error.message}`,
						'Cells holding commas, quotes or line breaks must be wrapped in double quotes, with quotes inside doubled ("").',
					)
				: error;
		}
	};
	let first = true;
	for await (const bytes of file.stream() as unknown as AsyncIterable<Uint8Array>) {
		if (first) {
			const kind = binaryKind(bytes);
			if (kind) throw fail('file', `is not CSV text: it looks like ${kind}`, NOT_CSV_FIX);
			first = false;
		}
		const text = decode(bytes);
		parse(() => reader.push(text));
		yield;
	}
	const rest = decode();
	parse(() => {
		reader.push(rest);
		reader.end();
	});
}

/** The header of a campaign file, checked: which columns are uploaded, and where the phone is. */
export interface CsvColumns {
	/** Column names, trimmed. */
	header: string[];
	phoneIndex: number;
	/** Columns without a name are dropped when empty (a trailing comma); with data they are an error. */
	keep: boolean[];
}

export function checkHeader(cells: string[] | undefined, fail: FileFail): CsvColumns {
	const header = (cells ?? []).map((column) => column.trim());
	if (header.length === 0 || header.every((column) => column === '')) {
		throw fail(
			'CSV',
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
			'CSV',
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
			throw fail('CSV', `has the column "${column}" twice`, 'Give every column a different name.');
		}
		seen.add(column);
	}
	return { header, phoneIndex, keep: header.map((column) => column !== '') };
}

/** Refuses a row with more cells than the header has columns, or data in an unnamed column. */
export function checkRowShape(row: CsvRow, columns: CsvColumns, fail: FileFail): void {
	const { header, keep } = columns;
	if (row.cells.length > header.length) {
		throw fail(
			'CSV',
			`has ${row.cells.length} cells at line ${row.line} but ${header.length} columns in the header`,
			'Wrap cells that hold commas in double quotes, or add the missing column names to the header.',
		);
	}
	for (let index = 0; index < row.cells.length; index++) {
		if (!keep[index] && row.cells[index].trim() !== '') {
			throw fail(
				'CSV',
				`has a value in column ${index + 1} at line ${row.line}, but that column has no name`,
				'Give the column a name in the header row.',
			);
		}
	}
}
