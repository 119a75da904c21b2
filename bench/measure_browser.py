"""Browser figures for one running server: time to markers drawn, to a pan, and the JS heap.

Usage: measure_browser.py BASE_URL. Prints one JSON object. Tiles are answered locally (no
network); Chromium is Debian's.
"""

import json
import os
import shutil
import sys

from playwright.sync_api import sync_playwright

CHROMIUM = os.environ.get("PTCE_CHROMIUM", shutil.which("chromium") or "/usr/bin/chromium")

# The page's own clock when the map's worker says its data is loaded, and when the map says
# its markers are drawn (it sets data-marker-count): watched from outside, so that the
# production script carries no timing code.
WATCH_MAP = """
var NativeWorker = window.Worker;
window.Worker = function (url, options) {
  var worker = new NativeWorker(url, options);
  worker.addEventListener("message", function (event) {
    if (event.data && event.data.type === "loaded" && window.__ptceDataMs === undefined) {
      window.__ptceDataMs = performance.now();
    }
  });
  return worker;
};
window.Worker.prototype = NativeWorker.prototype;
new MutationObserver(function (changes, observer) {
  if (document.querySelector("[data-map][data-marker-count]")) {
    window.__ptceDrawnMs = performance.now();
    observer.disconnect();
  }
}).observe(document, { subtree: true, attributes: true, attributeFilter: ["data-marker-count"] });
"""


def main() -> None:
    base = sys.argv[1]
    runs = 3
    figures = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--enable-precise-memory-info"],
        )  # fmt: skip
        for _ in range(runs):
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            context.route(
                "**/*",
                lambda route: (
                    route.continue_()
                    if route.request.url.startswith(base)
                    else route.fulfill(status=204)
                ),
            )
            context.add_init_script(WATCH_MAP)
            page = context.new_page()
            page.goto(base + "/")
            page.wait_for_selector("[data-map][data-marker-count]", timeout=120_000)
            timing = page.evaluate(
                """() => ({data: window.__ptceDataMs, drawn: window.__ptceDrawnMs,
                          markers: +document.querySelector('[data-map]').dataset.markerCount})"""
            )
            # First interaction: drag the map, then wait for the next painted frame.
            box = page.locator("[data-map]").bounding_box()
            x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
            start = page.evaluate("performance.now()")
            page.mouse.move(x, y)
            page.mouse.down()
            page.mouse.move(x + 150, y + 80, steps=5)
            page.mouse.up()
            panned = page.evaluate(
                "() => new Promise(r => requestAnimationFrame(() => r(performance.now())))"
            )
            heap = page.evaluate("performance.memory ? performance.memory.usedJSHeapSize : 0")
            figures.append(
                {
                    "markers": timing["markers"],
                    "data_arrived_ms": round(timing["data"]),
                    "markers_drawn_ms": round(timing["drawn"]),
                    "drawn_after_data_ms": round(timing["drawn"] - timing["data"]),
                    "pan_ms": round(panned - start),
                    "first_interaction_ms": round(panned - start + timing["drawn"]),
                    "heap_mb": round(heap / 1_048_576, 1),
                }
            )
            context.close()
        browser.close()
    figures.sort(key=lambda f: f["markers_drawn_ms"])
    print(json.dumps(figures[len(figures) // 2]))


if __name__ == "__main__":
    main()
