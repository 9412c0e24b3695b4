/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports, no-console -- a maintainer's script that reads and writes repository files, never shipped */
import { readFileSync, writeFileSync } from 'fs';
import { join } from 'path';

import { problemsOf, renderDoc, RESULTS_README, type ResultsFile } from './results';

export const RESULTS_PATH = join(process.cwd(), 'bench', 'results.json');
export const DOC_PATH = join(process.cwd(), 'BENCHMARKS.md');

export function readResults(path = RESULTS_PATH): ResultsFile {
	return JSON.parse(readFileSync(path, 'utf8')) as ResultsFile;
}

export function writeResults(file: ResultsFile, path = RESULTS_PATH): void {
	writeFileSync(path, `${JSON.stringify({ ...file, readme: RESULTS_README }, null, '\t')}\n`);
}

/** Rewrites the table of BENCHMARKS.md from the results file; returns what needs a maintainer. */
export function updateDoc(file: ResultsFile, path = DOC_PATH): string[] {
	writeFileSync(path, renderDoc(readFileSync(path, 'utf8'), file));
	return problemsOf(file);
}

if (require.main === module) {
	const file = readResults();
	writeResults(file); // the same rows, written in the file's one format
	const problems = updateDoc(file);
	console.log(`${DOC_PATH} rewritten from ${RESULTS_PATH}`);
	for (const problem of problems) console.log(`  check: ${problem}`);
	process.exit(problems.length ? 1 : 0);
}
