/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- e2e tooling that drives a real browser against a local n8n, never shipped */
import { mkdirSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';

import {
	chromium,
	selectors,
	type Browser,
	type BrowserContext,
	type Locator,
	type Page,
} from 'playwright-core';

import { DEBIAN_PACKAGES, ensureDebianPackages } from './system';

/**
 * Headless Chromium (Debian's, never a downloaded one) driving n8n's editor, hermetic: every
 * request that leaves loopback is aborted and recorded, so a suite can assert what was tried.
 * Selectors are n8n 2.41.1's `data-test-id` attributes (see the browser suite's notes).
 */

/** n8n's own E2E viewport. */
export const VIEWPORT = { width: 1536, height: 960 };
/** Per-step limit: generous for a busy 2-core CI machine; never a fixed sleep. */
export const STEP_TIMEOUT_MS = 30_000;
/** A page load of the editor (~40 MB of JS): 5–9 s on a quiet machine, 30 s+ under heavy load. */
export const PAGE_LOAD_TIMEOUT_MS = 120_000;

export interface EditorBrowser {
	browser: Browser;
	context: BrowserContext;
	page: Page;
	/** Every non-loopback URL the page tried to load (all were aborted). */
	blocked: string[];
	close(): Promise<void>;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

export async function launchEditorBrowser(
	log: (line: string) => void = () => undefined,
): Promise<EditorBrowser> {
	await ensureDebianPackages(['chromium'], log);
	// n8n marks its elements with data-test-id (not Playwright's default data-testid).
	selectors.setTestIdAttribute('data-test-id');
	// The binary itself, not the /usr/bin wrapper (it adds Debian's flags and a shell quirk).
	const browser = await chromium.launch({
		executablePath: DEBIAN_PACKAGES.chromium,
		headless: true,
	});
	const context = await browser.newContext({
		viewport: VIEWPORT,
		locale: 'en-US',
		timezoneId: 'UTC',
	});
	context.setDefaultTimeout(STEP_TIMEOUT_MS);
	context.setDefaultNavigationTimeout(PAGE_LOAD_TIMEOUT_MS);
	const blocked: string[] = [];
	await context.route('**/*', async (route) => {
		const url = new URL(route.request().url());
		if (url.protocol === 'data:' || url.protocol === 'blob:' || LOOPBACK.has(url.hostname)) {
			await route.continue();
			return;
		}
		blocked.push(url.href);
		await route.abort('blockedbyclient');
	});
	const page = await context.newPage();
	return {
		browser,
		context,
		page,
		blocked,
		close: async () => {
			await context.close().catch(() => undefined);
			await browser.close();
		},
	};
}

/** Where a run's screenshots go (`FORMANTAI_E2E_SCREENSHOTS` or a folder in the OS temp dir). */
export function screenshotDir(): string {
	const dir = process.env.FORMANTAI_E2E_SCREENSHOTS ?? join(tmpdir(), 'formantai-e2e-screenshots');
	mkdirSync(dir, { recursive: true });
	return dir;
}

/** Signs in through the form; with the owner set from env n8n then lands on the workflow list. */
export async function signIn(
	page: Page,
	baseUrl: string,
	email: string,
	password: string,
): Promise<void> {
	await page.goto(`${baseUrl}/signin`);
	await page.getByTestId('emailOrLdapLoginId').waitFor({ timeout: PAGE_LOAD_TIMEOUT_MS });
	await page.getByTestId('emailOrLdapLoginId').locator('input').fill(email);
	await page.getByTestId('password').locator('input').fill(password);
	await page.getByTestId('form-submit-button').click();
	await page.waitForURL(/\/home\/workflows/, { timeout: PAGE_LOAD_TIMEOUT_MS });
}

/** A new, empty workflow on the canvas. */
export async function newWorkflow(page: Page, baseUrl: string): Promise<void> {
	await page.goto(`${baseUrl}/workflow/new`);
	await page.getByTestId('canvas-plus-button').waitFor({ timeout: PAGE_LOAD_TIMEOUT_MS });
}

/** The nodes panel, searched for `text`; resolves once the entry named `expectName` is listed. */
export async function searchNodes(page: Page, text: string, expectName: string): Promise<Locator> {
	if (!(await page.getByTestId('node-creator').isVisible())) {
		await page.getByTestId('node-creator-plus-button').click();
	}
	const search = page.getByTestId('node-creator-search-bar');
	await search.fill(text);
	// Search is debounced: the previous list stays until it settles, so wait for this entry.
	const entry = nodeCreatorEntry(page, expectName);
	await entry.waitFor();
	return entry;
}

/** An entry of the nodes panel by its exact name. */
export function nodeCreatorEntry(page: Page, name: string): Locator {
	return page
		.getByTestId('item-iterator-item')
		.filter({ has: page.getByTestId('node-creator-item-name').getByText(name, { exact: true }) });
}

/** Waits until `read()` returns `expected` (the editor updates asynchronously). */
export async function waitForValue<T>(
	what: string,
	read: () => Promise<T>,
	expected: T,
	timeoutMs = STEP_TIMEOUT_MS,
): Promise<void> {
	const until = Date.now() + timeoutMs;
	let last: T | undefined;
	while (Date.now() < until) {
		last = await read();
		if (JSON.stringify(last) === JSON.stringify(expected)) return;
		await new Promise((resolve) => setTimeout(resolve, 100));
	}
	throw new Error(`${what}: expected ${JSON.stringify(expected)}, still ${JSON.stringify(last)}`);
}

/** The text shown in a parameter's input (its option name for dropdowns). */
export async function parameterValue(page: Page, parameter: string): Promise<string> {
	return await page
		.getByTestId('ndv')
		.getByTestId(`parameter-input-${parameter}`)
		.locator('input, textarea')
		.first()
		.inputValue();
}

/** Picks an option of a parameter's dropdown by its name (option names include descriptions). */
export async function selectParameterOption(
	page: Page,
	parameter: string,
	optionName: string,
): Promise<void> {
	await page.getByTestId('ndv').getByTestId(`parameter-input-${parameter}`).click();
	const escaped = optionName.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
	await page
		.getByRole('option', { name: new RegExp(`^${escaped}`) })
		.filter({ visible: true })
		.first()
		.click();
	await waitForValue(`parameter ${parameter}`, () => parameterValue(page, parameter), optionName);
}

/** Types into a text or number parameter (the input or textarea inside its test id). */
export async function fillParameter(page: Page, parameter: string, value: string): Promise<void> {
	const field = page
		.getByTestId('ndv')
		.getByTestId(`parameter-input-${parameter}`)
		.locator('input, textarea')
		.first();
	await field.fill(value);
	await field.blur();
}

/** A resource locator of the open panel (n8n's `resource-locator-<name>`). */
function locator(page: Page, parameter: string) {
	return page.getByTestId('ndv').getByTestId(`resource-locator-${parameter}`);
}

/** The modes a resource locator offers, as its mode selector lists them. */
export async function locatorModes(page: Page, parameter: string): Promise<string[]> {
	await locator(page, parameter).getByTestId('rlc-mode-selector').click();
	const options = page.getByRole('option').filter({ visible: true });
	await options.first().waitFor();
	const names = (await options.allInnerTexts()).map((text) => text.trim());
	await page.keyboard.press('Escape');
	return names;
}

/** Switches a resource locator to a mode by its label (e.g. "By ID"). */
export async function selectLocatorMode(
	page: Page,
	parameter: string,
	mode: string,
): Promise<void> {
	await locator(page, parameter).getByTestId('rlc-mode-selector').click();
	await page
		.getByRole('option', { name: mode, exact: true })
		.filter({ visible: true })
		.first()
		.click();
}

/** Sets a resource locator By ID: the mode, then the ID typed into it. */
export async function setLocatorById(page: Page, parameter: string, value: string): Promise<void> {
	await selectLocatorMode(page, parameter, 'By ID');
	// In By ID mode `rlc-input` is the text box itself (in list mode, a wrapper of one).
	const field = locator(page, parameter)
		.locator('input[data-test-id="rlc-input"], [data-test-id="rlc-input"] input')
		.first();
	await field.fill(value);
	await field.blur();
}

/** Opens a resource locator's list (its list mode) and waits for its first entry. */
export async function openLocatorList(page: Page, parameter: string): Promise<Locator> {
	await locator(page, parameter).getByTestId('rlc-input').click();
	const items = page.getByTestId('rlc-item').filter({ visible: true });
	await items.first().waitFor();
	return items;
}

/**
 * Opens a resource locator's list (its first mode), optionally types a search into it, waits
 * until every entry shown matches `entry`, picks the first and returns every entry's text.
 */
export async function pickFromLocatorList(
	page: Page,
	parameter: string,
	entry: RegExp,
	search?: string,
): Promise<string[]> {
	const items = await openLocatorList(page, parameter);
	// The search box has the focus once the list is open.
	if (search !== undefined) await page.keyboard.type(search);
	const texts = async () =>
		(await items.allInnerTexts()).map((text) => text.replace(/\s+/g, ' ').trim());
	await waitForValue(
		`${parameter}: list entries matching ${String(entry)}`,
		async () => {
			const shown = await texts();
			return shown.length > 0 && shown.every((text) => entry.test(text));
		},
		true,
	);
	const shown = await texts();
	await items.first().click();
	return shown;
}

/** Selects a credential in the NDV by its id: n8n preselects the most recently updated one. */
export async function selectCredential(page: Page, credentialId: string): Promise<void> {
	await page.getByTestId('ndv').getByTestId('node-credentials-select').first().click();
	await page.getByTestId(`node-credentials-select-item-${credentialId}`).click();
}

/** Closes the node's panel (n8n 2.41.1 has no `back-to-canvas`). */
export async function closeNdv(page: Page): Promise<void> {
	const ndv = page.getByTestId('ndv');
	if (!(await ndv.isVisible())) return;
	await page.getByTestId('ndv-close-button').click();
	await ndv.waitFor({ state: 'hidden' });
}

/**
 * Adds one of a package's actions or trigger events (e.g. "Make a call", "On call completed")
 * through the nodes panel, as a user does, and waits for its panel to open.
 */
export async function addFromNodesPanel(
	page: Page,
	entryName: string,
	itemName: string,
): Promise<void> {
	await closeNdv(page);
	const entry = await searchNodes(page, entryName, entryName);
	await entry.click();
	const categories = page.getByTestId('node-creator-category-item');
	await categories.first().waitFor();
	const escaped = itemName.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
	const item = page
		.getByTestId('item-iterator-item')
		.filter({ hasText: new RegExp(`^${escaped}$`) });
	// On an empty canvas the panel opens in trigger mode with the actions collapsed.
	if (!(await item.isVisible())) await categories.filter({ hasText: /^Actions/ }).click();
	await item.click();
	await page.getByTestId('ndv').waitFor();
}

export interface PanelField {
	/** `parameter-input-<name>`, `fixed-collection-<name>`, `collection` or `notice`. */
	kind: 'input' | 'fixedCollection' | 'collection' | 'notice';
	name: string;
	label: string;
	value: string | null;
	checked: boolean;
	text: string;
	hasIssue: boolean;
}

/** What the Parameters tab shows, read in one go: every visible field in order. */
export async function panelSnapshot(page: Page): Promise<PanelField[]> {
	return await page
		.getByTestId('ndv')
		.getByTestId('node-parameters')
		.evaluate((root) => {
			const visible = (el: Element): boolean => (el as HTMLElement).offsetParent !== null;
			const itemOf = (el: Element): Element => el.closest('[data-test-id="parameter-item"]') ?? el;
			const labelOf = (el: Element): string =>
				(itemOf(el).querySelector('[data-test-id="input-label"]') as HTMLElement | null)?.innerText
					.split('\n')[0]
					.trim() ?? '';
			const hasIssue = (el: Element): boolean =>
				Array.from(itemOf(el).querySelectorAll('[data-test-id="parameter-issues"]')).some(visible);
			const text = (el: Element): string =>
				(el as HTMLElement).innerText.replace(/\s+/g, ' ').trim();
			const fields: Array<Omit<PanelField, 'kind'> & { kind: string }> = [];
			for (const el of Array.from(root.querySelectorAll('[data-test-id]'))) {
				if (!visible(el)) continue;
				const id = el.getAttribute('data-test-id') ?? '';
				const input = /^parameter-input-(?!field$|hint$|item$)(.+)$/.exec(id);
				const fixed = /^fixed-collection-(?!add|delete|wrapper|item)(.+)$/.exec(id);
				const base = {
					label: labelOf(el),
					text: text(el),
					hasIssue: hasIssue(el),
					checked: false,
					value: null,
				};
				if (input) {
					const field = el.querySelector('input, textarea') as HTMLInputElement | null;
					fields.push({
						...base,
						kind: 'input',
						name: input[1],
						value: field ? field.value : null,
						checked: el.querySelector('.is-checked') !== null,
					});
				} else if (fixed) {
					fields.push({ ...base, kind: 'fixedCollection', name: fixed[1] });
				} else if (id === 'collection-parameter-add') {
					fields.push({ ...base, kind: 'collection', name: base.label });
				}
			}
			for (const el of Array.from(root.querySelectorAll('.notice'))) {
				if (visible(el))
					fields.push({
						kind: 'notice',
						name: '',
						label: '',
						text: text(el),
						value: null,
						checked: false,
						hasIssue: false,
					});
			}
			return fields as PanelField[];
		});
}
