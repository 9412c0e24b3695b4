/* eslint-disable @n8n/community-nodes/no-restricted-imports -- e2e tooling that drives a real n8n process, never shipped */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';

import type { IConnections, INode, INodeExecutionData, IRun, IWorkflowSettings } from 'n8n-workflow';

import { querySqlite } from './db';
import { randomId, type N8nHome } from './home';
import { freePort, ProcessError, run, runOk, type RunResult } from './proc';

/** Runs `n8n <args>` on a home with Node 24. Every call gets its own task-broker port. */
export async function runN8n(
	home: N8nHome,
	args: string[],
	options: { timeoutMs?: number; env?: NodeJS.ProcessEnv; check?: boolean } = {},
): Promise<RunResult> {
	const env = home.env({ N8N_RUNNERS_BROKER_PORT: String(await freePort()), ...options.env });
	const runner = options.check === false ? run : runOk;
	return await runner(home.install.node, [home.install.n8nBin, ...args], {
		cwd: home.dir,
		env,
		timeoutMs: options.timeoutMs ?? 120_000,
		label: `n8n ${args.join(' ')}`,
	});
}

export interface CredentialImport {
	/** Stable id so workflows can reference it (`credentials: { <type>: { id, name } }`); generated if absent. */
	id?: string;
	name: string;
	/** Credential type name, e.g. `formantAiApi` (n8n prefixes nothing for community credentials). */
	type: string;
	/** Plain values; `n8n import:credentials` encrypts an object `data` with the home's key. */
	data: Record<string, unknown>;
}

export interface WorkflowImport {
	/** Generated (16 chars) if absent; needed for `execute --id` and `publish:workflow --id`. */
	id?: string;
	name: string;
	nodes: INode[];
	connections: IConnections;
	settings?: IWorkflowSettings;
	[key: string]: unknown;
}

function writeSeparateFiles(items: Array<{ id: string }>): string {
	const dir = mkdtempSync(join(tmpdir(), 'formantai-n8n-import-'));
	for (const item of items) writeFileSync(join(dir, `${item.id}.json`), JSON.stringify(item, null, 2));
	return dir;
}

async function assertIdsExist(home: N8nHome, table: string, ids: string[], output: RunResult): Promise<void> {
	const rows = await querySqlite<{ id: string }>(
		home,
		`SELECT id FROM ${table} WHERE id IN (${ids.map(() => '?').join(',')})`,
		ids,
	);
	const found = new Set(rows.map((row) => row.id));
	const missing = ids.filter((id) => !found.has(id));
	if (missing.length > 0) {
		throw new ProcessError(`n8n did not store ${table} ${missing.join(', ')}`, output);
	}
}

