// chromium.ts — headless Debian Chromium through puppeteer-core, WebGPU on SwiftShader,
// pages served from 127.0.0.1 (a secure context). No browser download: /usr/bin/chromium.
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// @ts-expect-error — plain ESM helper without types
import { startStaticServer } from '../../scripts/static-server.mjs';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const CHROMIUM_FLAGS = [
  '--headless=new', '--no-sandbox', '--enable-unsafe-webgpu', '--use-webgpu-adapter=swiftshader',
  '--enable-features=Vulkan', '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--no-first-run', '--disable-quic', '--disable-dev-shm-usage',
];

export interface BrowserSession {
  browser: Browser;
  url: string;
  /** Console errors and page errors seen on any page. */
  errors: string[];
  /** Opens a page; `prepare` runs before it loads (e.g. evaluateOnNewDocument). */
  open(path: string, prepare?: (page: Page) => Promise<void>): Promise<Page>;
  close(): Promise<void>;
}

/**
 * Starts a static server on `root` and a headless Chromium. Fails (not skips) without Chromium.
 * `protocolTimeout`: ms one DevTools call (e.g. a page.evaluate) may take (puppeteer's default
 * is 180 s; the benchmark page runs its suites inside one call for much longer).
 */
export async function startBrowser(root: string, opts: { protocolTimeout?: number } = {}): Promise<BrowserSession> {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: run \`bash scripts/setup.sh\``);
  const server = await startStaticServer({ root });
  const browser = await puppeteer.launch({
    executablePath: CHROMIUM,
    args: CHROMIUM_FLAGS,
    userDataDir: mkdtempSync(join(tmpdir(), 'springloop-chromium-')),
    ...(opts.protocolTimeout !== undefined ? { protocolTimeout: opts.protocolTimeout } : {}),
  });
  const errors: string[] = [];
  return {
    browser,
    url: server.url,
    errors,
    async open(path: string, prepare?: (page: Page) => Promise<void>) {
      const page = await browser.newPage();
      await prepare?.(page);
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text());
      });
      page.on('pageerror', (e) => errors.push(String(e)));
      await page.goto(new URL(path, server.url).href, { waitUntil: 'load' });
      return page;
    },
    async close() {
      await browser.close();
      await server.close();
    },
  };
}
