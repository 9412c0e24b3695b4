// n8n's engine logs every node error through its own logger; the tests assert on errors instead.
process.env.N8N_LOG_LEVEL = 'silent';
