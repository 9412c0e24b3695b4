import type { Icon, ICredentialType, INodeProperties } from 'n8n-workflow';

// Holds the signing secret of a FormantAI webhook target, so it is stored encrypted by n8n
// instead of in clear in the workflow JSON. Only the FormantAI Trigger uses it; it makes no API call.
export class FormantAiWebhookApi implements ICredentialType {
	name = 'formantAiWebhookApi';

	displayName = 'FormantAI Webhook Secret API';

	icon: Icon = { light: 'file:formantAi.svg', dark: 'file:formantAi.dark.svg' };

	documentationUrl = 'https://docs.formantai.com/webhooks/signature-verification';

	properties: INodeProperties[] = [
		{
			displayName: 'Webhook Secret',
			name: 'secret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description:
				"The Webhook Secret of the target in FormantAI's dashboard (Agent → Webhook tab). Deliveries are accepted only when their X-FormantAI-Signature matches it.",
		},
	];
}
