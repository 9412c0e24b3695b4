import type { N8nHome } from './home';
import type { N8nInstall } from './install';
import { runOk } from './proc';

/**
 * The environment that makes n8n create its owner account at start
 * (`N8N_INSTANCE_OWNER_MANAGED_BY_ENV`), with the password bcrypt-hashed by n8n's own bcryptjs.
 */
export async function ownerEnv(
	install: N8nInstall,
	home: N8nHome,
	owner: { email: string; password: string; firstName: string; lastName: string },
): Promise<NodeJS.ProcessEnv> {
	const passwordHash = (
		await runOk(
			install.node,
			[
				'-e',
				"process.stdout.write(require('bcryptjs').hashSync(process.argv[1], 10))",
				owner.password,
			],
			{ cwd: install.dir, env: home.env(), timeoutMs: 60_000, label: 'bcrypt the owner password' },
		)
	).stdout;
	return {
		N8N_INSTANCE_OWNER_MANAGED_BY_ENV: 'true',
		N8N_INSTANCE_OWNER_EMAIL: owner.email,
		N8N_INSTANCE_OWNER_FIRST_NAME: owner.firstName,
		N8N_INSTANCE_OWNER_LAST_NAME: owner.lastName,
		N8N_INSTANCE_OWNER_PASSWORD_HASH: passwordHash,
	};
}
