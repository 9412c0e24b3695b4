/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-hardcoded-secrets, no-console -- e2e tooling that drives n8n's editor in a local browser with a throwaway password, never shipped; prints its measurements */
import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join, resolve } from 'path';

import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';
import type { Page } from 'playwright-core';

import { FormantAi } from '../nodes/FormantAi/FormantAi.node';
import { FormantAiTrigger } from '../nodes/FormantAiTrigger/FormantAiTrigger.node';
import { start as startSimulator, webhookSignature, type Simulator } from '../test/simulator';
import {
	createN8nHome,
	EXAMPLE_CREDENTIALS,
	ensureN8n,
	example,
	exampleCredentials,
	http,
	importCredentials,
	importWorkflows,
	installPackage,
	loadExamples,
	packPackage,
	startServer,
	type Example,
	type N8nHome,
	type N8nServer,
} from './lib';
import {
	addFromNodesPanel,
	closeNdv,
	fillParameter,
	launchEditorBrowser,
	locatorModes,
	newWorkflow,
	nodeCreatorEntry,
	openLocatorList,
	PAGE_LOAD_TIMEOUT_MS,
	panelSnapshot,
	parameterValue,
	pickFromLocatorList,
	screenshotDir,
	searchNodes,
	selectCredential,
	selectParameterOption,
	setLocatorById,
	signIn,
	waitForValue,
	type EditorBrowser,
	type PanelField,
} from './lib/browser';
import { ownerEnv } from './lib/owner';
import { defaultAsShown, operationsOf, sampleValue, visibleProperties } from './lib/parameters';

/**
 * Our nodes as a user meets them: n8n 2.41.1's editor in headless Chromium, against our packed
 * package and the FormantAI simulator. Hermetic: the browser may reach loopback only.
 * Writes screenshots to screenshotDir() (the README's pictures are copies of them).
 */

const OWNER = { email: 'editor@formantai.test', password: 'FormantAI-editor-1' };
/** The one outside address the editor is known to try: our package's page on the npm registry. */
const KNOWN_OUTSIDE = [/^https:\/\/registry\.npmjs\.org\/n8n-nodes-formantai$/];
const SEARCH_WORDS = ['voice', 'phone', 'call', 'campaign', 'transcribe', 'recording'];
const SEEDED_CONVERSATIONS = 230; // more than two pages of 100

const action = new FormantAi().description;
const trigger = new FormantAiTrigger().description;

const timings: Record<string, number> = {};
/** The open page, for a screenshot when a step fails. */
let failurePage: (() => Page | undefined) | undefined;
async function step<T>(label: string, work: () => Promise<T>): Promise<T> {
	const started = Date.now();
	const screenshotOnFailure = async (error: unknown): Promise<T> => {
		const file = join(screenshotDir(), `failed-${label.replace(/[^\w-]+/g, '-')}.png`);
		await failurePage?.()
			?.screenshot({ path: file })
			.then(() => console.log(`[e2e editor] ${label} failed; screenshot ${file}`))
			.catch(() => undefined);
		return await Promise.reject(error);
	};
	try {
		return await work().catch(screenshotOnFailure);
	} finally {
		timings[label] = Date.now() - started;
	}
}

/** Notices may hold HTML; n8n renders their text. */
const plain = (html: string): string =>
	html
		.replace(/<[^>]+>/g, '')
		.replace(/\s+/g, ' ')
		.trim();

/** The action's label in the nodes panel, as n8n builds it from the operation. */
function actionLabel(resource: string, operation: string): string {
	const op = action.properties
		.filter((p) => p.name === 'operation' && p.displayOptions?.show?.resource?.includes(resource))
		.flatMap((p) => p.options as INodePropertyOptions[])
		.find((o) => o.value === operation);
	if (!op?.action) throw new Error(`${resource}/${operation}: no action label`);
	return op.action;
}

