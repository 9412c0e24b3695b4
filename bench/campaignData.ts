import { parse } from 'csv-parse/sync';

/** The columns of the benchmark campaign (the phone column first, as FormantAI's sample has it). */
export const CSV_COLUMNS = [
	'customer_phone',
	'customer_name',
	'loan_id',
	'due_amount',
	'due_date',
	'city',
	'note',
] as const;

const CITIES = ['Bengaluru', 'Mumbai', 'Delhi', 'Chennai', 'Pune', 'Hyderabad', 'Kolkata'];

/** Row `i` of the benchmark campaign: a distinct E.164 number and about 100 bytes of text. */
export function campaignRow(i: number): Record<(typeof CSV_COLUMNS)[number], string> {
	const n = String(i).padStart(8, '0');
	return {
		customer_phone: `+9190${n}`,
		customer_name: `Customer ${n} Sharma`,
		loan_id: `LN-${n}`,
		due_amount: String(1000 + (i % 90_000) + 0.5),
		due_date: `2026-04-${String(1 + (i % 28)).padStart(2, '0')}`,
		city: CITIES[i % CITIES.length],
		note: i % 10 === 0 ? 'Call after 6 pm, "urgent"' : 'Follow up, gently',
	};
}

/** A CSV cell, quoted when it holds a comma, quote or line break. */
export const csvQuote = (cell: string): string =>
	/[",\r\n]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell;

/** The benchmark campaign as CSV text (CRLF line ends), `rows` rows after the header. */
export function campaignCsv(rows: number): string {
	const lines = [CSV_COLUMNS.join(',')];
	for (let i = 0; i < rows; i++) {
		const row = campaignRow(i);
		lines.push(CSV_COLUMNS.map((column) => csvQuote(row[column])).join(','));
	}
	return `${lines.join('\r\n')}\r\n`;
}

/** The baseline's check of the file: a well-known CSV parser, and a phone on every row. */
export function parseWithLibrary(text: Buffer): number {
	const records = parse(text, { columns: true, skip_empty_lines: true }) as Array<
		Record<string, string>
	>;
	for (const [index, record] of records.entries()) {
		if (!record.customer_phone) throw new Error(`row ${index + 1} has no customer_phone`);
	}
	return records.length;
}
