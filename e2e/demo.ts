/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-hardcoded-secrets, no-console -- the local demo (npm run demo): drives a real n8n process, prints for a person and logs in with a throwaway local password; never shipped */
import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join, resolve } from 'path';

import type { IDataObject } from 'n8n-workflow';

import { start as startSimulator, startWebhookReceiver } from '../test/simulator';
import {
	createN8nHome,
	ensureN8n,
	example,
	exampleCredentials,
	importCredentials,
	importWorkflows,
	installPackage,
	loadExamples,
	packPackage,
	publishWorkflow,
	startServer,
	triggerPath,
	withParameter,
	type N8nHome,
	type N8nServer,
} from './lib';
import { ownerEnv } from './lib/owner';

/**
 * `npm run demo`: the FormantAI simulator, a real n8n with this package loaded, the examples
 * imported with a credential for the simulator, the trigger workflows published and the
 * simulator's webhook targets pointed at them. Ctrl-C stops everything and deletes the demo's
 * n8n data (a fresh temp folder each run; the n8n install itself stays cached).
 */

const OWNER_EMAIL = 'demo@formantai.test';
const OWNER_PASSWORD = 'FormantAI-demo-1';
const CRM_WEBHOOK_PATH = 'formantai-new-crm-record';

function port(name: string, fallback: number): number {
	const value = Number(process.env[name] ?? fallback);
	if (!Number.isInteger(value) || value <= 0 || value > 65535)
		throw new Error(`${name} must be a port number`);
	return value;
}

