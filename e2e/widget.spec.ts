import AxeBuilder from "@axe-core/playwright";
import { test as base, expect } from "./fixtures";
import { SourcesPanel } from "./pages/sources-panel";
import { WidgetOnHost } from "./pages/widget";
import {
  ALLOWED_HOST_PORT,
  type HostPages,
  INSECURE_PARLEY_HOST,
  REFUSED_HOST_PORT,
  startHostPages,
} from "./support/host-pages";

/**
 * Issue 20: Parley on another site with one script tag (public/widget.js → /embed).
 *
 * The host pages are served from `localhost` (e2e/support/host-pages.ts), another site than
 * the shared server's 127.0.0.1: ALLOWED_HOST_PORT's origin is in the server's
 * WIDGET_ALLOWED_ORIGINS (playwright.config.ts), REFUSED_HOST_PORT's is not. The tests of
 * this file run in order in one worker (the host pages hold fixed ports).
 */

type WorkerFixtures = {
  /** Host pages on the allowed origin and on one no list names, for this worker. */
  hosts: { allowed: HostPages; refused: HostPages; parleyOrigin: string };
};
type Fixtures = {
  /** The widget on a host page, titled "Help" (the default). */
  widget: WidgetOnHost;
};

const test = base.extend<Fixtures, WorkerFixtures>({
  hosts: [
    // biome-ignore lint/correctness/noEmptyPattern: Playwright reads a fixture's needs from this pattern; it needs none.
    async ({}, use, workerInfo) => {
      const baseURL = workerInfo.project.use.baseURL;
      if (!baseURL) throw new Error("the widget specs need the shared server's baseURL");
      const parleyOrigin = new URL(baseURL).origin;
      const allowed = await startHostPages({ port: ALLOWED_HOST_PORT, parleyOrigin });
      const refused = await startHostPages({ port: REFUSED_HOST_PORT, parleyOrigin });
      try {
        await use({ allowed, refused, parleyOrigin });
      } finally {
        await allowed.close();
        await refused.close();
      }
    },
    { scope: "worker" },
  ],
  widget: async ({ page }, use) => {
    await use(new WidgetOnHost(page));
  },
});

test.describe.configure({ mode: "default" });

const PHONE = { width: 390, height: 844 };

