import type { ICredentialsDecrypted, ICredentialTestFunctions, IHookFunctions } from 'n8n-workflow';
import { mock } from 'jest-mock-extended';

import { EVENT_TYPES, parseTranscript } from '../../nodes/FormantAiTrigger/event';
import { verifySignature } from '../../nodes/FormantAiTrigger/signature';
import { trigger } from './context';
import { SECRET, sign } from './fixtures';

describe('FormantAI Trigger description', () => {
	const d = trigger.description;

	it('is a webhook trigger: no inputs, trigger group, Trigger in names, not an AI tool', () => {
		expect(d.name).toBe('formantAiTrigger');
		expect(d.displayName).toBe('FormantAI Trigger');
		expect(trigger.constructor.name).toBe('FormantAiTrigger');
		expect(d.inputs).toEqual([]);
		expect(d.group).toEqual(['trigger']);
		expect(d.usableAsTool).toBeUndefined();
		expect(d.icon).toEqual({ light: 'file:formantAi.svg', dark: 'file:formantAi.dark.svg' });
		expect(d.subtitle).toBeTruthy();
		expect(d.webhooks).toEqual([
			{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', path: 'webhook' },
		]);
	});

	it('requires the locally tested secret credential only with Signature authentication, the API credential only for recordings', () => {
		expect(d.credentials).toEqual([
			{
				name: 'formantAiWebhookApi',
				required: true,
				testedBy: 'formantAiWebhookSecretTest',
				displayOptions: { show: { authentication: ['webhookSecret'] } },
			},
			{
				name: 'formantAiApi',
				required: true,
				displayOptions: { show: { attachRecording: [true] } },
			},
		]);
	});

	it('has an Authentication option: Signature (Webhook Secret) by default, None to accept unsigned deliveries', () => {
		const auth = d.properties.find((p) => p.name === 'authentication')!;
		expect(auth).toMatchObject({
			displayName: 'Authentication',
			type: 'options',
			default: 'webhookSecret',
		});
		expect(
			(auth.options as Array<{ name: string; value: string }>).map((o) => [o.name, o.value]),
		).toEqual([
			['Signature (Webhook Secret)', 'webhookSecret'],
			['None (Accept Unsigned Deliveries)', 'none'],
		]);
		expect(d.properties[0].name).toBe('authentication');
	});

	it('warns only when unsigned deliveries are accepted, and says why not to', () => {
		const notices = d.properties.filter((p) => p.type === 'notice');
		expect(notices.map((n) => n.name)).toEqual(['unsignedNotice']);
		const notice = notices[0];
		expect(notice.displayOptions).toEqual({ show: { authentication: ['none'] } });
		expect(notice.displayName).toContain('anyone who learns this URL can start the workflow');
		expect(notice.displayName).toContain('place calls');
	});

	it('never claims the secret is missing: no notice or panel text about a missing secret', () => {
		const texts = JSON.stringify([d.triggerPanel, d.properties]);
		expect(texts).not.toMatch(
			/without a FormantAI Webhook Secret|no webhook secret|secret is missing/i,
		);
	});

	it('offers all seven events, selected by default, sorted by name', () => {
		const events = d.properties.find((p) => p.name === 'events')!;
		expect(events.default).toEqual([...EVENT_TYPES]);
		const names = (events.options as Array<{ name: string; value: string }>).map((o) => o.name);
		expect(names).toEqual([...names].sort());
		expect((events.options as Array<{ value: string }>).map((o) => o.value).sort()).toEqual(
			[...EVENT_TYPES].sort(),
		);
	});

	it('tells the user which URL to paste where, and about the secret and the include options', () => {
		const panel = JSON.stringify(d.triggerPanel);
		for (const text of [
			'Test URL',
			'Production URL',
			'Webhook',
			'Add Target',
			'Webhook Secret',
			'Include transcript',
			'Include recording URL',
		]) {
			expect(panel).toContain(text);
		}
	});

	it('registers nothing with FormantAI (no API for targets): the lifecycle methods just succeed', async () => {
		const hooks = mock<IHookFunctions>();
		expect(await trigger.webhookMethods.default.checkExists.call(hooks)).toBe(true);
		expect(await trigger.webhookMethods.default.create.call(hooks)).toBe(true);
		expect(await trigger.webhookMethods.default.delete.call(hooks)).toBe(true);
	});
});

describe('credential test of the webhook secret', () => {
	const test = async (secret: unknown) =>
		await trigger.methods.credentialTest.formantAiWebhookSecretTest.call(
			mock<ICredentialTestFunctions>(),
			{
				id: '1',
				name: 'x',
				type: 'formantAiWebhookApi',
				data: { secret },
			} as ICredentialsDecrypted,
		);

	it.each([
		['', 'empty'],
		[undefined, 'empty'],
		[' whsec_1', 'space or line break'],
		['whsec_1\n', 'space or line break'],
		[sign('{}'), 'looks like a signature'],
	])('rejects %j (%s)', async (secret, problem) => {
		const result = await test(secret);
		expect(result.status).toBe('Error');
		expect(result.message).toContain(problem);
	});

	it('accepts a well-formed secret without echoing it', async () => {
		const result = await test(SECRET);
		expect(result.status).toBe('OK');
		expect(result.message).not.toContain(SECRET);
	});
});

describe('verifySignature', () => {
	const body = Buffer.from('{"event_id":"evt_1","event_type":"call.busy"}');

	it('accepts the exact signature, an array header and surrounding spaces', () => {
		expect(verifySignature(body, sign(body), SECRET)).toEqual({ ok: true });
		expect(verifySignature(body, [sign(body)], SECRET)).toEqual({ ok: true });
		expect(verifySignature(body, ` ${sign(body)} `, SECRET)).toEqual({ ok: true });
	});

	it.each([
		[undefined, 'missing'],
		['', 'missing'],
		['sha256=', 'malformed'],
		['sha256=zz' + 'a'.repeat(62), 'malformed'],
		[`sha256=${'a'.repeat(65)}`, 'malformed'],
		[`sha512=${'a'.repeat(64)}`, 'malformed'],
		[`sha256=${'a'.repeat(64)}`, 'mismatch'],
	])('refuses %j as %s', (header, reason) => {
		expect(verifySignature(body, header, SECRET)).toEqual({ ok: false, reason });
	});

	it('signs the raw bytes, so a multi-byte body verifies as sent', () => {
		const utf8 = Buffer.from('{"event_id":"evt_ü","event_type":"call.busy","note":"नमस्ते"}');
		expect(verifySignature(utf8, sign(utf8), SECRET).ok).toBe(true);
		expect(verifySignature(Buffer.from(utf8.toString('latin1')), sign(utf8), SECRET).ok).toBe(
			false,
		);
	});
});

describe('parseTranscript', () => {
	it('maps BOT/HUMAN lines to the API shape', () => {
		expect(parseTranscript('BOT: Hello\nHUMAN: Hi\r\nBOT:Bye')).toEqual([
			{ role: 'agent', message: 'Hello' },
			{ role: 'human', message: 'Hi' },
			{ role: 'agent', message: 'Bye' },
		]);
	});

	it('keeps a line without a prefix with the previous turn, and text before any speaker', () => {
		expect(parseTranscript('intro\nBOT: one\ntwo\nHUMAN: Bot: ok')).toEqual([
			{ role: 'agent', message: 'intro' },
			{ role: 'agent', message: 'one\ntwo' },
			{ role: 'human', message: 'Bot: ok' },
		]);
	});

	it('returns no turns for missing or empty transcripts', () => {
		expect(parseTranscript(undefined)).toEqual([]);
		expect(parseTranscript(null)).toEqual([]);
		expect(parseTranscript('  ')).toEqual([]);
		expect(parseTranscript(['BOT: x'])).toEqual([]);
	});
});
