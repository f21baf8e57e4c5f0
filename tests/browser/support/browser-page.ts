/**
 * Debian's chromium with one page whose console errors and uncaught exceptions are collected into `errors`, so a
 * test can assert that a page rendered cleanly. Screenshots go to tests/browser/artifacts/ (created here).
 */
import fs from 'node:fs';
import path from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../support/chromium';

export const ARTIFACTS = path.join(__dirname, '..', 'artifacts');

export async function openBrowserPage(errors: string[], viewport?: { width: number; height: number }): Promise<{ browser: Browser; page: Page }> {
  const browser = await puppeteer.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
  const page = await browser.newPage();
  if (viewport) await page.setViewport(viewport);
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  return { browser, page };
}
