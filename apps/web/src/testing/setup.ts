// Component tests: unmount what each test rendered (vitest runs without globals, so
// @testing-library's automatic cleanup does not register itself), and put back what a test replaced.
import { cleanup } from '@testing-library/react';
import { afterEach, vi } from 'vitest';
import { setCsrfToken } from '../lib/api.ts';

afterEach(() => {
  cleanup();
  localStorage.clear();
  sessionStorage.clear();
  setCsrfToken(null);
  vi.unstubAllGlobals();
});
