/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports, no-console -- a profiling tool for the benchmarks, never shipped */
import './env';

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { Session } from 'inspector';
import type { ICredentialDataDecryptedObject } from 'n8n-workflow';
import { tmpdir } from 'os';
import { join, relative } from 'path';

import { apiCredential, runNode } from '../test/harness';
import './floor';
import { campaignCsv, parseWithLibrary } from './campaignData';
import { round } from './lib';
import { storeFile } from './measured';
import { plainUpload } from './plainUpload';
import { startSim, type SimHandle } from './sim';

/**
 * Where the node's time goes beyond n8n's floor: CPU-profiles the same work done by the node and
 * by the bare-`httpRequestWithAuthentication` floor (simulator in a child process), and prints
 * self time by place (our files by function, n8n and other packages by package), per request,
 * for both and their difference. Usage: `node .tools/bench/profile.js manyCalls|returnAll|campaign [runs]`
 * (campaign: the CSV-file campaign against its baseline, csv-parse + a plain upload).
 * returnAll: PROFILE_SIMPLIFY=false profiles Get Many with Simplify off; PROFILE_SLIDING=true compares
 * with the floor that keeps 4 pages in flight (as the node does) instead of windows of 4.
 */
interface ProfileNode {
	id: number;
	callFrame: { functionName: string; url: string; lineNumber: number };
	children?: number[];
}
interface Profile {
	nodes: ProfileNode[];
	samples: number[];
	timeDeltas: number[];
}

const post = <T>(session: Session, method: string, params?: object) =>
	new Promise<T>((resolve, reject) =>
		session.post(method, params ?? {}, (error, result) =>
			error ? reject(error) : resolve(result as T),
		),
	);

/** A short name for where a function lives: our code by file and function, packages by name. */
function place(frame: ProfileNode['callFrame']): string {
	const url = frame.url.replace(/^file:\/\//, '');
	if (!url) return frame.functionName ? `(native) ${frame.functionName}` : '(program/idle/gc)';
	const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)\/(.*)$/.exec(url);
	if (pkg) {
		const inner = pkg[2].split('/').slice(-1)[0];
		return pkg[1].startsWith('n8n') || pkg[1].startsWith('@n8n') ? `${pkg[1]} ${inner}` : pkg[1];
	}
	if (url.startsWith('node:')) return `node ${url.slice(5).split('/')[0]}`;
	return `${relative(process.cwd(), url)} ${frame.functionName || '(anonymous)'}`;
}

async function profiled(session: Session, work: () => Promise<void>): Promise<Map<string, number>> {
	await post(session, 'Profiler.start');
	await work();
	const { profile } = await post<{ profile: Profile }>(session, 'Profiler.stop');
	const byId = new Map(profile.nodes.map((n) => [n.id, n]));
	const out = new Map<string, number>();
	profile.samples.forEach((id, i) => {
		const key = place(byId.get(id)?.callFrame ?? { functionName: '', url: '', lineNumber: 0 });
		out.set(key, (out.get(key) ?? 0) + profile.timeDeltas[i] / 1000);
	});
	return out;
}

/** Batch → Create from a stored CSV file, and the campaign bench's baseline for the same file. */
async function campaignPair(
	sim: SimHandle,
	credentials: Record<string, ICredentialDataDecryptedObject>,
): Promise<{ node: () => Promise<void>; floor: () => Promise<void> }> {
	const dir = mkdtempSync(join(tmpdir(), 'formantai-profile-'));
	const path = join(dir, 'contacts.csv');
	writeFileSync(path, campaignCsv(100_000));
	process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
	const parameters = {
		resource: 'batch',
		operation: 'create',
		campaignName: 'Bench',
		agentId: 123,
		source: 'binaryFile',
		binaryPropertyName: 'data',
	};
	// A first run in filesystem mode sets n8n's store up before the file is put in it.
	await runNode({ parameters, input: [{ json: {} }], credentials, binaryMode: 'filesystem' });
	const stored = await storeFile(path, 'contacts.csv', 'text/csv');
	return {
		node: async () => {
			const r = await runNode({
				parameters,
				input: [{ json: {}, binary: { data: stored } }],
				credentials,
				binaryMode: 'filesystem',
			});
			if (r.error) throw new Error(r.error.message);
			await sim.reset();
		},
		floor: async () => {
			const bytes = readFileSync(path);
			parseWithLibrary(bytes);
			const { status } = await plainUpload(
				`${sim.url}/v1/batch-call`,
				sim.apiKey,
				{ agent_id: '123', name: 'Bench' },
				{
					field: 'file',
					fileName: 'contacts.csv',
					type: 'text/csv',
					size: bytes.length,
					body: bytes,
				},
			);
			if (status !== 200) throw new Error(`plain upload answered ${status}`);
			await sim.reset();
		},
	};
}