async function main(): Promise<void> {
	const started = Date.now();
	const step = (text: string): void =>
		console.log(`[demo ${((Date.now() - started) / 1000).toFixed(1)} s] ${text}`);
	const cleanups: Array<() => Promise<void> | void> = [];
	let stopping = false;
	const stop = async (code: number): Promise<void> => {
		if (stopping) return;
		stopping = true;
		console.log('\nStopping n8n and the simulator…');
		for (const cleanup of cleanups.reverse()) {
			try {
				await cleanup();
			} catch (error) {
				console.error((error as Error).message);
			}
		}
		console.log('Stopped. Nothing is left running.');
		process.exit(code);
	};
	process.on('SIGINT', () => void stop(0));
	process.on('SIGTERM', () => void stop(0));

	try {
		const n8nPort = port('DEMO_N8N_PORT', 5678);
		const simPort = port('DEMO_SIMULATOR_PORT', 4010);

		step('n8n 2.41.1 (cached after the first run; the first install takes several minutes)…');
		const install = await ensureN8n({ log: (line) => step(`install: ${line}`) });

		const sim = await startSimulator({
			port: simPort,
			realTime: true,
			// Quick enough to watch: a call "rings and talks" for 8 s, its recording is ready 3 s later.
			callDurationMs: 8_000,
			recordingDelayMs: 3_000,
			transcriptionDelayMs: 3_000,
		});
		cleanups.push(() => sim.close());
		step(`FormantAI simulator on ${sim.url}`);

		// Stands in for the CRM of example 1b: prints every write-back.
		const crm = await startWebhookReceiver();
		crm.respond((request) => {
			const body = request.body as IDataObject;
			step(
				`CRM write-back (example 1b): ${String(body?.lead_id)} → ${String(body?.call_status)}${body?.intent ? ` (${String(body.intent)})` : ''}`,
			);
			return 200;
		});
		cleanups.push(() => crm.close());

		const scratch = mkdtempSync(join(tmpdir(), 'formantai-demo-'));
		cleanups.push(() => rmSync(scratch, { recursive: true, force: true }));
		const home: N8nHome = createN8nHome(install);
		cleanups.push(() => home.dispose());

		step('packing this package and installing it into n8n…');
		await installPackage(home, await packPackage(resolve(__dirname, '..'), scratch));

		step('importing the credentials and the example workflows…');
		await importCredentials(
			home,
			exampleCredentials({
				baseUrl: sim.url,
				apiKey: sim.apiKey,
				webhookSecret: sim.webhookSecret,
			}),
		);
		const examples = loadExamples();
		const writeBack = example(examples, '1b-');
		await importWorkflows(
			home,
			examples.map(({ workflow }) =>
				workflow.id === writeBack.id
					? withParameter(workflow, 'CRM settings', (parameters) => {
							const list = (parameters.assignments as { assignments: IDataObject[] }).assignments;
							list[0].value = crm.url;
						})
					: workflow,
			),
		);
		const published = [example(examples, '1a-'), writeBack, example(examples, '4-')];
		for (const workflow of published) {
			step(`publishing "${workflow.name}"…`);
			await publishWorkflow(home, workflow.id);
		}

		step(`starting n8n on http://127.0.0.1:${n8nPort} …`);
		const server: N8nServer = await startServer(home, {
			port: n8nPort,
			webhooks: [CRM_WEBHOOK_PATH, triggerPath(writeBack), triggerPath(example(examples, '4-'))],
			// n8n creates the owner account at start (N8N_INSTANCE_OWNER_MANAGED_BY_ENV).
			env: await ownerEnv(home, {
				email: OWNER_EMAIL,
				password: OWNER_PASSWORD,
				firstName: 'Demo',
				lastName: 'User',
			}),
		});
		cleanups.push(() => server.stop());

		// FormantAI's dashboard step (agent → Webhook → Add Target), done through the simulator.
		sim.addWebhookTarget(123, {
			name: 'crm-write-back',
			url: server.webhookUrl(triggerPath(writeBack)),
		});
		sim.addWebhookTarget(123, {
			name: 'route-outcomes',
			url: server.webhookUrl(triggerPath(example(examples, '4-'))),
		});

		// Narrate what the simulator sees.
		let calls = 0;
		let deliveries = 0;
		const narrator = setInterval(() => {
			const placed = sim.callsPlaced();
			for (const call of placed.slice(calls)) {
				step(
					`simulator: call to ${call.phone} (${call.parameters.customer_name ?? 'no name'}) placed`,
				);
			}
			calls = placed.length;
			for (const delivery of sim.deliveries.slice(deliveries)) {
				if (delivery.status === undefined && delivery.error === undefined) break;
				step(
					`simulator: ${delivery.event_type} → ${delivery.target === 'crm-write-back' ? 'example 1b' : 'example 4'}: ${delivery.status ?? delivery.error}`,
				);
				deliveries += 1;
			}
		}, 500);
		cleanups.push(() => clearInterval(narrator));

		const url = server.url;
		console.log(`
────────────────────────────────────────────────────────────────────────────
 FormantAI demo is ready (${((Date.now() - started) / 1000).toFixed(0)} s). Nothing here reaches the real FormantAI.

 Open   ${url}
 Log in ${OWNER_EMAIL} / ${OWNER_PASSWORD}

 1. Open "FormantAI example 1a · Call a new CRM record" and click
    "Execute workflow" (trigger "Run with sample records" if n8n asks):
    four sample leads are called (simulated).
 2. About 10 s later each call ends: the simulator sends a signed webhook
    to the published workflows "1b · Write the call outcome back" and
    "4 · Route call outcomes". Watch this terminal, and their Executions tab.
 3. Open "3 · Transcribe call recordings" and click "Execute workflow":
    the completed calls' recordings are downloaded and transcribed.
 4. "2 · Nightly campaign from a spreadsheet" → "Execute workflow"
    starts a campaign of the sample rows (one is refused as no phone number).
 5. "5 · An AI agent that places and looks up calls" needs your own
    credential "OpenAI account" (the demo has no model); its tools dial
    only +91 numbers.
 6. "6 · Call and wait for the outcome" → "Execute workflow": one node
    places the call and waits until it ends (about 10 s), then routes
    on its outcome.

 Send a new CRM record yourself:
   curl -X POST ${server.webhookUrl(CRM_WEBHOOK_PATH)} \\
     -H 'Content-Type: application/json' \\
     -d '{"lead_id":"LEAD-42","name":"Your Name","phone":"+919800000042","amount_due":"100"}'
 The phone's last digit picks the outcome: 0-4 completed, 5 no answer,
 6 busy, 7 failed, 8 unreachable, 9 socket/telephony failure.

 Credential "FormantAI account": simulator at ${sim.url}, key ${sim.apiKey}
 Credential "FormantAI webhook secret": ${sim.webhookSecret}
 Simulator admin API: ${sim.url}/__admin/calls, /__admin/deliveries

 Ctrl-C stops n8n and the simulator and deletes this demo's n8n data.
────────────────────────────────────────────────────────────────────────────
`);
	} catch (error) {
		console.error(`demo failed: ${(error as Error).message}`);
		await stop(1);
	}
}

void main();
