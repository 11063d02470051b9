// The demo page in a real browser (Debian's Chromium driven by playwright-core):
// one user on WebSocket, one forced onto LongPoll, chatting through the official client bundle.
import test from "ava";
import { existsSync } from "node:fs";
import { chromium, type Browser, type Page } from "playwright-core";
import { startChat } from "@fawkes/example-chat/app";

const CHROMIUM = "/usr/bin/chromium";
const available = existsSync(CHROMIUM);
// In CI the browser must be there (.ci/run installs it); elsewhere the test may skip, saying why.
const browserTest = available || process.env.CI ? test : test.skip;
const title =
  available || process.env.CI
    ? "browser (Chromium): a WebSocket user and a LongPoll user chat on the demo page"
    : `browser (Chromium): chat demo [skipped: ${CHROMIUM} not installed on this developer machine]`;

browserTest(title, async (t) => {
  const { endpoint, server, port } = await startChat(0, "127.0.0.1");
  let browser: Browser | undefined;
  t.teardown(async () => {
    await browser?.close();
    await endpoint.close();
    server.close();
  });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
  const open = async (name: string, query: string): Promise<Page> => {
    const page = await browser!.newPage();
    await page.goto(`http://127.0.0.1:${port}/${query}`);
    await page.fill("#login input[name=name]", name);
    await page.click("#login button");
    await page.waitForSelector(`#log p:text("joined room lobby")`, { timeout: 10_000 });
    return page;
  };
  const ada = await open("ada", "");
  const bob = await open("bob", "?longpoll");
  t.regex((await ada.textContent("#status")) ?? "", /\(websocket\)/);
  t.regex((await bob.textContent("#status")) ?? "", /\(longpoll\)/);
  await ada.fill("#send input[name=body]", "hello from a browser");
  await ada.click("#send button");
  await bob.waitForSelector(`#log p:text("ada: hello from a browser")`, { timeout: 10_000 });
  await bob.fill("#send input[name=body]", "and back over long-poll");
  await bob.click("#send button");
  await ada.waitForSelector(`#log p:text("bob: and back over long-poll")`, { timeout: 10_000 });
  t.pass();
});