test.describe("widget: launcher and panel", () => {
  test("the launcher sits in the corner, labelled, and opens a labelled panel with the embed", async ({
    page,
    widget,
    hosts,
  }) => {
    await widget.goto(hosts.allowed.url("plain"));
    await expect(widget.launcher).toBeVisible();
    await expect(widget.launcher).toHaveAttribute("aria-expanded", "false");
    await expect(widget.panel).toBeHidden();
    // No iframe until the visitor (or the host) opens it: a page view costs Parley nothing.
    await expect(widget.widget.locator("iframe")).toHaveCount(0);

    const viewport = page.viewportSize();
    const box = await widget.launcher.boundingBox();
    expect(viewport && box).toBeTruthy();
    if (!viewport || !box) return;
    expect(box).toEqual({
      x: viewport.width - 24 - 56,
      y: viewport.height - 24 - 56,
      width: 56,
      height: 56,
    });

    await widget.launcher.click();
    await expect(widget.panel).toBeVisible();
    await expect(widget.launcher).toHaveAttribute("aria-expanded", "true");
    const controls = await widget.launcher.getAttribute("aria-controls");
    expect(await widget.panel.getAttribute("id")).toBe(controls);
    await expect(widget.closeButton).toBeVisible();
    await expect(widget.iframe).toHaveAttribute("src", `${hosts.parleyOrigin}/embed`);
    // It slides in (motion is not reduced here; see "with reduced motion").
    expect(await widget.panel.evaluate((el) => getComputedStyle(el).animationName)).toBe(
      "parley-in",
    );
    await widget.panelSettled();
    const panel = await widget.panel.boundingBox();
    expect(panel?.width).toBe(400);
    expect(panel?.height).toBe(640);

    // Closed and opened again: the same document, not a reload (a conversation, even a
    // streaming answer, survives).
    const frame = await widget.embedFrame();
    await expect.poll(() => frame.url()).toBe(`${hosts.parleyOrigin}/embed`);
    // The chat's Copy button may write to the clipboard: the iframe delegates it.
    const clipboardAllowed = await frame.evaluate(() =>
      (
        document as unknown as { featurePolicy: { allowsFeature(f: string): boolean } }
      ).featurePolicy.allowsFeature("clipboard-write"),
    );
    expect(clipboardAllowed).toBe(true);
    await frame.evaluate(() => {
      (window as unknown as { keptMark: number }).keptMark = 7;
    });
    await widget.closeButton.click();
    await expect(widget.panel).toBeHidden();
    await expect(widget.launcher).toBeFocused();
    await widget.launcher.click();
    await expect(widget.panel).toBeVisible();
    expect(await frame.evaluate(() => (window as unknown as { keptMark?: number }).keptMark)).toBe(
      7,
    );
    await expect(widget.widget.locator("iframe")).toHaveCount(1);
  });

  test("keyboard only: Tab reaches the launcher, Enter opens into the chat, Escape closes back to the launcher", async ({
    page,
    widget,
    hosts,
  }) => {
    await widget.goto(hosts.allowed.url("plain"));
    // The host page's own controls come first (two links, two buttons); the launcher is
    // the last thing in the document.
    for (
      let i = 0;
      i < 10 && !(await widget.launcher.evaluate((el) => el.matches(":focus")));
      i++
    ) {
      await page.keyboard.press("Tab");
    }
    await expect(widget.launcher).toBeFocused();
    expect(await widget.launcher.evaluate((el) => el.matches(":focus-visible"))).toBe(true);

    await page.keyboard.press("Enter");
    await expect(widget.panel).toBeVisible();
    await expect.poll(() => widget.focusIsOnIframe()).toBe(true);
    const frame = await widget.embedFrame();
    await expect.poll(() => frame.evaluate(() => document.hasFocus())).toBe(true);
    // Once the chat is ready, the widget passes focus on to its question box.
    await expect(widget.embed.getByTestId("chat-input")).toBeFocused();

    // Escape inside the chat: the embed asks the widget to close.
    await page.keyboard.press("Escape");
    await expect(widget.panel).toBeHidden();
    await expect(widget.launcher).toHaveAttribute("aria-expanded", "false");
    await expect(widget.launcher).toBeFocused();

    // Space opens too; Escape on the host side of the panel (its Close button) closes.
    await page.keyboard.press("Space");
    await expect(widget.panel).toBeVisible();
    await widget.closeButton.focus();
    await page.keyboard.press("Escape");
    await expect(widget.panel).toBeHidden();
    await expect(widget.launcher).toBeFocused();
    // Enter on Close closes as well.
    await page.keyboard.press("Enter");
    await expect(widget.panel).toBeVisible();
    await widget.closeButton.focus();
    await page.keyboard.press("Enter");
    await expect(widget.panel).toBeHidden();
    await expect(widget.launcher).toBeFocused();
  });

  for (const [name, viewport] of [
    ["on a phone", PHONE],
    ["on a phone held sideways", { width: PHONE.height, height: PHONE.width }],
  ] as const) {
    test.describe(name, () => {
      test.use({ viewport });

      test("the open panel covers the screen; closing brings the launcher back", async ({
        widget,
        hosts,
      }) => {
        await widget.goto(hosts.allowed.url("plain"));
        await widget.launcher.click();
        await expect(widget.panel).toBeVisible();
        await widget.panelSettled();
        expect(await widget.panel.boundingBox()).toEqual({ x: 0, y: 0, ...viewport });
        // Under the panel, the launcher is out of sight and out of the tab order, and so is
        // the host page: Tab goes round the panel (the chat, then Close, then the chat).
        await expect(widget.launcher).toBeHidden();
        await expect.poll(() => widget.focusIsOnIframe()).toBe(true);
        let reachedClose = false;
        for (let i = 0; i < 40 && !reachedClose; i++) {
          await widget.page.keyboard.press("Tab");
          expect(await widget.focusIsInWidget()).toBe(true);
          reachedClose = await widget.closeButton.evaluate((el) => el.matches(":focus"));
        }
        expect(reachedClose).toBe(true);
        await widget.page.keyboard.press("Tab");
        await expect.poll(() => widget.focusIsOnIframe()).toBe(true);
        await widget.closeButton.focus();
        await widget.page.keyboard.press("Shift+Tab");
        expect(await widget.focusIsInWidget()).toBe(true);
        await expect(widget.closeButton).toBeVisible();
        await widget.closeButton.click();
        await expect(widget.panel).toBeHidden();
        await expect(widget.launcher).toBeVisible();
        await expect(widget.launcher).toBeFocused();
      });
    });
  }

  test("the protocol against a stand-in embed that listens late: hello until ready, then the host's questions in order and focus", async ({
    page,
    hosts,
  }) => {
    const widget = new WidgetOnHost(page);
    await widget.goto(hosts.allowed.url("stand-in"));
    // Two questions before there is even a frame: the widget opens and keeps them.
    await widget.post({ parley: "ask", question: "first question" });
    await widget.post({ parley: "ask", question: "second question" });
    await expect(widget.panel).toBeVisible();
    const received = widget.embed.getByTestId("received").locator("li");
    // The stand-in ignores everything for a while after it loads; a single hello at load
    // would be lost, and it never says ready unasked.
    await expect(received.first()).toHaveText('{"parley":"hello"}');
    await expect(received.filter({ hasNotText: '"hello"' })).toHaveText([
      '{"parley":"ask","question":"first question"}',
      '{"parley":"ask","question":"second question"}',
      '{"parley":"focus"}',
    ]);
    await expect(widget.embed.getByTestId("chat-input")).toBeFocused();
    // The ready reply reached the host page too, from the embed's origin.
    await expect(page.getByTestId("host-events")).toContainText(
      '{"parley":"ready","storage":"memory"}',
    );

    // Ready, a question goes straight through.
    await widget.post({ parley: "ask", question: "third question" });
    await expect(received.filter({ hasNotText: '"hello"' })).toHaveCount(5);
    await expect(received.filter({ hasNotText: '"hello"' }).nth(3)).toHaveText(
      '{"parley":"ask","question":"third question"}',
    );

    // The embed's close (Escape in the real one) closes the panel, focus to the launcher.
    await widget.embed.getByRole("button", { name: "Post close" }).click();
    await expect(widget.panel).toBeHidden();
    await expect(widget.launcher).toBeFocused();
  });

  test.describe("with reduced motion", () => {
    test.use({ reducedMotion: "reduce" });

    test("the panel opens without its slide-in", async ({ widget, hosts }) => {
      await widget.goto(hosts.allowed.url("plain"));
      await widget.launcher.click();
      await expect(widget.panel).toBeVisible();
      expect(await widget.panel.evaluate((el) => getComputedStyle(el).animationName)).toBe("none");
    });
  });

  test("data-title, data-color and data-position shape it; invalid values fall back", async ({
    page,
    hosts,
  }) => {
    const beacon = new WidgetOnHost(page, "Beacon help");
    await beacon.goto(
      hosts.allowed.url("plain", { title: "Beacon help", color: "#fde047", position: "left" }),
    );
    const box = await beacon.launcher.boundingBox();
    expect(box?.x).toBe(24);
    // A light colour gets dark text; the header has the same pair.
    const colours = (el: Element) => {
      const style = getComputedStyle(el);
      return [style.backgroundColor, style.color];
    };
    expect(await beacon.launcher.evaluate(colours)).toEqual([
      "rgb(253, 224, 71)",
      "rgb(17, 24, 39)",
    ]);
    await beacon.launcher.click();
    await expect(beacon.panel).toBeVisible();
    await expect(beacon.iframe).toBeAttached();
    await expect(beacon.panel).toContainText("Beacon help");
    await beacon.panelSettled();
    expect((await beacon.panel.boundingBox())?.x).toBe(24);

    // #rgb is accepted; a dark colour gets white text.
    await beacon.goto(hosts.allowed.url("plain", { title: "Beacon help", color: "#030" }));
    expect(await beacon.launcher.evaluate(colours)).toEqual([
      "rgb(0, 51, 0)",
      "rgb(255, 255, 255)",
    ]);

    // Not #rgb/#rrggbb (here CSS that would break out of the declaration), a title too long
    // and an unknown position: the defaults.
    const fallback = new WidgetOnHost(page, "Help");
    await fallback.goto(
      hosts.allowed.url("plain", {
        title: "x".repeat(61),
        color: "red;background:url(//evil.example)",
        position: "top",
      }),
    );
    expect(await fallback.launcher.evaluate(colours)).toEqual([
      "rgb(79, 70, 229)",
      "rgb(255, 255, 255)",
    ]);
    const viewport = page.viewportSize();
    expect((await fallback.launcher.boundingBox())?.x).toBe((viewport?.width ?? 0) - 24 - 56);
  });

  test("the script tag twice on a page makes one widget", async ({ page, widget, hosts }) => {
    await widget.goto(hosts.allowed.url("twice"));
    await expect(page.locator("script[src$='/widget.js']")).toHaveCount(2);
    // Both copies have run once the page has loaded (they are async).
    await page.waitForLoadState("load");
    await expect(page.locator("parley-widget")).toHaveCount(1);
    await expect(page.getByRole("button", { name: "Open Help" })).toHaveCount(1);
  });
});

