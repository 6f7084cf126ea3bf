// SPDX-License-Identifier: EUPL-1.2
// Run axe-core (WCAG 2.1 A and AA rules) on HTML files in headless Chromium.
//
// Usage: node tests/a11y/axe.mjs FILE.html [FILE.html ...]
// Prints one JSON object on stdout: {"FILE.html": [violation, ...], ...}, where each violation
// keeps axe's id, impact, help, helpUrl and, for each node, its target and failure summary.
// Exits 0 when every page was checked (violations or not), 2 when a page could not be.
// Environment: CHROMIUM (default /usr/bin/chromium).

import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

import puppeteer from "puppeteer-core";

const require = createRequire(import.meta.url);
const AXE = require.resolve("axe-core/axe.min.js");
const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error("usage: node tests/a11y/axe.mjs FILE.html [FILE.html ...]");
  process.exit(2);
}

const profile = mkdtempSync(join(tmpdir(), "residence-axe-"));
const browser = await puppeteer.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  headless: true,
  args: [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    `--user-data-dir=${profile}`,
  ],
});

const results = {};
let status = 0;
try {
  for (const file of files) {
    const page = await browser.newPage();
    try {
      await page.setViewport({ width: 1280, height: 900 });
      await page.goto(pathToFileURL(resolve(file)).href, { waitUntil: "load", timeout: 60000 });
      await page.addScriptTag({ path: AXE });
      const outcome = await page.evaluate(
        (tags) => window.axe.run(document, { runOnly: { type: "tag", values: tags } }),
        TAGS,
      );
      results[file] = outcome.violations.map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        helpUrl: v.helpUrl,
        nodes: v.nodes.map((n) => ({ target: n.target, summary: n.failureSummary })),
      }));
    } catch (error) {
      console.error(`${file}: ${error}`);
      status = 2;
    } finally {
      await page.close();
    }
  }
} finally {
  await browser.close();
  rmSync(profile, { recursive: true, force: true });
}
process.stdout.write(JSON.stringify(results, null, 2) + "\n");
process.exit(status);
