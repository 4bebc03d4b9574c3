#!/usr/bin/env python3
"""The report page in a real browser (Debian's headless chromium, driven by selenium).

Runs a small sweep and opens its report.html while the sweep is still running (the sweep's own process is
held with SIGSTOP meanwhile, so "still running" does not depend on the machine's speed; its trials go on): the
page must say it is live and reload itself until, once the sweep has ended, it shows the final page without
the reload. On that page:
no console errors, every image loaded (naturalWidth > 0), clicking a header sorts the table (both ways, numbers
as numbers), the filter box hides the other rows, and every link points at a file that exists.

usage: browser_test.py SEQLAB_BINARY

Exit 77 (ctest: skipped, and it says why) when chromium, chromedriver or python3-selenium is missing, unless
SEQLAB_TEST_REQUIRE_BROWSER=1 (tools/test sets it, having installed them) or CI=true: then that is a failure.
"""
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse

SKIP = 77

EXPERIMENT = """name: browser
seed: 0
dataset:   {plugin: sine, num_samples: 40, val_samples: 10, seq_length: 8, shift: 0.1, target: last}
model:     {plugin: rnn, hidden_size: 3, num_layers: 1}
loss:      {plugin: mse}
optimizer: {plugin: adam, lr: 0.01}
training:  {epochs: %d, batch_size: 0, log_every: 0}
sweep:
  parameters:
    model.plugin: [rnn, gru]
    optimizer.lr: [0.001, 0.01, 0.1]
"""


def fail(message):
    print("FAIL: " + message, file=sys.stderr)
    sys.exit(1)


def missing_browser():
    """What is missing to drive chromium, or None."""
    missing = [tool for tool in ("chromium", "chromedriver") if shutil.which(tool) is None]
    try:
        import selenium  # noqa: F401
    except ImportError:
        # Debian's python3-selenium is for Debian's python3; one found first on PATH (pyenv, a venv) lacks it.
        debian = "/usr/bin/python3"
        if os.path.exists(debian) and os.path.realpath(sys.executable) != os.path.realpath(debian):
            os.execv(debian, [debian] + sys.argv)
        missing.append("python3-selenium")
    return missing or None


def start_browser(profile):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium")
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--user-data-dir=" + profile, "--window-size=1300,1000"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    # The Debian driver by its path: selenium must not try to download one.
    return webdriver.Chrome(service=Service(executable_path=shutil.which("chromedriver")), options=options)


def wait_for(what, condition, seconds):
    from selenium.common.exceptions import WebDriverException

    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            value = condition()
        except WebDriverException:  # asked while the page reloads
            value = None
        if value:
            return value
        time.sleep(0.2)
    fail("timed out after %d s waiting for %s" % (seconds, what))


def column_values(driver, header_text):
    """The sort keys (data-value, else text) of one column, in the rows' order."""
    return driver.execute_script(
        """
        const headers = Array.from(document.querySelectorAll('#runs thead th'));
        const col = headers.findIndex(th => th.textContent.replace(/[\\u25b2\\u25bc ]+$/, '') === arguments[0]);
        if (col < 0) return null;
        return Array.from(document.querySelectorAll('#runs tbody tr')).map(tr => {
          const cell = tr.cells[col];
          const v = cell.getAttribute('data-value');
          return v === null ? cell.textContent : v;
        });""", header_text)


def click_header(driver, header_text):
    from selenium.webdriver.common.by import By

    for th in driver.find_elements(By.CSS_SELECTOR, "#runs thead th"):
        if th.text.rstrip(" \u25b2\u25bc") == header_text:
            th.click()
            return th
    fail("no column header %r" % header_text)


def check_sorting(driver):
    metric = "final_val_loss"
    th = click_header(driver, metric)
    values = [float(v) for v in column_values(driver, metric) if v != ""]
    if values != sorted(values):
        fail("after one click on %s the rows are not ascending: %s" % (metric, values))
    if th.get_attribute("aria-sort") != "ascending":
        fail("the header does not say it sorts ascending: aria-sort=%r" % th.get_attribute("aria-sort"))
    click_header(driver, metric)
    values = [float(v) for v in column_values(driver, metric) if v != ""]
    if values != sorted(values, reverse=True):
        fail("after a second click on %s the rows are not descending: %s" % (metric, values))
    # A text column sorts as text.
    click_header(driver, "model.plugin")
    plugins = column_values(driver, "model.plugin")
    if plugins != sorted(plugins):
        fail("model.plugin is not sorted after a click: %s" % plugins)
    print("sorting: %s both ways, model.plugin as text" % metric)


