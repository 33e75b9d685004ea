// browser.ts — the browser bundle's entry: the whole library, no Node-only code.
export * from './index';
