/* eslint-disable @n8n/community-nodes/no-restricted-globals -- benchmarks measure the process, never shipped */
// Imported first by every entry point, before n8n-core reads its settings.
process.env.N8N_LOG_LEVEL = 'silent';
