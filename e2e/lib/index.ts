export {
	ensureN8n,
	defaultCacheRoot,
	harnessHash,
	type N8nInstall,
	type EnsureN8nOptions,
} from './install';
export {
	createN8nHome,
	installPackage,
	packPackage,
	randomId,
	DEFAULT_ENCRYPTION_KEY,
	PACKAGE_NAME,
	type N8nHome,
	type CreateN8nHomeOptions,
	type InstalledPackage,
} from './home';
export {
	runN8n,
	importCredentials,
	importWorkflows,
	publishWorkflow,
	executeWorkflow,
	parseExecuteOutput,
	nodeOutput,
	listNodeTypes,
	type LoadedNodeType,
	type CredentialImport,
	type WorkflowImport,
	type ExecuteResult,
} from './cli';
export { startServer, type N8nServer, type StartServerOptions } from './server';
export { listExecutions, querySqlite, databasePath, type ExecutionRecord } from './db';
export { pollUntil, freePort, ProcessError } from './proc';
export {
	EXAMPLES_DIR,
	EXAMPLE_CREDENTIALS,
	loadExamples,
	example,
	withParameter,
	exampleCredentials,
	examplesWithCrm,
	allCallsEnded,
	triggerPath,
	type Example,
} from './examples';
export { http, type HttpAnswer } from './http';
export { ensureDebianPackages, DEBIAN_PACKAGES, type DebianPackage } from './system';
