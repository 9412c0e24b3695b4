import type {
	ICredentialDataDecryptedObject,
	Icon,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestOptions,
	INodeProperties,
} from 'n8n-workflow';

import { plainHttpProblem } from '../nodes/FormantAi/transport/baseUrl';

/** Where a request would go, when its URL can be read. */
function target(options: IHttpRequestOptions): URL | undefined {
	try {
		return new URL(options.url, options.baseURL);
	} catch {
		return undefined;
	}
}

export class FormantAiApi implements ICredentialType {
	name = 'formantAiApi';

	displayName = 'FormantAI API';

	icon: Icon = { light: 'file:formantAi.svg', dark: 'file:formantAi.dark.svg' };

	documentationUrl = 'https://docs.formantai.com/authentication';

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description:
				"The key from FormantAI's dashboard under Developer → API Keys. It is shown only once when created.",
		},
		{
			displayName: 'Region',
			name: 'region',
			type: 'options',
			default: 'global',
			description: 'The FormantAI region your workspace lives in',
			options: [
				{
					name: 'Custom',
					value: 'custom',
					description: 'Another base URL, such as a proxy or a local simulator',
				},
				{
					name: 'Global',
					value: 'global',
					description: 'https://api.voice.formantai.com',
				},
				{
					name: 'India',
					value: 'india',
					description: 'https://api.in.voice.formantai.com',
				},
			],
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'e.g. https://formantai-proxy.example.com',
			description:
				'The https:// address that the /v1 paths are appended to. Plain http:// is refused except to this machine (localhost, 127.0.0.1, ::1), since the API key would cross the network unencrypted.',
			displayOptions: { show: { region: ['custom'] } },
		},
	];

	/**
	 * The Bearer header, on every request n8n sends with this credential (the nodes' and the
	 * credential test's): refused when the request would go over plain http:// to another
	 * machine, so the key is never sent there in clear text.
	 */
	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		const url = target(requestOptions);
		const problem = url ? plainHttpProblem(url) : undefined;
		if (problem) throw new Error(problem);
		return {
			...requestOptions,
			headers: { ...requestOptions.headers, Authorization: `Bearer ${String(credentials.apiKey)}` },
		};
	}

	// Mirrors resolveBaseUrl() in nodes/FormantAi/transport/baseUrl.ts; a credential test can only
	// use an expression, so the region table is written out here too.
	test: ICredentialTestRequest = {
		request: {
			baseURL:
				"={{ $credentials.region === 'custom' ? String($credentials.baseUrl).trim().replace(/\\/+$/, '') : $credentials.region === 'india' ? 'https://api.in.voice.formantai.com' : 'https://api.voice.formantai.com' }}",
			url: '/v1/conversations',
			method: 'GET',
			qs: { limit: 1 },
		},
		rules: [
			{
				type: 'responseCode',
				properties: {
					value: 401,
					message:
						"The API key was rejected: check it in FormantAI's dashboard under Developer → API Keys",
				},
			},
			{
				type: 'responseCode',
				properties: {
					value: 404,
					message:
						'No FormantAI API answered at this address: check the region or the custom base URL',
				},
			},
		],
	};
}
