export { API_CREDENTIAL, formantAiRequest, formantAiRequestFull, isRetrySafe } from './request';
export type { ApiRequest, ApiResponse, FormantAiContext } from './request';
export { paginate, MAX_PAGE_SIZE } from './pagination';
export type { PaginateOptions } from './pagination';
export { binaryUpload, buildForm, downloadBinary } from './binary';
export type { UploadFile } from './binary';
export { isFormantAiError } from './errors';
export { runtime, resetRuntime, RETRY_DEFAULTS } from './runtime';
export type { TransportRuntime } from './runtime';
