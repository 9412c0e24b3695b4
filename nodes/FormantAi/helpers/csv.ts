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

/** What ends a run of plain text in an unquoted cell. */
const PLAIN_CELL_END = /[",\r\n]/;

/** Receives each record as soon as it is complete. */
export type OnCsvRow = (row: CsvRow) => void;

/**
 * Reads CSV text that arrives in pieces (a file as it streams in) and hands each record on as soon
 * as it is complete (one at a time, so a caller that checks and drops rows holds none of them): quoted fields may hold commas, doubled quotes and line breaks; CRLF, LF or CR
 * line ends; a UTF-8 byte order mark is dropped; blank lines are skipped. Cells are not trimmed.
 * Where a piece ends never changes the result: a `\r` or `"` at its end (whose meaning depends on
 * the next character) waits for the next piece.
 */
export class CsvReader {
	private cells: string[] = [];
	private cell = '';
	private quoted = false;
	// Whether the current cell was quoted (so `"" ,` is an empty cell, not a blank line).
	private wasQuoted = false;
	// Between a closing quote and the next comma or line end.
	private afterQuote = false;
	private line = 1;
	private recordLine = 1;
	private quoteLine = 1;
	private held = '';
	private started = false;

	constructor(private readonly onRow: OnCsvRow) {}

	/** Reads the next piece of text. */
	push(piece: string): void {
		let text = this.held + piece;
		if (!this.started && text !== '') {
			this.started = true;
			if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
		}
		this.held = text.slice(this.read(text, false));
	}

	/** Ends the text (the last record comes out); throws when a quoted cell is never closed. */
	end(): void {
		this.read(this.held, true);
		this.held = '';
		if (this.quoted) {
			throw new CsvSyntaxError('a quoted cell is never closed (a " is missing)', this.quoteLine);
		}
		if (this.cell !== '' || this.cells.length > 0 || this.wasQuoted) this.endRecord();
	}

	private endRecord(): void {
		const cells = this.cells;
		cells.push(this.cell);
		const blank = cells.length === 1 && cells[0].trim() === '' && !this.wasQuoted;
		if (!blank) this.onRow({ line: this.recordLine, cells });
		this.cells = [];
		this.cell = '';
		this.wasQuoted = false;
		this.afterQuote = false;
	}

	/** Reads `text`; returns how much it read (all of it when `final`). */
	private read(text: string, final: boolean): number {
		// The last character waits for the next piece when what it means depends on what follows.
		const last = final ? text.length : text.length - 1;
		for (let i = 0; i < text.length; i++) {
			const ch = text[i];
			if (i === last && (ch === '"' || ch === '\r')) return i;
			if (this.quoted) {
				if (ch === '"') {
					if (text[i + 1] === '"') {
						this.cell += '"';
						i++;
					} else {
						this.quoted = false;
						this.afterQuote = true;
					}
				} else {
					// Up to the next quote in one slice: one string per run, not one per character
					// (a 10 MB file parsed a character at a time held ten times its size in strings).
					let end = i;
					for (; end < text.length && text[end] !== '"'; end++) {
						if (end === last && text[end] === '\r') break;
						if (text[end] === '\n' || (text[end] === '\r' && text[end + 1] !== '\n')) this.line++;
					}
					this.cell += text.slice(i, end);
					i = end - 1;
				}
				continue;
			}
			if (ch === '"' && this.cell.trim() === '') {
				// Spaces before an opening quote are not part of the value; a quote later in an
				// unquoted cell (O"Brien) is kept as text, as spreadsheets do.
				this.cell = '';
				this.quoted = true;
				this.wasQuoted = true;
				this.quoteLine = this.line;
			} else if (ch === ',') {
				this.cells.push(this.cell);
				this.cell = '';
				this.wasQuoted = false;
				this.afterQuote = false;
			} else if (ch === '\r' || ch === '\n') {
				if (ch === '\r' && text[i + 1] === '\n') i++;
				this.endRecord();
				this.line++;
				this.recordLine = this.line;
			} else if (this.afterQuote) {
				if (ch !== ' ' && ch !== '\t') {
					throw new CsvSyntaxError('text follows a closing quote in the same cell', this.line);
				}
			} else {
				let end = i + 1;
				while (end < text.length && !PLAIN_CELL_END.test(text[end])) end++;
				this.cell += text.slice(i, end);
				i = end - 1;
			}
		}
		return text.length;
	}
}

/** Parses CSV text whole (see CsvReader); the first record is the header. */
export function parseCsv(input: string): ParsedCsv {
	const records: CsvRow[] = [];
	const reader = new CsvReader((row) => records.push(row));
	reader.push(input);
	reader.end();
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

/** The bytes of `text` in UTF-8, as TextEncoder writes them, counted without encoding. */
export function utf8Length(text: string): number {
	let bytes = text.length;
	for (let i = 0; i < text.length; i++) {
		const code = text.charCodeAt(i);
		if (code < 0x80) continue;
		if (code < 0x800) {
			bytes += 1;
		} else if (code >= 0xd800 && code <= 0xdbff && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
			// A surrogate pair: two units, four bytes.
			bytes += 2;
			i++;
		} else {
			// Three bytes (a lone surrogate too: it is written as U+FFFD).
			bytes += 2;
		}
	}
	return bytes;
}