test.describe("widget: accessibility", () => {
  for (const colorScheme of ["light", "dark"] as const) {
    test.describe(colorScheme, () => {
      test.use({ colorScheme });

      test("axe finds no serious violation in the widget, closed or open", async ({
        page,
        widget,
        hosts,
      }) => {
        await widget.goto(hosts.allowed.url("plain", { theme: colorScheme }));
        const axe = () =>
          new AxeBuilder({ page })
            .include("parley-widget")
            .withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"])
            .analyze();
        const serious = (results: Awaited<ReturnType<typeof axe>>) =>
          results.violations
            .filter((v) => v.impact === "serious" || v.impact === "critical")
            .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
        const closed = await axe();
        expect(serious(closed)).toEqual([]);
        // axe did look inside the shadow root: it checked the launcher's name.
        expect(closed.passes.map((rule) => rule.id)).toContain("button-name");
        await widget.launcher.click();
        await expect(widget.embed.getByTestId("chat-input")).toBeVisible();
        await widget.panelSettled();
        expect(serious(await axe())).toEqual([]);
      });
    });
  }
});

test.describe("widget: the host page is left alone", () => {
  test("aggressive host CSS neither hides nor breaks it, and the host's globals and styles are untouched", async ({
    page,
    widget,
    hosts,
  }) => {
    await widget.goto(hosts.allowed.url("aggressive"));
    await page.waitForLoadState("load");
    const viewport = page.viewportSize();
    if (!viewport) throw new Error("no viewport");

    // In its corner, at its size, visible and on top where it is.
    await expect(widget.launcher).toBeVisible();
    expect(await widget.launcher.boundingBox()).toEqual({
      x: viewport.width - 80,
      y: viewport.height - 80,
      width: 56,
      height: 56,
    });
    const shown = await widget.widget.evaluate((el) => {
      const style = getComputedStyle(el);
      return [style.display, style.opacity, style.transform, style.visibility, style.position];
    });
    expect(shown).toEqual(["block", "1", "none", "visible", "fixed"]);
    expect(await widget.hitAtCentreOf(widget.launcher)).toBe("Open Help");

    await widget.launcher.click();
    await expect(widget.panel).toBeVisible();
    await widget.panelSettled();
    const panel = await widget.panel.boundingBox();
    expect(panel).toEqual({
      x: viewport.width - 24 - 400,
      y: viewport.height - 96 - 640,
      width: 400,
      height: 640,
    });
    await expect(widget.iframe).toBeVisible();
    expect(await widget.hitAtCentreOf(widget.closeButton)).toBe("Close Help");
    await widget.closeButton.click();
    await expect(widget.panel).toBeHidden();

    const check = await widget.hostCheck();
    expect(check).toEqual({
      addedGlobals: [],
      removedGlobals: [],
      globalsIntact: true,
      changedStyles: [],
      styleSheets: [check.styleSheets[0], check.styleSheets[0]],
      addedBodyChildren: ["parley-widget"],
      rootAttributesChanged: false,
      storageChanged: false,
    });
  });

  test("a host with a strict CSP (no inline styles, Trusted Types) shows it styled, with no violation", async ({
    page,
    widget,
    hosts,
  }) => {
    await widget.goto(hosts.allowed.url("strict-csp"));
    const box = await widget.launcher.boundingBox();
    expect([box?.width, box?.height]).toEqual([56, 56]);
    await widget.launcher.click();
    await expect(widget.panel).toBeVisible();
    await widget.panelSettled();
    expect((await widget.panel.boundingBox())?.width).toBe(400);
    await expect(widget.iframe).toBeVisible();
    await expect(page.getByTestId("csp-violations").locator("li")).toHaveCount(0);
  });
});

