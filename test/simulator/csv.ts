/**
 * RFC 4180 CSV: quoted fields may hold commas, doubled quotes and newlines; CRLF or LF line ends;
 * a UTF-8 BOM is dropped. Returns rows of raw cells (header included).
 */
export function parseCsv(text: string): string[][] {
	const src = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
	const rows: string[][] = [];
	let row: string[] = [];
	let cell = '';
	let quoted = false;
	let i = 0;
	while (i < src.length) {
		const ch = src[i];
		if (quoted) {
			if (ch === '"') {
				if (src[i + 1] === '"') {
					cell += '"';
					i += 2;
					continue;
				}
				quoted = false;
				i++;
				continue;
			}
			cell += ch;
			i++;
			continue;
		}
		if (ch === '"' && cell === '') {
			quoted = true;
			i++;
		} else if (ch === ',') {
			row.push(cell);
			cell = '';
			i++;
		} else if (ch === '\r' || ch === '\n') {
			row.push(cell);
			rows.push(row);
			row = [];
			cell = '';
			i += ch === '\r' && src[i + 1] === '\n' ? 2 : 1;
		} else {
			cell += ch;
			i++;
		}
	}
	if (quoted) throw new Error('unterminated quoted field');
	if (cell !== '' || row.length > 0) {
		row.push(cell);
		rows.push(row);
	}
	// Blank lines are not recipients.
	return rows.filter((r) => !(r.length === 1 && r[0].trim() === ''));
}

/** Header + rows → records keyed by trimmed header names. */
export function csvRecords(text: string): {
	columns: string[];
	records: Array<Record<string, string>>;
} {
	const rows = parseCsv(text);
	if (rows.length === 0) return { columns: [], records: [] };
	const columns = rows[0].map((c) => c.trim());
	const records = rows.slice(1).map((r) => {
		const rec: Record<string, string> = {};
		columns.forEach((col, i) => {
			if (col !== '') rec[col] = (r[i] ?? '').trim();
		});
		return rec;
	});
	return { columns, records };
}
