// The web UI is an application, not a library: this entry names what tests and tools reuse.
export { App } from './App.tsx';
export { apiGet, apiPath, ApiRequestError, describeError } from './lib/api.ts';
export { createQueryClient } from './queryClient.ts';