def check_filter(driver):
    from selenium.webdriver.common.by import By

    box = driver.find_element(By.ID, "filter")
    box.send_keys("gru")
    visible = driver.execute_script(
        "return Array.from(document.querySelectorAll('#runs tbody tr')).filter(tr => !tr.hidden)"
        ".map(tr => tr.textContent)")
    if len(visible) != 3 or any("gru" not in row for row in visible):
        fail("the filter 'gru' should leave the 3 gru trials, it left %d rows" % len(visible))
    driver.execute_script("const f = document.getElementById('filter'); f.value = '';"
                          "f.dispatchEvent(new Event('input'));")
    print("filter: 'gru' leaves the 3 gru trials")


def check_images(driver):
    images = driver.execute_script(
        "return Array.from(document.images).map(img => [img.alt, img.complete, img.naturalWidth])")
    if len(images) < 3:
        fail("expected at least 3 images (curves, parallel coordinates, metric plots), found %d" % len(images))
    broken = [alt for alt, complete, width in images if not complete or width == 0]
    if broken:
        fail("images that did not load: %s" % broken)
    print("images: all %d loaded" % len(images))


def check_links(driver, page):
    hrefs = driver.execute_script("return Array.from(document.links).map(a => a.getAttribute('href'))")
    folder = os.path.dirname(page)
    for href in hrefs:
        if href.startswith("#"):
            continue
        if "://" in href:
            fail("the page links outside itself: %s" % href)
        target = os.path.join(folder, urllib.parse.unquote(href))
        if not os.path.exists(target):
            fail("a link points at nothing: %s" % href)
    print("links: all %d point at existing files" % len(hrefs))


def check_console(driver):
    errors = [entry for entry in driver.get_log("browser") if entry.get("level") == "SEVERE"]
    if errors:
        fail("console errors: %s" % errors)


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    seqlab = sys.argv[1]
    missing = missing_browser()
    if missing:
        why = "report_page_in_chromium: needs %s (Debian: apt-get install chromium chromium-driver python3-selenium;" \
              " tools/test installs them)" % ", ".join(missing)
        if os.environ.get("SEQLAB_TEST_REQUIRE_BROWSER") == "1" or os.environ.get("CI", "") not in ("", "0", "false"):
            fail(why)
        print("SKIPPED " + why)
        return SKIP
    if shutil.which("gnuplot") is None:
        fail("gnuplot is needed to draw the page's plots")

    with tempfile.TemporaryDirectory(prefix="seqlab-browser-") as scratch:
        experiment = os.path.join(scratch, "exp.yaml")
        with open(experiment, "w") as f:
            f.write(EXPERIMENT % 300)
        sweep_folder = os.path.join(scratch, "sw")
        page = os.path.join(sweep_folder, "report.html")
        sweep = subprocess.Popen([seqlab, "sweep", experiment, "--jobs", "2", "--out", sweep_folder],
                                 stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        driver = None
        try:
            # The first page is written as soon as the trials start; trials of a few tenths of a second each
            # leave ample time to catch the sweep before its end.
            deadline = time.time() + 60
            while not os.path.exists(page) and sweep.poll() is None and time.time() < deadline:
                time.sleep(0.01)
            if sweep.poll() is not None:
                fail("the sweep ended before its first report.html was seen:\n" + sweep.communicate()[0])
            os.kill(sweep.pid, signal.SIGSTOP)
            try:
                driver = start_browser(os.path.join(scratch, "profile"))
                driver.get("file://" + page)
                live = driver.execute_script("return document.body.getAttribute('data-reload')")
                if live != "5" or "running:" not in driver.page_source:
                    fail("the page of a running sweep does not say so and reload itself (data-reload=%r)" % live)
                print("live: the running sweep's page says so and reloads every %s s" % live)
                check_console(driver)
            finally:
                os.kill(sweep.pid, signal.SIGCONT)
            output, _ = sweep.communicate(timeout=300)
            if sweep.returncode != 0:
                fail("the sweep failed (exit %d):\n%s" % (sweep.returncode, output))
            # The page reloads itself and finds the final page, which no longer reloads.
            wait_for("the page to reload into the finished sweep's page", lambda: driver.execute_script(
                "return document.readyState === 'complete' && !document.body.hasAttribute('data-reload')"), 30)
            if "sweep ended: 6 of 6 trials finished" not in driver.page_source:
                fail("the final page does not say the sweep ended")
            print("finished: the page reloaded into the final one, which does not reload")
            check_console(driver)
            check_images(driver)
            check_sorting(driver)
            check_filter(driver)
            check_links(driver, page)
            check_console(driver)
        finally:
            if sweep.poll() is None:
                sweep.kill()
            if driver is not None:
                driver.quit()
    print("report page: all checks passed in %s" % shutil.which("chromium"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
