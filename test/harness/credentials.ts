import type {
	ICredentialDataDecryptedObject,
	ICredentials,
	ICredentialType,
	IHttpRequestOptions,
	INode,
	INodeCredentialsDetails,
	INodeProperties,
	IRequestOptionsSimplified,
	IWorkflowExecuteAdditionalData,
	Workflow,
} from 'n8n-workflow';
import { ICredentialsHelper } from 'n8n-workflow';

import { FormantAiApi } from '../../credentials/FormantAiApi.credentials';
import { FormantAiWebhookApi } from '../../credentials/FormantAiWebhookApi.credentials';

export const credentialTypes: Record<string, ICredentialType> = {
	formantAiApi: new FormantAiApi(),
	formantAiWebhookApi: new FormantAiWebhookApi(),
};

/**
 * The engine's view of credentials for tests: values come from the test, and a credential
 * type's generic `authenticate` block is applied the way n8n applies it (expressions over
 * `$credentials` resolved by the workflow's expression engine, then merged into the request).
 */
export class TestCredentialsHelper extends ICredentialsHelper {
	constructor(private readonly values: Record<string, ICredentialDataDecryptedObject>) {
		super();
	}

	getParentTypes(): string[] {
		return [];
	}

	isCredentialUsableByNode(): boolean {
		return true;
	}

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		requestOptions: IHttpRequestOptions | IRequestOptionsSimplified,
		workflow?: Workflow,
		node?: INode,
	): Promise<IHttpRequestOptions> {
		const options = requestOptions as IHttpRequestOptions;
		const authenticate = credentialTypes[typeName]?.authenticate;
		if (!authenticate) return options;
		if (typeof authenticate === 'function') return await authenticate(credentials, options);
		const resolve = (value: string) =>
			workflow && node
				? (workflow.expression.getParameterValue(value, null, 0, 0, node.name, [], 'internal', {
						$credentials: credentials,
					}) as string)
				: value;
		for (const [target, entries] of Object.entries(authenticate.properties)) {
			const key = target as 'headers' | 'qs' | 'body';
			const resolved: Record<string, unknown> = {};
			for (const [name, value] of Object.entries(entries as Record<string, string>)) {
				resolved[name] = resolve(value);
			}
			(options as unknown as Record<string, Record<string, unknown>>)[key] = {
				...((options as unknown as Record<string, Record<string, unknown>>)[key] ?? {}),
				...resolved,
			};
		}
		return options;
	}

	async preAuthentication(): Promise<ICredentialDataDecryptedObject | undefined> {
		return undefined;
	}

	async runPreAuthentication(): Promise<ICredentialDataDecryptedObject | undefined> {
		return undefined;
	}

	async getCredentials(): Promise<ICredentials> {
		throw new Error('not used by the engine tests');
	}

	async getDecrypted(
		_additionalData: IWorkflowExecuteAdditionalData,
		_nodeCredentials: INodeCredentialsDetails,
		type: string,
	): Promise<ICredentialDataDecryptedObject> {
		const value = this.values[type];
		if (!value) throw new Error(`The test gave no "${type}" credential`);
		return { ...value };
	}

	async updateCredentials(): Promise<void> {}

	async updateCredentialsOauthTokenData(): Promise<void> {}

	getCredentialsProperties(type: string): INodeProperties[] {
		return credentialTypes[type]?.properties ?? [];
	}
}
