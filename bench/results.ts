/**
 * The committed results of the benchmarks (`bench/results.json`) and the table of BENCHMARKS.md
 * built from them. One row per measured figure; `npm run bench -- <name>` replaces the rows of
 * that benchmark, and `npm run bench:doc` rewrites the generated part of BENCHMARKS.md.
 */
import type { Result } from './lib';

export type Verdict = 'PASS' | 'MISS' | 'info';

export interface ResultRow {
	/** Which run wrote the row: a benchmark's name in `bench/run.ts`, or the suite that measured it. */
	group: string;
	benchmark: string;
	metric: string;
	/** The measured figure with its unit (a median unless the metric says otherwise). */
	figure: string;
	/** What the figure is compared with, measured in the same run. */
	baseline?: string;
	/** figure ÷ baseline. */
	ratio?: number;
	target: string;
	verdict: Verdict;
	/** Day of the run (UTC), YYYY-MM-DD. */
	date: string;
	/** 1-minute load average when the run started (the machine has 2 vCPUs). */
	load: string;
	/** The command that produces the row. */
	command: string;
	/** Samples, counts, how it was measured. */
	note?: string;
	/** Why a MISS misses, in measured numbers. A re-run that still misses keeps it. */
	cause?: string;
}

export interface ResultsFile {
	/** How to add or update rows (JSON has no comments). */
	readme: string[];
	rows: ResultRow[];
}

export const RESULTS_README = [
	'One row per figure. `npm run bench -- <name>` replaces every row whose group is <name> and then runs `npm run bench:doc`.',
	'A figure measured elsewhere (an e2e suite, a script): add a row by hand with its own group, the command that measures it, the date and the load average, then run `npm run bench:doc`.',
	'A MISS needs a cause in measured numbers; a re-run that still misses keeps the old cause (check that it still holds).',
	'Row key: benchmark + metric. Keep it unique, so that grep finds one row.',
];

const verdictOf = (r: Result): Verdict => (r.info ? 'info' : r.pass ? 'PASS' : 'MISS');

const withUnit = (value: number, unit: string): string =>
	`${value.toLocaleString('en', { maximumFractionDigits: 3 })}${unit ? ` ${unit}` : ''}`;

export const rowKey = (row: Pick<ResultRow, 'benchmark' | 'metric'>): string =>
	`${row.benchmark} | ${row.metric}`;

/** The rows one benchmark run adds, from what its benchmark returned. */
export function rowsFromResults(
	group: string,
	results: Result[],
	run: { date: string; load: string; command: string },
): ResultRow[] {
	return results.map((r) => ({
		group,
		benchmark: r.bench,
		metric: r.metric,
		figure: withUnit(r.measured, r.unit),
		...(r.baseline === undefined ? {} : { baseline: withUnit(r.baseline, r.unit) }),
		...(r.ratio === undefined ? {} : { ratio: r.ratio }),
		target: r.target,
		verdict: verdictOf(r),
		...run,
		...(r.note ? { note: r.note } : {}),
	}));
}

/**
 * The file with one group's rows replaced by a new run's (in place of the old ones, so the table
 * keeps its order). A row that still misses keeps the cause written for it. A partial run (one
 * that measured only some of the benchmark's figures) replaces only the rows it measured.
 */
export function mergeRows(
	file: ResultsFile,
	group: string,
	fresh: ResultRow[],
	partial = false,
): ResultsFile {
	const causes = new Map(
		file.rows.filter((r) => r.group === group && r.cause).map((r) => [rowKey(r), r.cause]),
	);
	const updated = fresh.map((row) => {
		const cause = causes.get(rowKey(row));
		return row.verdict === 'MISS' && cause ? { ...row, cause } : row;
	});
	if (partial) {
		const byKey = new Map(updated.map((r) => [rowKey(r), r]));
		const rows = file.rows.map((r) => (r.group === group ? (byKey.get(rowKey(r)) ?? r) : r));
		const known = new Set(rows.map(rowKey));
		const added = updated.filter((r) => !known.has(rowKey(r)));
		const last = rows.map((r) => r.group).lastIndexOf(group);
		const at = last === -1 ? rows.length : last + 1;
		return { ...file, rows: [...rows.slice(0, at), ...added, ...rows.slice(at)] };
	}
	const first = file.rows.findIndex((r) => r.group === group);
	const others = file.rows.filter((r) => r.group !== group);
	const at =
		first === -1
			? others.length
			: file.rows.slice(0, first).filter((r) => r.group !== group).length;
	return { ...file, rows: [...others.slice(0, at), ...updated, ...others.slice(at)] };
}

