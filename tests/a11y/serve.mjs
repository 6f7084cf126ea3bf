// SPDX-License-Identifier: EUPL-1.2
// Follow `residence serve` in headless Chromium: open the page, save a file, wait for the
// new text; save an error, wait for the page of errors (checked with axe-core); fix it,
// wait for the report again. The page must do all of it by itself (its live script).
//
// Usage: node tests/a11y/serve.mjs URL FILE VERSIONS
//   URL: the address `residence serve` printed; FILE: the file of the residency to change;
//   VERSIONS: a folder with changed.yaml (holds "marqueur-vif"), broken.yaml (an error)
//   and fixed.yaml (no error), copied over FILE in turn.
// Prints one JSON object on stdout: {first, changed, error: {lang, h1, items, axe}, fixed,
// violations}. Exits 0 when every step was seen, 2 when one was not (within its wait).
// Environment: CHROMIUM (default /usr/bin/chromium).

import { copyFileSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";

import puppeteer from "puppeteer-core";

const require = createRequire(import.meta.url);
const AXE = readFileSync(require.resolve("axe-core/axe.min.js"), "utf-8");
const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];
// Generous: a loaded machine is slow, never this slow. Waits poll; nothing is timed.
const PATIENCE = 120000;

const [url, file, versions] = process.argv.slice(2);
if (!url || !file || !versions) {
  console.error("usage: node tests/a11y/serve.mjs URL FILE VERSIONS");
  process.exit(2);
}

const profile = mkdtempSync(join(tmpdir(), "residence-serve-"));
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

const seen = { violations: [] };
let status = 0;
try {
  const page = await browser.newPage();
  // What the Content-Security-Policy would block: nothing, or the page is not whole.
  await page.evaluateOnNewDocument(() => {
    document.addEventListener("securitypolicyviolation", (event) => {
      window.__violations = window.__violations || [];
      window.__violations.push(`${event.violatedDirective} ${event.blockedURI}`);
    });
  });
  const violations = async () => (await page.evaluate(() => window.__violations || [])) || [];
  await page.goto(url, { waitUntil: "load", timeout: PATIENCE });
  seen.first = await page.$eval("h1", (h) => h.textContent.trim());
  seen.violations.push(...(await violations()));

  copyFileSync(join(versions, "changed.yaml"), file);
  await page.waitForFunction(() => document.body.innerText.includes("marqueur-vif"), {
    timeout: PATIENCE,
    polling: 200,
  });
  seen.changed = true;
  seen.violations.push(...(await violations()));

  copyFileSync(join(versions, "broken.yaml"), file);
  await page.waitForFunction(() => document.querySelector("main li.error") !== null, {
    timeout: PATIENCE,
    polling: 200,
  });
  await page.evaluate(AXE); // evaluated by the browser's tools, not a script of the page
  const axe = await page.evaluate(
    (tags) => window.axe.run(document, { runOnly: { type: "tag", values: tags } }),
    TAGS,
  );
  seen.error = await page.evaluate(() => ({
    lang: document.documentElement.lang,
    h1: document.querySelector("h1").textContent.trim(),
    items: [...document.querySelectorAll("main li.error")].map((li) => li.textContent.trim()),
  }));
  seen.error.axe = axe.violations.map((v) => ({ id: v.id, help: v.help }));

  copyFileSync(join(versions, "fixed.yaml"), file);
  await page.waitForFunction(
    () => document.body.innerText.includes("marqueur-vif") && !document.querySelector("main li.error"),
    { timeout: PATIENCE, polling: 200 },
  );
  seen.fixed = true;
  seen.violations.push(...(await violations()));
} catch (error) {
  console.error(`${error}`);
  status = 2;
} finally {
  await browser.close();
  rmSync(profile, { recursive: true, force: true });
}
process.stdout.write(JSON.stringify(seen, null, 2) + "\n");
process.exit(status);
