/* eslint-disable @n8n/community-nodes/no-restricted-imports -- e2e tooling that drives a real n8n process, never shipped */
import { join } from 'path';

import type { IRun } from 'n8n-workflow';

import type { N8nHome } from './home';
import { runOk } from './proc';

/**
 * Runs under Node 24 with the harness's own sqlite3 (built for it) and flatted (n8n's format for
 * execution data), so the Node 20 test process needs neither a native module nor a new dependency.
 * Read-only: safe while a server is writing (n8n uses WAL mode).
 */
const QUERY_SCRIPT = `
const sqlite3 = require('sqlite3');
const flatted = require('flatted');
const [dbPath, sql, paramsJson, flattedColumns] = process.argv.slice(1);
const db = new sqlite3.Database(dbPath, sqlite3.OPEN_READONLY, (openError) => {
	if (openError) { console.error(openError.message); process.exit(2); }
	db.all(sql, JSON.parse(paramsJson), (error, rows) => {
		if (error) { console.error(error.message); process.exit(3); }
		const unflatten = new Set(flattedColumns ? flattedColumns.split(',') : []);
		for (const row of rows) {
			for (const column of unflatten) {
				if (typeof row[column] === 'string') row[column] = flatted.parse(row[column]);
			}
		}
		const seen = new WeakSet();
		process.stdout.write(JSON.stringify(rows, (key, value) => {
			if (typeof value === 'object' && value !== null) {
				if (seen.has(value)) return '[Circular]';
				seen.add(value);
			}
			return value;
		}), () => db.close());
	});
});
`;

export function databasePath(home: N8nHome): string {
	return join(home.dir, '.n8n', 'database.sqlite');
}

/** Runs a read-only SQL query on the home's n8n database. Columns in `flattedColumns` are decoded. */
export async function querySqlite<T = Record<string, unknown>>(
	home: N8nHome,
	sql: string,
	params: Array<string | number | null> = [],
	flattedColumns: string[] = [],
): Promise<T[]> {
	const result = await runOk(
		home.install.node,
		['-e', QUERY_SCRIPT, databasePath(home), sql, JSON.stringify(params), flattedColumns.join(',')],
		{ cwd: home.install.dir, env: home.env(), timeoutMs: 60_000, label: `sqlite query: ${sql}` },
	);
	return JSON.parse(result.stdout) as T[];
}

export interface ExecutionRecord {
	id: string;
	workflowId: string;
	/** 'success' | 'error' | 'crashed' | 'canceled' | 'running' | 'new' | 'waiting' */
	status: string;
	/** 'cli' for `n8n execute`, 'webhook' for production webhooks, 'trigger', 'manual', … */
	mode: string;
	finished: boolean;
	startedAt: string | null;
	stoppedAt: string | null;
	/** The run data (same shape as `IRun['data']`), only with `includeData`. */
	data?: IRun['data'];
}

interface ExecutionRow {
	id: number;
	workflowId: string;
	status: string;
	mode: string;
	finished: number;
	startedAt: string | null;
	stoppedAt: string | null;
	data?: IRun['data'];
}

/** sqlite stores 'YYYY-MM-DD HH:MM:SS.sss' in UTC. */
function isoDate(value: string | null): string | null {
	return value === null ? null : `${value.replace(' ', 'T')}Z`;
}

/** Executions stored in the home's database, oldest first. */
export async function listExecutions(
	home: N8nHome,
	options: { workflowId?: string; includeData?: boolean } = {},
): Promise<ExecutionRecord[]> {
	const columns = 'e.id, e.workflowId, e.status, e.mode, e.finished, e.startedAt, e.stoppedAt';
	const from = options.includeData
		? 'execution_entity e LEFT JOIN execution_data d ON d.executionId = e.id'
		: 'execution_entity e';
	const where = options.workflowId === undefined ? '' : 'WHERE e.workflowId = ?';
	const rows = await querySqlite<ExecutionRow>(
		home,
		`SELECT ${columns}${options.includeData ? ', d.data' : ''} FROM ${from} ${where} ORDER BY e.id`,
		options.workflowId === undefined ? [] : [options.workflowId],
		options.includeData ? ['data'] : [],
	);
	return rows.map((row) => ({
		id: String(row.id),
		workflowId: row.workflowId,
		status: row.status,
		mode: row.mode,
		finished: row.finished === 1,
		startedAt: isoDate(row.startedAt),
		stoppedAt: isoDate(row.stoppedAt),
		...(options.includeData ? { data: row.data } : {}),
	}));
}