test.describe("widget: origins", () => {
  test("a host origin not on WIDGET_ALLOWED_ORIGINS: the browser refuses the frame", async ({
    page,
    widget,
    hosts,
  }) => {
    const refusals: string[] = [];
    page.on("console", (message) => {
      if (/frame-ancestors/.test(message.text())) refusals.push(message.text());
    });
    // The allowed origin first: the same steps load Parley's /embed in the frame.
    await widget.goto(hosts.allowed.url("plain"));
    await widget.launcher.click();
    const allowedFrame = await widget.embedFrame();
    await expect.poll(() => allowedFrame.url()).toBe(`${hosts.parleyOrigin}/embed`);
    expect(await allowedFrame.evaluate(() => location.origin)).toBe(hosts.parleyOrigin);
    expect(refusals).toEqual([]);

    await widget.goto(hosts.refused.url("plain"));
    await widget.launcher.click();
    await expect(widget.iframe).toHaveAttribute("src", `${hosts.parleyOrigin}/embed`);
    const frame = await widget.embedFrame();
    // Chromium replaces a document that frame-ancestors forbids with its error page.
    await expect.poll(() => frame.url()).toBe("chrome-error://chromewebdata/");
    await expect.poll(() => refusals.length).toBeGreaterThan(0);
    expect(refusals[0]).toContain(`Framing '${hosts.parleyOrigin}/'`);
  });

  test("messages from another origin are ignored; the host page's own open and close it", async ({
    page,
    widget,
    hosts,
  }) => {
    await widget.goto(hosts.allowed.url("frame-sender"));
    // A frame of another origin in the host page posts open and ask to the host's window…
    await page.frameLocator("iframe[title='Partner frame']").getByRole("button").click();
    const received = page.getByTestId("child-messages").locator("li");
    await expect(received).toHaveCount(2);
    // …which the widget heard (its listener is on that window: the same dispatch that
    // reached the host's own listener) and ignored.
    await widget.messagesHandled();
    await expect(widget.launcher).toHaveAttribute("aria-expanded", "false");
    await expect(widget.panel).toBeHidden();
    await expect(widget.widget.locator("iframe")).toHaveCount(0);

    // Messages of the wrong shape from the page itself are ignored too.
    for (const message of [
      { parley: "ask", question: "" },
      { parley: "ask", question: "x".repeat(4001) },
      { parley: "ask", question: " \n " },
      { parley: "ask", question: 42 },
      { parley: "ask" },
      { parley: "opened" },
      { parley: ["open"] },
      "open",
      ["open"],
      null,
    ]) {
      await widget.post(message);
    }
    await widget.messagesHandled();
    await expect(widget.launcher).toHaveAttribute("aria-expanded", "false");
    await expect(widget.widget.locator("iframe")).toHaveCount(0);

    await widget.post({ parley: "open" });
    await expect(widget.panel).toBeVisible();
    await expect(widget.launcher).toHaveAttribute("aria-expanded", "true");
    await expect(widget.widget.locator("iframe")).toHaveCount(1);

    // Opening hands focus to the chat once the embed is ready (a message across processes);
    // after that, a close the host asks for leaves the visitor's focus where it was.
    await expect(widget.embed.getByTestId("chat-input")).toBeFocused();
    await page.getByTestId("host-open").focus();
    await widget.post({ parley: "close" });
    await expect(widget.panel).toBeHidden();
    await expect(page.getByTestId("host-open")).toBeFocused();

    // The host's own button uses the API to open it.
    await page.getByTestId("host-open").click();
    await expect(widget.panel).toBeVisible();
  });
});

