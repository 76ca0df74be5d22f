/**
 * Fixes computed when first read. A few fixes cost far more than finding the problem
 * (final-stage-full-os writes the whole converted file), and most checks never read
 * them: the editor asks for fixes only where the cursor is, the CLI only for --fix
 * or the formats that list fixes.
 */
import type { Finding, Fix } from './types';

/** Defines `fixes` on `target` as computed by `compute` on first read, then kept as a plain property. */
export function lazyFixes<T extends object>(target: T, compute: () => Fix[]): T & { fixes: Fix[] } {
  Object.defineProperty(target, 'fixes', {
    configurable: true,
    enumerable: true,
    get(this: T): Fix[] {
      const fixes = compute();
      Object.defineProperty(this, 'fixes', { value: fixes, configurable: true, enumerable: true, writable: true });
      return fixes;
    },
  });
  return target as T & { fixes: Fix[] };
}

/** True while a finding's fixes are still to be computed (reading them would compute them). */
export function fixesPending(finding: Finding): boolean {
  return typeof Object.getOwnPropertyDescriptor(finding, 'fixes')?.get === 'function';
}
