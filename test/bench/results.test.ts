/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- reads the committed bench/results.json and BENCHMARKS.md, never shipped */
import { readFileSync } from 'fs';
import { join } from 'path';

import type { Result } from '../../bench/lib';
import {
	BEGIN,
	END,
	mergeRows,
	problemsOf,
	renderDoc,
	renderResults,
	rowKey,
	rowsFromResults,
	type ResultRow,
	type ResultsFile,
} from '../../bench/results';

const run = { date: '2026-12-01', load: '0.7', command: 'npm run bench -- demo' };

const result = (metric: string, pass: boolean, extra: Partial<Result> = {}): Result => ({
	bench: 'Demo (simulator child process)',
	metric,
	measured: 1234.5,
	unit: 'ms',
	baseline: 1000,
	ratio: 1.235,
	target: '≤ 1.05× the floor',
	pass,
	...extra,
});

const row = (group: string, metric: string, extra: Partial<ResultRow> = {}): ResultRow => ({
	group,
	benchmark: `${group} bench`,
	metric,
	figure: '1 ms',
	target: 't',
	verdict: 'PASS',
	date: '2026-11-30',
	load: '1.0',
	command: `npm run bench -- ${group}`,
	...extra,
});

const file = (rows: ResultRow[]): ResultsFile => ({ readme: [], rows });

describe('bench results file', () => {
	it('turns a benchmark run into rows with the figure, baseline, verdict, date and load', () => {
		const rows = rowsFromResults(
			'demo',
			[result('wall time', false), result('context', true, { info: true, baseline: undefined })],
			run,
		);
		expect(rows).toEqual([
			expect.objectContaining({
				group: 'demo',
				figure: '1,234.5 ms',
				baseline: '1,000 ms',
				ratio: 1.235,
				verdict: 'MISS',
				...run,
			}),
			expect.objectContaining({ verdict: 'info', figure: '1,234.5 ms' }),
		]);
		expect(rows[1]).not.toHaveProperty('baseline');
	});

	it("replaces only the re-run benchmark's rows, in their place, and drops its metrics that are gone", () => {
		const before = file([row('a', 'one'), row('b', 'old 1'), row('b', 'old 2'), row('c', 'three')]);
		const after = mergeRows(before, 'b', [row('b', 'new', { date: '2026-12-06' })]);
		expect(after.rows.map((r) => `${r.group}:${r.metric}`)).toEqual(['a:one', 'b:new', 'c:three']);
		expect(mergeRows(before, 'd', [row('d', 'four')]).rows.map((r) => r.group)).toEqual([
			'a',
			'b',
			'b',
			'c',
			'd',
		]);
	});

	it('a partial run replaces only the rows it measured and adds new ones after its group', () => {
		const before = file([row('a', 'one'), row('b', 'x'), row('b', 'y'), row('c', 'three')]);
		const after = mergeRows(before, 'b', [row('b', 'y', { figure: '9 ms' }), row('b', 'z')], true);
		expect(after.rows.map((r) => `${r.group}:${r.metric}:${r.figure}`)).toEqual([
			'a:one:1 ms',
			'b:x:1 ms',
			'b:y:9 ms',
			'b:z:1 ms',
			'c:three:1 ms',
		]);
	});

	it('keeps the cause of a row that still misses, and drops it once the row passes', () => {
		const cause = 'n8n itself costs 0.5 ms per request';
		const before = file([row('b', 'm', { verdict: 'MISS', cause })]);
		const stillMissing = mergeRows(before, 'b', [
			row('b', 'm', { verdict: 'MISS', figure: '2 ms' }),
		]);
		expect(stillMissing.rows[0]).toMatchObject({ figure: '2 ms', cause });
		const passing = mergeRows(before, 'b', [row('b', 'm', { verdict: 'PASS' })]);
		expect(passing.rows[0]).not.toHaveProperty('cause');
	});

	it('names a benchmark and metric that appear twice and a MISS without a cause', () => {
		const problems = problemsOf(
			file([row('a', 'm'), row('a', 'm'), row('b', 'x', { verdict: 'MISS' })]),
		);
		expect(problems).toEqual(['two rows for "a bench | m"', 'MISS without a cause: "b bench | x"']);
	});

	it('renders one table line per row, causes and commands by row number', () => {
		const text = renderResults(
			file([
				row('a', 'first | piped', { ratio: 1.031, baseline: '2 ms' }),
				row('a', 'second', { verdict: 'MISS', cause: 'because 3 > 2' }),
				row('b', 'third'),
			]),
		);
		const lines = text.split('\n');
		expect(lines.filter((l) => l.includes('first \\| piped'))).toEqual([
			'| 1 | a bench | first \\| piped | 1 ms | 2 ms | 1.031× | t | PASS | 2026-11-30 | 1.0 |',
		]);
		expect(lines.filter((l) => l.includes('second'))).toHaveLength(1);
		expect(lines).toContain('- Row 2: because 3 > 2');
		expect(lines).toContain('- Rows 1–2: `npm run bench -- a`');
		expect(lines).toContain('- Row 3: `npm run bench -- b`');
	});

	it('rewrites only the part of BENCHMARKS.md between the markers', () => {
		const doc = `# Title\n\nIntro.\n\n${BEGIN}\nold table\n${END}\n\n## Findings\n`;
		const rewritten = renderDoc(doc, file([row('a', 'm')]));
		expect(rewritten.startsWith(`# Title\n\nIntro.\n\n${BEGIN}\n`)).toBe(true);
		expect(rewritten.endsWith(`${END}\n\n## Findings\n`)).toBe(true);
		expect(rewritten).not.toContain('old table');
		expect(renderDoc(rewritten, file([row('a', 'm')]))).toBe(rewritten);
		expect(() => renderDoc('# no markers', file([]))).toThrow(/no generated part/);
	});

	it('the committed results and BENCHMARKS.md agree, with one row per benchmark and metric', () => {
		const root = join(__dirname, '..', '..');
		const committed = JSON.parse(
			readFileSync(join(root, 'bench', 'results.json'), 'utf8'),
		) as ResultsFile;
		const doc = readFileSync(join(root, 'BENCHMARKS.md'), 'utf8');
		expect(problemsOf(committed)).toEqual([]);
		expect(renderDoc(doc, committed)).toBe(doc);
		expect(new Set(committed.rows.map(rowKey)).size).toBe(committed.rows.length);
	});
});
