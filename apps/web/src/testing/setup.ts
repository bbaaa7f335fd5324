// Component tests: unmount what each test rendered (vitest runs without globals, so
// @testing-library's automatic cleanup does not register itself).
import { cleanup } from '@testing-library/react';
import { afterEach } from 'vitest';

afterEach(() => {
  cleanup();
  localStorage.clear();
});