test.describe("widget: the conversation", () => {
  test.describe.configure({ timeout: 90_000 });
  const QUESTION = "How do I reset my password?";

  for (const [name, viewport] of [
    ["on a desktop", { width: 1280, height: 800 }],
    ["on a phone", PHONE],
  ] as const) {
    test(`${name}, keyboard only: a question gets a streamed, cited answer, and a reload of the host page keeps the conversation`, async ({
      page,
      widget,
      hosts,
    }) => {
      await page.setViewportSize(viewport);
      await widget.goto(hosts.allowed.url("plain"));
      await widget.launcher.focus();
      await page.keyboard.press("Enter");
      await expect(widget.embed.getByTestId("chat-input")).toBeFocused();

      // The frame's requests are Parley's own: the answer streams from /api/chat.
      const streamed = page.waitForResponse(
        (r) => r.url() === `${hosts.parleyOrigin}/api/chat` && r.request().method() === "POST",
      );
      await page.keyboard.type(QUESTION);
      await page.keyboard.press("Enter");
      expect((await streamed).headers()["content-type"]).toContain("text/event-stream");
      const answer = await widget.waitForAnswer(0);
      const sources = new SourcesPanel(answer);
      await expect(sources.cards.first()).toBeVisible();
      await expect(sources.markers.first()).toBeVisible();
      await expect(answer.getByTestId("fcs-badge")).toBeVisible();
      const text = await widget.answerText(answer);
      // The frame's address follows the conversation, as the full page's does.
      const frame = await widget.embedFrame();
      await expect.poll(() => frame.url()).toMatch(/\/embed\/chat\/cht_[\w-]+$/);

      await page.reload();
      await widget.launcher.waitFor();
      await widget.launcher.focus();
      await page.keyboard.press("Enter");
      await expect(widget.questions).toHaveText([QUESTION]);
      const again = await widget.waitForAnswer(0);
      expect(await widget.answerText(again)).toBe(text);
      await expect(new SourcesPanel(again).cards.first()).toBeVisible();
      // The partitioned cookie is what kept it: the host's site, SameSite=None.
      const cookies = await page.context().cookies(hosts.parleyOrigin);
      expect(cookies.find((c) => c.name === "parley_embed")).toMatchObject({
        sameSite: "None",
        secure: true,
      });
      await expect(widget.embed.getByTestId("embed-storage-notice")).toHaveCount(0);
    });
  }

  test("Escape first closes what is open in the chat (the reason for a thumbs-down), then the widget", async ({
    page,
    widget,
    hosts,
  }) => {
    await widget.goto(hosts.allowed.url("plain"));
    await widget.launcher.click();
    await widget.embed.getByTestId("chat-input").fill(QUESTION);
    await widget.embed.getByTestId("send-button").click();
    const answer = await widget.waitForAnswer(0);
    await answer.getByTestId("feedback-down").click();
    const reason = widget.embed.getByTestId("feedback-reason");
    await expect(reason).toBeVisible();
    await reason.locator("textarea, input").first().focus();
    await page.keyboard.press("Escape");
    await expect(reason).toBeHidden();
    await expect(widget.panel).toBeVisible();
    await page.keyboard.press("Escape");
    await expect(widget.panel).toBeHidden();
    await expect(widget.launcher).toBeFocused();
  });

  test("the host page asks a question through the API, and hears when the answer is done", async ({
    page,
    widget,
    hosts,
  }) => {
    await widget.goto(hosts.allowed.url("plain"));
    await page.getByTestId("host-ask").click();
    await expect(widget.panel).toBeVisible();
    await expect(widget.questions.last()).toHaveText("How do I get a refund?");
    const n = (await widget.answers.count()) - 1;
    await widget.waitForAnswer(n);
    await expect
      .poll(async () => (await widget.hostEvents()).filter((e) => e.parley === "answer"))
      .toHaveLength(1);
    const [event] = (await widget.hostEvents()).filter((e) => e.parley === "answer");
    expect(event).toMatchObject({ status: "complete" });
    expect(event?.chatId).toMatch(/^cht_/);
    expect(event?.turnId).toMatch(/^trn_/);
    expect(typeof event?.sources).toBe("number");
    // The event names the conversation the frame shows.
    const frame = await widget.embedFrame();
    await expect.poll(() => frame.url()).toContain(`/embed/chat/${event?.chatId}`);
  });

  test("a browser that keeps no cookie for the frame: the chat still answers, says its history lasts only while the page is open, and a reload starts afresh", async ({
    playwright,
    hosts,
  }, testInfo) => {
    // Parley by a name that is not localhost, over plain http: the browser refuses the
    // frame's Secure cookie (and the Lax one, in a frame of another site), as a browser
    // that blocks third-party storage would.
    const launchOptions = testInfo.project.use.launchOptions ?? {};
    const browser = await playwright.chromium.launch({
      ...launchOptions,
      args: [
        ...(launchOptions.args ?? []),
        `--host-resolver-rules=MAP ${INSECURE_PARLEY_HOST} 127.0.0.1`,
      ],
    });
    try {
      const page = await browser.newPage();
      const widget = new WidgetOnHost(page);
      await widget.goto(hosts.allowed.url("no-storage"));
      await widget.launcher.click();
      await expect(widget.embed.getByTestId("embed-storage-notice")).toContainText(
        "only while this page is open",
      );
      // No conversations sheet to offer: a reload would not find them.
      await expect(widget.embed.getByTestId("open-history")).toHaveCount(0);
      await widget.embed.getByTestId("chat-input").fill(QUESTION);
      await widget.embed.getByTestId("send-button").click();
      const answer = await widget.waitForAnswer(0);
      await expect(new SourcesPanel(answer).cards.first()).toBeVisible();
      // A second question in the same conversation: the frame's visitor is the same one.
      await widget.embed
        .getByTestId("chat-input")
        .fill("And what if I no longer have access to my email?");
      await widget.embed.getByTestId("send-button").click();
      await widget.waitForAnswer(1);
      expect(await page.context().cookies()).toEqual([]);

      await page.reload();
      await widget.launcher.click();
      await expect(widget.embed.getByTestId("embed-storage-notice")).toBeVisible();
      await expect(widget.embed.getByTestId("chat-input")).toBeVisible();
      await expect(widget.questions).toHaveCount(0);
    } finally {
      await browser.close();
    }
  });
});