describe('n8n 2.41.1 editor in headless Chromium', () => {
	const suiteStarted = Date.now();
	let home: N8nHome;
	let sim: Simulator;
	let server: N8nServer | undefined;
	let ui: EditorBrowser | undefined;
	let scratch: string;
	let examples: Example[];
	const shots = screenshotDir();
	const page = () => ui!.page;
	const ndv = () => page().getByTestId('ndv');
	const output = () => ndv().getByTestId('output-panel');
	failurePage = () => ui?.page;

	beforeAll(async () => {
		const install = await ensureN8n({ log: (line) => console.log(`[e2e install] ${line}`) });
		home = createN8nHome(install);
		scratch = mkdtempSync(join(tmpdir(), 'formantai-e2e-editor-'));
		// Virtual clock and 10-minute calls: a call ends only when a test ends it, so no delivery
		// comes unasked.
		sim = await startSimulator({ callDurationMs: 600_000 });
		sim.seedConversations(SEEDED_CONVERSATIONS, { status: 'completed' });
		examples = loadExamples();
		await step('pack, install, import', async () => {
			await installPackage(home, await packPackage(resolve(__dirname, '..'), scratch));
			await importCredentials(
				home,
				exampleCredentials({
					baseUrl: sim.url,
					apiKey: sim.apiKey,
					webhookSecret: sim.webhookSecret,
				}),
			);
			await importWorkflows(
				home,
				examples.map(({ workflow }) => workflow),
			);
		});
		server = await step('n8n start', async () =>
			startServer(home, { env: await ownerEnv(home, OWNER) }),
		);
		ui = await step('launch Chromium', () =>
			launchEditorBrowser((line) => console.log(`[e2e] ${line}`)),
		);
		await step('sign in', () => signIn(page(), server!.url, OWNER.email, OWNER.password));
	});

	afterAll(async () => {
		await ui?.close();
		await server?.stop();
		await sim?.close();
		home?.dispose();
		if (scratch) rmSync(scratch, { recursive: true, force: true });
		timings['whole suite'] = Date.now() - suiteStarted;
		console.log(
			`[e2e editor] screenshots in ${shots}\n${Object.entries(timings)
				.map(([label, ms]) => `  ${label}: ${(ms / 1000).toFixed(1)} s`)
				.join('\n')}`,
		);
	});

	it('shows an example workflow on the canvas', async () => {
		const workflow = example(examples, '1a-');
		await step('open example 1a', async () => {
			await page().goto(`${server!.url}/workflow/${workflow.id}`);
			for (const node of workflow.nodes.filter((n) => !n.type.endsWith('.stickyNote'))) {
				await page()
					.locator(`[data-test-id="canvas-node"][data-node-name="${node.name}"]`)
					.waitFor({ timeout: PAGE_LOAD_TIMEOUT_MS });
			}
		});
		// Our icon is an image that loaded (not a placeholder).
		const icon = page()
			.locator('[data-test-id="canvas-node"][data-node-name="Call the lead"] img')
			.first();
		await icon.waitFor();
		expect(await icon.evaluate((img) => (img as HTMLImageElement).naturalWidth)).toBeGreaterThan(0);
		await page().screenshot({ path: join(shots, 'canvas-example.png') });
	});

	it('shows example 7: the approval gate between the AI Agent and Place a call', async () => {
		const workflow = example(examples, '7-');
		await step('open example 7', async () => {
			await page().goto(`${server!.url}/workflow/${workflow.id}`);
			for (const node of workflow.nodes.filter((n) => !n.type.endsWith('.stickyNote'))) {
				await page()
					.locator(`[data-test-id="canvas-node"][data-node-name="${node.name}"]`)
					.waitFor({ timeout: PAGE_LOAD_TIMEOUT_MS });
			}
		});
		// n8n draws the gate as a tool of the agent with Place a call as its own tool.
		const gate = page().locator(
			'[data-test-id="canvas-node"][data-node-name="Ask a person to approve"]',
		);
		await expect(gate.isVisible()).resolves.toBe(true);
		await page().screenshot({ path: join(shots, 'approval-gate.png') });
	});

	it('nodes panel: finds FormantAI by name and by the words users type, with the icon, every event and every action', async () => {
		await newWorkflow(page(), server!.url);
		await step('nodes panel search', async () => {
			for (const word of ['FormantAI', ...SEARCH_WORDS]) {
				// From the empty search (categories, no FormantAI entry) so a stale list never counts.
				if (await page().getByTestId('node-creator').isVisible()) {
					await page().getByTestId('node-creator-search-bar').fill('');
					await nodeCreatorEntry(page(), 'FormantAI').waitFor({ state: 'hidden' });
				}
				await searchNodes(page(), word, 'FormantAI');
			}
		});
		const entry = await searchNodes(page(), 'FormantAI', 'FormantAI');
		// One merged entry for both nodes, with our icon loaded.
		expect(await nodeCreatorEntry(page(), 'FormantAI').count()).toBe(1);
		expect(await nodeCreatorEntry(page(), 'FormantAI Trigger').count()).toBe(0);
		expect(
			await entry
				.locator('img')
				.first()
				.evaluate((img) => (img as HTMLImageElement).naturalWidth),
		).toBeGreaterThan(0);
		// n8n shows the trigger's description on the merged entry, also when adding an action.
		const description = await entry.getByTestId('node-creator-item-description').innerText();
		expect(description).toBe(trigger.description);
		expect(description).toMatch(/^Place AI voice calls/);

		await entry.click();
		const events = (trigger.properties.find((p) => p.name === 'events')?.options ?? []).length;
		const actions = operationsOf(action).length;
		const categories = page().getByTestId('node-creator-category-item');
		await categories.filter({ hasText: `Triggers (${events})` }).waitFor();
		await categories.filter({ hasText: `Actions (${actions})` }).waitFor();
		expect(events).toBe(7);
		expect(actions).toBeGreaterThanOrEqual(10);
		await page().keyboard.press('Escape');
		await page().getByTestId('node-creator').waitFor({ state: 'hidden' });
	});

	it('parameter panel: every resource and operation shows the fields and defaults the description declares, and no issue once the required ones are filled', async () => {
		// On the nodes panel test's empty canvas.
		const simpleTypes = ['string', 'number', 'options', 'boolean', 'dateTime', 'multiOptions'];
		// Version 2's ID fields (Agent, Conversation, Batch): n8n's resource locator.
		const inputTypes = [...simpleTypes, 'resourceLocator'];
		for (const op of operationsOf(action)) {
			await step(`panel ${op.resource}/${op.operation}`, async () => {
				const where = `${op.resourceName} → ${op.operationName}`;
				await addFromNodesPanel(page(), 'FormantAI', actionLabel(op.resource, op.operation));
				await waitForValue(
					`${where}: operation`,
					() => parameterValue(page(), 'operation'),
					op.operationName,
				);
				expect(await parameterValue(page(), 'resource')).toBe(op.resourceName);

				const expected = visibleProperties(action, {
					resource: op.resource,
					operation: op.operation,
				});
				const shown = await panelSnapshot(page());
				const inputs = shown.filter((f) => f.kind === 'input');

				// Exactly the declared simple fields, each with its label and default.
				expect({ where, inputs: inputs.map((f) => f.name).sort() }).toEqual({
					where,
					inputs: expected
						.filter((p) => inputTypes.includes(p.type))
						.map((p) => p.name)
						.sort(),
				});
				// Resource and operation were checked above (their values are this operation's).
				const fields = expected.filter(
					(p) => inputTypes.includes(p.type) && p.name !== 'resource' && p.name !== 'operation',
				);
				for (const property of fields) {
					const field = inputs.find((f) => f.name === property.name) as PanelField;
					const context = { where, field: property.name };
					expect({ ...context, label: field.label.replace(/\s*\*$/, '') }).toEqual({
						...context,
						label: property.displayName,
					});
					if (property.type === 'resourceLocator') {
						// A new node's locator starts in its list mode (n8n labels it "From list").
						expect({ ...context, mode: field.value }).toEqual({ ...context, mode: 'From list' });
					} else if (property.type === 'boolean') {
						expect({ ...context, on: field.checked }).toEqual({ ...context, on: property.default });
					} else if (property.type === 'multiOptions') {
						for (const value of property.default as string[]) {
							const name = (property.options as INodePropertyOptions[]).find(
								(o) => o.value === value,
							)?.name;
							expect({ ...context, text: field.text }).toEqual({
								...context,
								text: expect.stringContaining(String(name)),
							});
						}
					} else {
						expect({ ...context, value: field.value }).toEqual({
							...context,
							value: defaultAsShown(property),
						});
					}
				}
				// Collections, fixed collections and notices, by their labels and texts.
				const labels = (kind: PanelField['kind']) => shown.filter((f) => f.kind === kind);
				const byType = (type: INodeProperties['type']) => expected.filter((p) => p.type === type);
				expect({ where, collections: labels('collection').map((f) => f.name) }).toEqual({
					where,
					collections: byType('collection').map((p) => p.displayName),
				});
				expect({ where, fixed: labels('fixedCollection').map((f) => f.name) }).toEqual({
					where,
					fixed: byType('fixedCollection').map((p) => p.name),
				});
				expect({ where, notices: labels('notice').map((f) => f.text) }).toEqual({
					where,
					notices: byType('notice').map((p) =>
						expect.stringContaining(plain(p.displayName).slice(0, 60)),
					),
				});

				// An emptied required field shows n8n's issue mark (so its absence below means something)…
				const required = expected.filter(
					(p) => p.required && ['string', 'number', 'dateTime'].includes(p.type),
				);
				const empty = required.find((p) => p.type === 'string' && p.default === '');
				if (empty) {
					await fillParameter(page(), empty.name, 'x');
					await fillParameter(page(), empty.name, '');
					await waitForValue(
						`${where}: issue mark on an empty ${empty.name}`,
						async () =>
							(await panelSnapshot(page())).some((f) => f.name === empty.name && f.hasIssue),
						true,
					);
				}
				// …and once every required field holds a value, no field shows one.
				for (const property of required)
					await fillParameter(page(), property.name, sampleValue(property));
				for (const property of expected.filter((p) => p.required && p.type === 'resourceLocator')) {
					await setLocatorById(
						page(),
						property.name,
						property.name === 'conversationId' ? 'e36853de-9cbb-441e-ad75-d3c8ac82abfb_1' : '123',
					);
				}
				await ndv().getByTestId('parameter-issues').first().waitFor({ state: 'hidden' });
				expect({
					where,
					issues: (await panelSnapshot(page())).filter((f) => f.hasIssue).map((f) => f.name),
				}).toEqual({
					where,
					issues: [],
				});
			});
		}
		await closeNdv(page());
	});

	it('Make a call: the credential picked by id, Execute step shows the call, and the simulator placed exactly that call', async () => {
		const phone = '+919845077001';
		await newWorkflow(page(), server!.url);
		await addFromNodesPanel(page(), 'FormantAI', actionLabel('call', 'create'));
		await selectCredential(page(), EXAMPLE_CREDENTIALS.api.id);
		// A new node is version 2: the Agent is picked from the agents of recent conversations.
		expect(await locatorModes(page(), 'agentId')).toEqual(['From list', 'By ID']);
		const agents = await step('Make a call: Agent from recent conversations', () =>
			pickFromLocatorList(page(), 'agentId', /Agent 123/),
		);
		expect(agents).toEqual([expect.stringMatching(/^Agent 123/)]);
		await fillParameter(page(), 'customerPhone', phone);
		await step('Make a call: Execute step', async () => {
			await ndv().getByTestId('node-execute-button').click();
			await output().getByText('initiated').first().waitFor();
		});
		expect(await output().getByTestId('ndv-items-count').innerText()).toMatch(/^1 item/);
		const placed = sim.callsPlaced();
		expect(placed).toHaveLength(1);
		expect(placed[0]).toMatchObject({ agent_id: 123, phone, source: 'immediate' });
		expect(await output().innerText()).toContain(phone);
		// The README's picture: the call in the output, and the Agent list open as a user picks from it.
		await step('Make a call: Agent list open for the screenshot', async () => {
			const entries = await openLocatorList(page(), 'agentId');
			await entries
				.filter({ hasText: /Agent 123/ })
				.first()
				.waitFor();
			// The list asks for its next page as it opens; the picture waits for the loading rows
			// (2.41.1's CSS-module class, no test id) to go.
			await page().locator('[class*="_loadingItem_"]').first().waitFor({ state: 'hidden' });
		});
		await page().screenshot({ path: join(shots, 'make-a-call.png') });
		await page().keyboard.press('Escape');
		await closeNdv(page());
	});

	it('Download Recording shows the file as binary output; Get Many with Return All shows every conversation', async () => {
		const [conversation] = [...sim.state.conversations.values()].filter(
			(c) => c.status === 'completed',
		);
		await newWorkflow(page(), server!.url);
		await addFromNodesPanel(page(), 'FormantAI', actionLabel('conversation', 'downloadRecording'));
		await selectCredential(page(), EXAMPLE_CREDENTIALS.api.id);
		// Picked from the list by a search for its phone (n8n asks our list search as one types).
		const escaped = conversation.contact_number.replace('+', '\\+');
		const entries = await step('Download Recording: Conversation searched by phone', () =>
			pickFromLocatorList(
				page(),
				'conversationId',
				new RegExp(`^${escaped} · completed`),
				conversation.contact_number,
			),
		);
		expect(entries).toEqual([expect.stringMatching(new RegExp(`^${escaped} · completed · `))]);
		await step('Download Recording: Execute step', async () => {
			await ndv().getByTestId('node-execute-button').click();
			await output().getByTestId('ndv-binary-data_0').waitFor();
		});
		const binary = await output().getByTestId('ndv-binary-data_0').innerText();
		expect(binary).toContain(`${conversation.conversation_id}.wav`);
		expect(binary).toContain('audio/wav');

		await addFromNodesPanel(page(), 'FormantAI', actionLabel('conversation', 'getMany'));
		await selectCredential(page(), EXAMPLE_CREDENTIALS.api.id);
		await ndv()
			.getByTestId('parameter-input-returnAll')
			.locator('.el-switch, [role="switch"]')
			.first()
			.click();
		await ndv().getByTestId('parameter-input-limit').waitFor({ state: 'hidden' });
		const total = sim.state.conversations.size;
		expect(total).toBeGreaterThan(SEEDED_CONVERSATIONS);
		await step('Get Many (Return All): Execute step', async () => {
			await ndv().getByTestId('node-execute-button').click();
			await output().getByTestId('ndv-items-count').getByText(`${total} items`).waitFor();
		});
		await closeNdv(page());
	});

	it('credential dialog: a Custom URL at the simulator tests OK, a wrong key shows our message', async () => {
		await addFromNodesPanel(page(), 'FormantAI', actionLabel('conversation', 'get'));
		await ndv().getByTestId('node-credentials-select').first().click();
		await page().getByTestId('node-credentials-select-item-new').click();
		const modal = page().getByTestId('editCredential-modal');
		const field = (name: string) =>
			modal.getByTestId(`parameter-input-${name}`).locator('input').first();
		await field('apiKey').fill('fa_wrong_key');
		await modal.getByTestId('parameter-input-region').click();
		await page()
			.getByRole('option', { name: /^Custom/ })
			.filter({ visible: true })
			.first()
			.click();
		await field('baseUrl').fill(sim.url);
		const tested = async (): Promise<unknown> => {
			const answer = page().waitForResponse((r) => r.url().endsWith('/rest/credentials/test'));
			await modal.getByTestId('credential-save-button').click();
			return ((await (await answer).json()) as { data: unknown }).data;
		};

		const rejected = await step('credential test, wrong key', tested);
		expect(rejected).toEqual({
			status: 'Error',
			message: expect.stringContaining('The API key was rejected'),
		});
		await modal.getByText(/connect with these settings/).waitFor();
		await modal.getByText('More details').click();
		await modal.getByText(/The API key was rejected: check it in FormantAI's dashboard/).waitFor();

		await field('apiKey').fill(sim.apiKey);
		const accepted = await step('credential test, right key', tested);
		expect(accepted).toEqual({ status: 'OK', message: expect.any(String) });
		// Opened from the node's panel, the dialog closes itself once the test passes.
		await modal.waitFor({ state: 'hidden' });
		await ndv().getByTestId('credential-edit-button').first().click();
		await modal
			.getByTestId('credentials-config-container-test-success')
			.getByText('Connection tested successfully')
			.waitFor();
		await modal.locator('.el-dialog__close').first().click();
		await modal.waitFor({ state: 'hidden' });
		await closeNdv(page());
	});

	it('trigger: the notice follows Authentication; Listen for test event takes a signed delivery and refuses a forged one with 401', async () => {
		await newWorkflow(page(), server!.url);
		await addFromNodesPanel(page(), 'FormantAI', 'On call completed');
		const notices = async () =>
			(await panelSnapshot(page())).filter((f) => f.kind === 'notice').map((f) => f.text);
		const unsigned = plain(
			String(
				trigger.properties.find((p) => p.name === 'unsignedNotice')?.displayName ??
					'no unsignedNotice',
			),
		);

		// Signature (the default) with the secret credential: the credential is there and no notice.
		expect(await parameterValue(page(), 'authentication')).toBe('Signature (Webhook Secret)');
		await selectCredential(page(), EXAMPLE_CREDENTIALS.webhook.id);
		expect(await notices()).toEqual([]);
		expect(await ndv().innerText()).not.toMatch(
			/without a FormantAI Webhook Secret|no webhook secret/i,
		);
		// None: the warning, and no secret credential to pick.
		await selectParameterOption(page(), 'authentication', 'None (Accept Unsigned Deliveries)');
		await waitForValue('unsigned notice', notices, [unsigned]);
		expect(await ndv().getByTestId('node-credentials-select').count()).toBe(0);
		// Back to Signature: the credential comes back, the notice goes.
		await selectParameterOption(page(), 'authentication', 'Signature (Webhook Secret)');
		await selectCredential(page(), EXAMPLE_CREDENTIALS.webhook.id);
		await waitForValue('no notice', notices, []);

		await ndv().getByText('Webhook URLs').click();
		const testUrl = (
			await ndv()
				.getByText(/\/webhook-test\//)
				.first()
				.innerText()
		).trim();
		expect(testUrl).toMatch(new RegExp(`^${server!.url}/webhook-test/[0-9a-f-]{36}/webhook$`));

		await ndv().getByTestId('trigger-execute-button').click();
		await ndv().getByTestId('trigger-listening').waitFor();

		// A forged delivery: 401, and the editor keeps listening.
		const forgedBody = JSON.stringify({ event_type: 'call.completed', event_id: 'forged-1' });
		const forged = await http(testUrl, 'POST', forgedBody, {
			'content-type': 'application/json',
			'X-FormantAI-Signature': webhookSignature(forgedBody, 'not-the-secret'),
		});
		expect(forged.status).toBe(401);
		expect(await ndv().getByTestId('trigger-listening').isVisible()).toBe(true);

		// A real one: FormantAI (the simulator) ends a call and delivers the signed event.
		sim.addWebhookTarget(123, {
			name: 'editor-test-url',
			url: testUrl,
			events: ['call.completed'],
			includeTranscript: true,
		});
		const placed = await http(
			`${sim.url}/v1/call`,
			'POST',
			{ agent_id: 123, parameters: [{ name: 'customer_phone', value: '+919845077002' }] },
			{ Authorization: `Bearer ${sim.apiKey}` },
		);
		expect(placed.status).toBe(200);
		const call = sim.callsPlaced().find((c) => c.phone === '+919845077002');
		await step('trigger: signed delivery → output', async () => {
			await sim.clock.advance(47_000); // the conversation lasts 47 s (virtual time)
			await sim.endCall(call!.conversation_id, 'completed');
			await output().getByText(call!.conversation_id).first().waitFor();
		});
		const delivered = sim.deliveries.filter((d) => d.target === 'editor-test-url');
		expect(delivered.map((d) => [d.event_type, d.status])).toEqual([['call.completed', 200]]);
		await page().screenshot({ path: join(shots, 'trigger-event.png') });
		await closeNdv(page());
	});

	it('is hermetic: the browser tried no outside address but the known ones, and all were blocked', () => {
		const unknown = ui!.blocked.filter((url) => !KNOWN_OUTSIDE.some((known) => known.test(url)));
		expect(unknown).toEqual([]);
		console.log(`[e2e editor] blocked outside requests: ${JSON.stringify(ui!.blocked)}`);
	});
});
