/**
 * CSV for FormantAI campaigns (RFC 4180): reading a user's file with the line each row starts on,
 * and writing rows with correct quoting.
 */

/** One data row of a parsed CSV: its cells and the physical line it starts on (header = line 1). */
export interface CsvRow {
	line: number;
	cells: string[];
}

export interface ParsedCsv {
	header: string[];
	/** Line the header starts on (after any blank lines before it). */
	headerLine: number;
	rows: CsvRow[];
}

export class CsvSyntaxError extends Error {
	constructor(
		message: string,
		readonly line: number,
	) {
		super(message);
	}
}

/**
 * Parses CSV text: quoted fields may hold commas, doubled quotes and line breaks; CRLF, LF or CR
 * line ends; a UTF-8 byte order mark is dropped; blank lines are skipped. Cells are not trimmed.
 */
/** What ends a run of plain text in an unquoted cell. */
const PLAIN_CELL_END = /[",\r\n]/;

export function parseCsv(input: string): ParsedCsv {
	const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
	const records: CsvRow[] = [];
	let cells: string[] = [];
	let cell = '';
	let quoted = false;
	// Whether the current cell was quoted (so `"" ,` is an empty cell, not a blank line).
	let wasQuoted = false;
	let line = 1;
	let recordLine = 1;
	let quoteLine = 1;
	// Between a closing quote and the next comma or line end.
	let afterQuote = false;

	const endRecord = () => {
		cells.push(cell);
		const blank = cells.length === 1 && cells[0].trim() === '' && !wasQuoted;
		if (!blank) records.push({ line: recordLine, cells });
		cells = [];
		cell = '';
		wasQuoted = false;
		afterQuote = false;
	};

	for (let i = 0; i < text.length; i++) {
		const ch = text[i];
		if (quoted) {
			if (ch === '"') {
				if (text[i + 1] === '"') {
					cell += '"';
					i++;
				} else {
					quoted = false;
					afterQuote = true;
				}
			} else {
				// Up to the next quote in one slice: one string per run, not one per character
				// (a 10 MB file parsed a character at a time held ten times its size in strings).
				let end = i;
				for (; end < text.length && text[end] !== '"'; end++) {
					if (text[end] === '\n' || (text[end] === '\r' && text[end + 1] !== '\n')) line++;
				}
				cell += text.slice(i, end);
				i = end - 1;
			}
			continue;
		}
		if (ch === '"' && cell.trim() === '') {
			// Spaces before an opening quote are not part of the value; a quote later in an
			// unquoted cell (O"Brien) is kept as text, as spreadsheets do.
			cell = '';
			quoted = true;
			wasQuoted = true;
			quoteLine = line;
		} else if (ch === ',') {
			cells.push(cell);
			cell = '';
			wasQuoted = false;
			afterQuote = false;
		} else if (ch === '\r' || ch === '\n') {
			if (ch === '\r' && text[i + 1] === '\n') i++;
			endRecord();
			line++;
			recordLine = line;
		} else if (afterQuote) {
			if (ch !== ' ' && ch !== '\t') {
				throw new CsvSyntaxError('text follows a closing quote in the same cell', line);
			}
		} else {
			let end = i + 1;
			while (end < text.length && !PLAIN_CELL_END.test(text[end])) end++;
			cell += text.slice(i, end);
			i = end - 1;
		}
	}
	if (quoted) {
		throw new CsvSyntaxError('a quoted cell is never closed (a " is missing)', quoteLine);
	}
	if (cell !== '' || cells.length > 0 || wasQuoted) endRecord();

	const [header, ...rows] = records;
	if (!header) return { header: [], headerLine: 1, rows: [] };
	return { header: header.cells, headerLine: header.line, rows };
}

/** Quotes a value when it holds a comma, quote or line break, or starts/ends with a space. */
export function csvCell(value: string): string {
	return /[",\r\n]|^\s|\s$/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** Writes rows as RFC 4180 CSV: CRLF line ends, quoted where needed, no byte order mark. */
export function writeCsv(header: string[], rows: string[][]): string {
	return [header, ...rows].map((row) => row.map(csvCell).join(',')).join('\r\n') + '\r\n';
}
