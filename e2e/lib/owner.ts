import type { N8nHome } from './home';
import { http } from './http';
import { runOk } from './proc';

/**
 * Environment that makes `n8n start` create its owner account itself
 * (N8N_INSTANCE_OWNER_MANAGED_BY_ENV): no /setup page, and signing in lands on the workflow list.
 * The password is hashed with the bcryptjs that ships with n8n.
 */
export async function ownerEnv(
	home: N8nHome,
	owner: { email: string; password: string; firstName?: string; lastName?: string },
): Promise<NodeJS.ProcessEnv> {
	const { stdout: passwordHash } = await runOk(
		home.install.node,
		[
			'-e',
			"process.stdout.write(require('bcryptjs').hashSync(process.argv[1], 10))",
			owner.password,
		],
		{
			cwd: home.install.dir,
			env: home.env(),
			timeoutMs: 60_000,
			label: 'bcrypt the owner password',
		},
	);
	return {
		N8N_INSTANCE_OWNER_MANAGED_BY_ENV: 'true',
		N8N_INSTANCE_OWNER_EMAIL: owner.email,
		N8N_INSTANCE_OWNER_FIRST_NAME: owner.firstName ?? 'Test',
		N8N_INSTANCE_OWNER_LAST_NAME: owner.lastName ?? 'Owner',
		N8N_INSTANCE_OWNER_PASSWORD_HASH: passwordHash,
	};
}

/**
 * Signs in to n8n's REST API as the owner; returns the headers later requests need (n8n ties the
 * session cookie to the `browser-id` header it was issued with).
 */
export async function restSession(
	serverUrl: string,
	owner: { email: string; password: string },
	browserId: string,
): Promise<{ cookie: string; 'browser-id': string }> {
	const login = await http(
		`${serverUrl}/rest/login`,
		'POST',
		{ emailOrLdapLoginId: owner.email, password: owner.password },
		{ 'browser-id': browserId },
	);
	if (login.status !== 200) throw new Error(`n8n login answered ${login.status}`);
	const cookie = ([] as string[])
		.concat(login.headers['set-cookie'] ?? [])
		.map((value) => value.split(';')[0])
		.join('; ');
	return { cookie, 'browser-id': browserId };
}