async function main(): Promise<void> {
	const which = process.argv[2] ?? 'manyCalls';
	const runs = Number(process.argv[3] ?? 5);
	const sim = await startSim('child');
	const credentials = { formantAiApi: apiCredential(sim.url, sim.apiKey) };
	const session = new Session();
	session.connect();
	await post(session, 'Profiler.setSamplingInterval', { interval: 100 });
	await post(session, 'Profiler.enable');
	try {
		let requests: number;
		let node: () => Promise<void>;
		let floor: () => Promise<void>;
		if (which === 'manyCalls') {
			requests = 1_000;
			const input = Array.from({ length: requests }, (_, i) => ({
				json: { phone: `+9190${String(i).padStart(8, '0')}` },
			}));
			node = async () => {
				const r = await runNode({
					parameters: {
						resource: 'call',
						operation: 'create',
						agentId: 123,
						customerPhone: '={{ $json.phone }}',
					},
					input,
					credentials,
				});
				if (r.error) throw new Error(r.error.message);
				await sim.reset();
			};
			floor = async () => {
				const r = await runNode({
					type: 'benchFloor',
					parameters: { mode: 'post', baseUrl: sim.url, phone: '={{ $json.phone }}' },
					input,
					credentials,
				});
				if (r.error) throw new Error(r.error.message);
				await sim.reset();
			};
		} else if (which === 'campaign') {
			// One upload of a 100,000-row CSV file in filesystem mode against csv-parse + plain upload.
			requests = 1;
			({ node, floor } = await campaignPair(sim, credentials));
		} else {
			requests = 100;
			await sim.seedConversations(10_000);
			node = async () => {
				const r = await runNode({
					parameters: {
						resource: 'conversation',
						operation: 'getMany',
						returnAll: true,
						simplify: process.env.PROFILE_SIMPLIFY !== 'false',
					},
					credentials,
				});
				if (r.error) throw new Error(r.error.message);
			};
			floor = async () => {
				const r = await runNode({
					type: 'benchFloor',
					parameters: {
						mode: 'pages',
						baseUrl: sim.url,
						parallel: 4,
						sliding: process.env.PROFILE_SLIDING === 'true',
					},
					credentials,
				});
				if (r.error) throw new Error(r.error.message);
			};
		}
		await node();
		await floor();
		const totals = { node: new Map<string, number>(), floor: new Map<string, number>() };
		const walls = { node: 0, floor: 0 };
		for (let i = 0; i < runs; i++) {
			for (const [name, fn] of [
				['node', node],
				['floor', floor],
			] as const) {
				// Each run starts from a collected heap, so none pays for the garbage of the one before.
				(globalThis as { gc?: () => void }).gc?.();
				const started = performance.now();
				const prof = await profiled(session, fn);
				walls[name] += performance.now() - started;
				for (const [k, v] of prof) totals[name].set(k, (totals[name].get(k) ?? 0) + v);
			}
		}
		const per = (ms: number) => round((ms / runs / requests) * 1000, 1);
		console.log(
			`${which}: ${runs} runs of ${requests} requests each; wall per request: node ${per(walls.node)} µs, floor ${per(walls.floor)} µs (${round(walls.node / walls.floor, 3)}×)`,
		);
		const keys = new Set([...totals.node.keys(), ...totals.floor.keys()]);
		const rows = [...keys]
			.map((k) => ({
				k,
				node: totals.node.get(k) ?? 0,
				floor: totals.floor.get(k) ?? 0,
			}))
			.sort((a, b) => Math.abs(b.node - b.floor) - Math.abs(a.node - a.floor));
		const sum = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0);
		console.log(
			`sampled time per request: node ${per(sum(totals.node))} µs, floor ${per(sum(totals.floor))} µs`,
		);
		console.log('self time per request (µs): node | floor | difference | place');
		for (const row of rows.slice(0, Number(process.env.PROFILE_TOP ?? 30))) {
			console.log(
				`${String(per(row.node)).padStart(8)} | ${String(per(row.floor)).padStart(8)} | ${String(per(row.node - row.floor)).padStart(8)} | ${row.k}`,
			);
		}
	} finally {
		session.disconnect();
		await sim.close();
	}
}

void main();
