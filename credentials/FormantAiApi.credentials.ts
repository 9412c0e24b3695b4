import type {
	IAuthenticateGeneric,
	Icon,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

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
			description: 'The http(s) address that the /v1 paths are appended to',
			displayOptions: { show: { region: ['custom'] } },
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: {
				Authorization: '=Bearer {{$credentials.apiKey}}',
			},
		},
	};

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
