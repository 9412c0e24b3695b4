import { CsvReader, CsvSyntaxError, parseCsv, utf8Length } from '../../nodes/FormantAi/helpers/csv';

/** Every record of `pieces` read one after another, or the syntax error they end in. */
function readPieces(pieces: string[]): unknown {
	const records: unknown[] = [];
	const reader = new CsvReader((row) => records.push(row));
	try {
		for (const piece of pieces) reader.push(piece);
		reader.end();
		return records;
	} catch (error) {
		const syntax = error as CsvSyntaxError;
		expect(syntax).toBeInstanceOf(CsvSyntaxError);
		return { error: syntax.message, line: syntax.line };
	}
}

const TEXTS = [
	// BOM, CRLF, quoted commas, doubled quotes at the end of a cell, a quoted CRLF, a blank line.
	'\ufeffcustomer_phone,name,note\r\n+919876543210,"Sharma, Rahul","say ""hi"""\r\n' +
		'+919876543211,"line one\r\nline two",x\r\n\r\n+919876543212,"O""Brien",\r\n',
	// CR-only and LF-only line ends, a quoted CR, an empty quoted cell, spaces around quotes.
	'a,b\r"x\ry",""\r  "z"  ,w\n"",\n',
	// No final line end; a quote inside an unquoted cell; Hindi and an emoji.
	'a,b\nO"Brien,अनीता 😀\n"""",""""""',
	// Errors: text after a closing quote (line 3), a quote never closed (from line 2).
	'a\n"x\ny"\n"p"q\n',
	'a,b\n"open,\r\nstill open',
];

describe('CsvReader (a CSV file read as it streams)', () => {
	it.each(TEXTS.map((text, index) => [index, text]))(
		'gives the same records for text %i wherever the pieces are cut',
		(_, text) => {
			const whole = readPieces([text]);
			expect(readPieces([...text])).toEqual(whole);
			for (let cut = 0; cut <= text.length; cut++) {
				expect(readPieces([text.slice(0, cut), text.slice(cut)])).toEqual(whole);
				for (let second = cut; second <= Math.min(text.length, cut + 4); second++) {
					expect(
						readPieces([text.slice(0, cut), text.slice(cut, second), text.slice(second)]),
					).toEqual(whole);
				}
			}
		},
	);

	it('reads the cases whole as before: records with their lines, and errors with theirs', () => {
		expect(readPieces([TEXTS[0]])).toEqual([
			{ line: 1, cells: ['customer_phone', 'name', 'note'] },
			{ line: 2, cells: ['+919876543210', 'Sharma, Rahul', 'say "hi"'] },
			{ line: 3, cells: ['+919876543211', 'line one\r\nline two', 'x'] },
			{ line: 6, cells: ['+919876543212', 'O"Brien', ''] },
		]);
		expect(readPieces([TEXTS[1]])).toEqual([
			{ line: 1, cells: ['a', 'b'] },
			{ line: 2, cells: ['x\ry', ''] },
			{ line: 4, cells: ['z', 'w'] },
			{ line: 5, cells: ['', ''] },
		]);
		expect(readPieces([TEXTS[2]])).toEqual([
			{ line: 1, cells: ['a', 'b'] },
			{ line: 2, cells: ['O"Brien', 'अनीता 😀'] },
			{ line: 3, cells: ['"', '""'] },
		]);
		expect(readPieces([TEXTS[3]])).toEqual({
			error: 'text follows a closing quote in the same cell',
			line: 4,
		});
		expect(readPieces([TEXTS[4]])).toEqual({
			error: 'a quoted cell is never closed (a " is missing)',
			line: 2,
		});
		expect(parseCsv(TEXTS[0]).rows).toHaveLength(3);
	});
});

describe('utf8Length', () => {
	it.each(['', 'plain ASCII', 'Josè', 'अनीता शर्मा', '😀 and 👍🏽', '\ud800 lone', 'end \udc00'])(
		'counts %j as TextEncoder writes it',
		(text) => {
			expect(utf8Length(text)).toBe(new TextEncoder().encode(text).length);
		},
	);
});
