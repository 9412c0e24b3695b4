import type { ICredentialDataDecryptedObject, IHttpRequestOptions, INode } from 'n8n-workflow';
import { Workflow } from 'n8n-workflow';

import { FormantAiApi } from '../../credentials/FormantAiApi.credentials';
import { FormantAiWebhookApi } from '../../credentials/FormantAiWebhookApi.credentials';
import { REGION_BASE_URLS, resolveBaseUrl } from '../../nodes/FormantAi/transport/baseUrl';
import { apiCredential, runNode } from '../harness';
import { TestCredentialsHelper } from '../harness/credentials';

const credential = new FormantAiApi();
const node: INode = {
	id: 'n',
	name: 'Node',
	type: 'noop',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
};
const workflow = new Workflow({
	nodes: [node],
	connections: {},
	active: false,
	nodeTypes: {
		getByName: () => undefined,
		getByNameAndVersion: () => undefined,
		getKnownTypes: () => ({}),
	} as never,
});

/** Resolves an expression of the credential the way n8n does, with `$credentials` set. */
function resolve(expression: string, credentials: ICredentialDataDecryptedObject): unknown {
	return workflow.expression.getParameterValue(expression, null, 0, 0, node.name, [], 'internal', {
		$credentials: credentials,
	});
}

describe('FormantAI API credential', () => {
	test('fields: a password API key, a region choice and a custom base URL shown only for Custom', () => {
		const byName = Object.fromEntries(credential.properties.map((p) => [p.name, p]));
		expect(byName.apiKey.typeOptions?.password).toBe(true);
		expect(byName.region.options?.map((o) => (o as { value: string }).value)).toEqual([
			'custom',
			'global',
			'india',
		]);
		expect(byName.region.default).toBe('global');
		expect(byName.baseUrl.displayOptions).toEqual({ show: { region: ['custom'] } });
	});

	test.each([
		[{ region: 'global' }, 'https://api.voice.formantai.com'],
		[{ region: 'india' }, 'https://api.in.voice.formantai.com'],
		[{ region: 'custom', baseUrl: 'http://127.0.0.1:4010/' }, 'http://127.0.0.1:4010'],
		[
			{ region: 'custom', baseUrl: ' https://proxy.example.com/formant// ' },
			'https://proxy.example.com/formant',
		],
	])('the test request and the nodes agree on the base URL for %p', (values, expected) => {
		const test = credential.test.request;
		expect(resolve(test.baseURL as string, { apiKey: 'k', ...values })).toBe(expected);
		expect(resolveBaseUrl({ apiKey: 'k', ...values })).toEqual({ baseUrl: expected });
	});

	test('the region table is the documented one', () => {
		expect(REGION_BASE_URLS).toEqual({
			global: 'https://api.voice.formantai.com',
			india: 'https://api.in.voice.formantai.com',
		});
	});

	test('the test request is GET /v1/conversations?limit=1 and a 401 says where to fix the key', () => {
		expect(credential.test.request).toMatchObject({
			url: '/v1/conversations',
			method: 'GET',
			qs: { limit: 1 },
		});
		const rule401 = credential.test.rules?.find(
			(r) => r.type === 'responseCode' && r.properties.value === 401,
		);
		expect(rule401?.properties.message).toBe(
			"The API key was rejected: check it in FormantAI's dashboard under Developer → API Keys",
		);
	});

	test('authentication adds exactly one Bearer header, resolved by the expression engine', async () => {
		const helper = new TestCredentialsHelper({});
		const options: IHttpRequestOptions = {
			url: '/v1/conversations',
			headers: { Accept: 'application/json' },
		};
		const out = await helper.authenticate(
			{ apiKey: 'fa_key_123' },
			'formantAiApi',
			options,
			workflow,
			node,
		);
		expect(out.headers).toEqual({ Accept: 'application/json', Authorization: 'Bearer fa_key_123' });
	});
});

describe('FormantAI API credential: no API key over plain http:// to another machine', () => {
	const helper = new TestCredentialsHelper({});
	const send = async (baseURL: string) =>
		await helper.authenticate(
			{ apiKey: 'fa_key_123', region: 'custom', baseUrl: baseURL },
			'formantAiApi',
			{ baseURL, url: '/v1/conversations' },
			workflow,
			node,
		);

	test.each([
		'http://formantai-proxy.example.com',
		'http://10.0.0.5:8080',
		'http://192.168.1.20',
		'HTTP://Proxy.Example.com:80/formant',
		'http://127.example.com',
		'http://[2001:db8::1]:8080',
	])(
		'refuses %s in the nodes and in every request n8n signs, the credential test included',
		async (baseUrl) => {
			const resolved = resolveBaseUrl({ apiKey: 'k', region: 'custom', baseUrl });
			expect(resolved).toEqual({
				error: expect.stringMatching(
					/^The credential's Base URL ".*" is plain http:\/\/ to another machine, so the API key would cross the network unencrypted: use https:\/\/\./,
				),
			});
			await expect(send(baseUrl)).rejects.toThrow(/plain http:\/\/ to another machine/);
		},
	);

	test.each([
		'http://127.0.0.1:4010',
		'http://127.8.9.10',
		'http://localhost:5678',
		'http://api.localhost',
		'http://[::1]:4010',
		'https://proxy.example.com',
	])('allows %s (https, or http to this machine)', async (baseUrl) => {
		expect(resolveBaseUrl({ apiKey: 'k', region: 'custom', baseUrl })).toEqual({
			baseUrl: baseUrl.replace(/\/+$/, ''),
		});
		const out = await send(baseUrl);
		expect(out.headers).toEqual({ Authorization: 'Bearer fa_key_123' });
	});

	test('the action node refuses before sending anything, naming the fix', async () => {
		const result = await runNode({
			parameters: { resource: 'conversation', operation: 'getMany', limit: 1 },
			credentials: { formantAiApi: apiCredential('http://formantai.example.com', 'fa_key_123') },
		});
		expect(result.error?.message).toMatch(
			/^The credential's Base URL "http:\/\/formantai\.example\.com" is plain http:\/\//,
		);
		expect(JSON.stringify(result.error)).not.toContain('fa_key_123');
	});

	test('the Base URL field says so', () => {
		const baseUrl = credential.properties.find((p) => p.name === 'baseUrl');
		expect(baseUrl?.description).toMatch(/Plain http:\/\/ is refused except to this machine/);
	});
});

describe('FormantAI webhook secret credential', () => {
	test('one password field named secret', () => {
		const webhook = new FormantAiWebhookApi();
		expect(webhook.name).toBe('formantAiWebhookApi');
		expect(webhook.properties).toHaveLength(1);
		expect(webhook.properties[0]).toMatchObject({
			name: 'secret',
			typeOptions: { password: true },
		});
	});
});