/** Problems that make the table misleading: a key twice, a MISS without a cause. */
export function problemsOf(file: ResultsFile): string[] {
	const problems: string[] = [];
	const seen = new Set<string>();
	for (const row of file.rows) {
		const key = rowKey(row);
		if (seen.has(key)) problems.push(`two rows for "${key}"`);
		seen.add(key);
		if (row.verdict === 'MISS' && !row.cause) problems.push(`MISS without a cause: "${key}"`);
	}
	return problems;
}

const cell = (text: string | undefined): string =>
	(text ?? '—').replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');

const ratioText = (ratio: number | undefined): string =>
	ratio === undefined ? '—' : `${ratio.toLocaleString('en', { maximumFractionDigits: 3 })}×`;

const verdictText = (verdict: Verdict): string => (verdict === 'MISS' ? '**MISS**' : verdict);

/** Row numbers as ranges: 1–4, 9. */
function ranges(numbers: number[]): string {
	const parts: string[] = [];
	for (let i = 0; i < numbers.length; i++) {
		let j = i;
		while (j + 1 < numbers.length && numbers[j + 1] === numbers[j] + 1) j++;
		parts.push(j > i ? `${numbers[i]}–${numbers[j]}` : String(numbers[i]));
		i = j;
	}
	return parts.join(', ');
}

/**
 * The table and, below it, the cause of each MISS and the command of each row, both by row number
 * (so that a grep for a benchmark and metric finds its row once).
 */
export function renderResults(file: ResultsFile): string {
	const numbered = file.rows.map((row, i) => ({ row, n: i + 1 }));
	const commands = [...new Set(file.rows.map((r) => r.command))];
	return [
		'| # | Benchmark | Metric | Figure | Baseline | Ratio | Target | Verdict | Date | Load |',
		'|---|---|---|---|---|---|---|---|---|---|',
		...numbered.map(
			({ row: r, n }) =>
				`| ${n} | ${cell(r.benchmark)} | ${cell(r.metric)} | ${cell(r.figure)} | ${cell(r.baseline)} | ${ratioText(r.ratio)} | ${cell(r.target)} | ${verdictText(r.verdict)} | ${r.date} | ${cell(r.load)} |`,
		),
		'',
		'### Why each MISS misses',
		'',
		...numbered
			.filter(({ row }) => row.verdict === 'MISS')
			.map(({ row, n }) => `- Row ${n}: ${cell(row.cause)}`),
		'',
		'### The command behind each row',
		'',
		...commands.map((command) => {
			const numbers = numbered.filter(({ row }) => row.command === command).map(({ n }) => n);
			return `- ${numbers.length === 1 ? 'Row' : 'Rows'} ${ranges(numbers)}: \`${command}\``;
		}),
	].join('\n');
}

export const BEGIN =
	'<!-- results: generated from bench/results.json by `npm run bench:doc`; edit the JSON, not this table -->';
export const END = '<!-- end of results -->';

/** BENCHMARKS.md with its generated part rewritten; the text around it is kept as it is. */
export function renderDoc(markdown: string, file: ResultsFile): string {
	const begin = markdown.indexOf(BEGIN);
	const end = markdown.indexOf(END);
	if (begin === -1 || end < begin) {
		throw new Error(
			'BENCHMARKS.md has no generated part: put the two results markers where the table goes',
		);
	}
	return `${markdown.slice(0, begin + BEGIN.length)}\n\n${renderResults(file)}\n\n${markdown.slice(end)}`;
}