/** Imports credentials (encrypted by n8n with the home's key). Returns their ids. */
export async function importCredentials(home: N8nHome, credentials: CredentialImport[]): Promise<string[]> {
	const items = credentials.map((credential) => ({ ...credential, id: credential.id ?? randomId() }));
	const dir = writeSeparateFiles(items);
	try {
		const output = await runN8n(home, ['import:credentials', '--separate', `--input=${dir}`]);
		await assertIdsExist(home, 'credentials_entity', items.map((item) => item.id), output);
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
	return items.map((item) => item.id);
}

/** Imports workflows (inactive; see publishWorkflow). Returns their ids. */
export async function importWorkflows(home: N8nHome, workflows: WorkflowImport[]): Promise<string[]> {
	const items = workflows.map((workflow) => ({
		settings: { executionOrder: 'v1' },
		...workflow,
		id: workflow.id ?? randomId(),
	}));
	const dir = writeSeparateFiles(items);
	try {
		const output = await runN8n(home, ['import:workflow', '--separate', `--input=${dir}`]);
		// n8n skips workflows that violate policies with only a log line and exit code 0.
		await assertIdsExist(home, 'workflow_entity', items.map((item) => item.id), output);
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
	return items.map((item) => item.id);
}

/**
 * Marks the workflow's current version as published (n8n 2.x's "active"), so `n8n start`
 * registers its production webhooks and triggers. Takes effect at the next server start.
 */
export async function publishWorkflow(home: N8nHome, workflowId: string): Promise<void> {
	const output = await runN8n(home, ['publish:workflow', `--id=${workflowId}`]);
	const rows = await querySqlite<{ activeVersionId: string | null }>(
		home,
		'SELECT activeVersionId FROM workflow_entity WHERE id = ?',
		[workflowId],
	);
	if (rows.length !== 1 || !rows[0].activeVersionId) {
		throw new ProcessError(`workflow ${workflowId} was not published`, output);
	}
}

export interface ExecuteResult {
	/** 'success' or 'error' (or another n8n execution status). */
	status: string;
	/** The full run as `n8n execute --rawOutput` prints it. */
	run: IRun;
	/** `run.data.resultData.error?.message`, for quick assertions. */
	errorMessage?: string;
	durationMs: number;
	stdout: string;
	stderr: string;
}

/**
 * n8n prints log lines first, then the run as pretty JSON (`JSON.stringify(run, null, 2)`):
 * the object is the block from the first line that is exactly `{` to the first line after it
 * that is exactly `}`. On failure it prints the run after "Execution error:" the same way.
 */
export function parseExecuteOutput(stdout: string): IRun | undefined {
	const lines = stdout.split('\n');
	const start = lines.findIndex((line) => line === '{');
	if (start < 0) return undefined;
	const end = lines.findIndex((line, index) => index > start && line === '}');
	if (end < 0) return undefined;
	try {
		return JSON.parse(lines.slice(start, end + 1).join('\n')) as IRun;
	} catch {
		return undefined;
	}
}

/**
 * Runs a stored workflow once from its manual trigger (`n8n execute --id`), headless.
 * A workflow that fails is not an exception: look at `status` / `errorMessage`.
 * Throws only when n8n printed no run (crash, unknown id) or on timeout.
 */
export async function executeWorkflow(
	home: N8nHome,
	workflowId: string,
	options: { timeoutMs?: number } = {},
): Promise<ExecuteResult> {
	const result = await runN8n(home, ['execute', `--id=${workflowId}`, '--rawOutput'], {
		timeoutMs: options.timeoutMs ?? 180_000,
		check: false,
	});
	const parsed = parseExecuteOutput(result.stdout);
	if (!parsed) throw new ProcessError(`n8n execute --id=${workflowId} printed no run`, result);
	return {
		status: parsed.status,
		run: parsed,
		errorMessage: parsed.data.resultData.error?.message,
		durationMs: result.durationMs,
		stdout: result.stdout,
		stderr: result.stderr,
	};
}

/** Items a node produced: `runData[node][runIndex].data.main[output]` (empty if none). */
export function nodeOutput(
	runOrData: IRun | IRun['data'],
	nodeName: string,
	options: { runIndex?: number; output?: number } = {},
): INodeExecutionData[] {
	const data = 'resultData' in runOrData ? runOrData : runOrData.data;
	const taskData = data.resultData.runData[nodeName]?.[options.runIndex ?? 0];
	return taskData?.data?.main?.[options.output ?? 0] ?? [];
}

export interface LoadedNodeType {
	/** e.g. `n8n-nodes-formantai.formantAi`; n8n adds `<name>Tool` for nodes with usableAsTool. */
	name: string;
	displayName: string;
	version: number | number[];
}

/**
 * Node types n8n loads on this home (built-ins and community packages), via `n8n export:nodes`:
 * the cheapest proof that a package in `.n8n/nodes/node_modules` was picked up.
 */
export async function listNodeTypes(home: N8nHome): Promise<LoadedNodeType[]> {
	const dir = mkdtempSync(join(tmpdir(), 'formantai-n8n-export-'));
	try {
		const file = join(dir, 'nodes.json');
		await runN8n(home, ['export:nodes', `--output=${file}`]);
		const types = JSON.parse(readFileSync(file, 'utf8')) as LoadedNodeType[];
		return types.map(({ name, displayName, version }) => ({ name, displayName, version }));
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
}
