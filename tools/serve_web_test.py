#!/usr/bin/python3
"""The page at `frost serve`'s "/" in a real headless browser (Debian's chromium,
chromium-driver and python3-selenium; run with Debian's /usr/bin/python3).

Starts `frost serve` with models/fashion_cnn on a free loopback port, opens the
page, and checks that: the model list and the signature come from the API; a
Fashion-MNIST test image given as a PNG file is drawn at 28x28, converted to
grayscale in the browser, and its top class is the one Keras predicted; a
pasted JSON request gives the same top class; a bad request shows the server's
error. Ends with "N passed, M failed"; exit code 0 when all passed.
Usage: tools/serve_web_test.py [--frost PATH]
"""
import argparse
import gzip
import os
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time
import zlib

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

from serve_checks import Checks, free_port

ROOT = os.environ.get("FROST_SOURCE_ROOT", os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FASHION_TEST_IMAGES = "/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz"
IMAGES = 3


def test_image_bytes(index):
    with gzip.open(FASHION_TEST_IMAGES, "rb") as f:
        f.read(16)
        f.read(index * 784)
        return f.read(784)


def write_gray_png(path, pixels, width, height):
    """A minimal 8-bit grayscale PNG (signature, IHDR, IDAT, IEND)."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    raw = b"".join(b"\x00" + pixels[y * width:(y + 1) * width] for y in range(height))
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
                + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def keras_predictions(count):
    with open(os.path.join(ROOT, "models/fashion_cnn/keras_predictions.npy"), "rb") as f:
        data = f.read()
    header_len = struct.unpack("<H", data[8:10])[0]
    return list(data[10 + header_len:10 + header_len + count])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frost", default=os.environ.get("FROST_BIN", os.path.join(ROOT, "build/src/cli/frost")))
    args = parser.parse_args()
    port = free_port()
    server = subprocess.Popen([args.frost, "serve", "--port", str(port), "--no-access-log",
                               "--model", "fashion=" + os.path.join(ROOT, "models/fashion_cnn/frozen_graph.pb")])
    check = Checks()

    options = Options()
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"):
        options.add_argument(flag)
    options.binary_location = "/usr/bin/chromium"
    driver = None
    try:
        driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
        wait = WebDriverWait(driver, 30)
        deadline = time.time() + 30
        while True:  # until the server listens
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.time() > deadline:
                    raise
                time.sleep(0.05)
        driver.get(f"http://127.0.0.1:{port}/")
        wait.until(lambda d: "DT_FLOAT" in d.find_element(By.ID, "signature").text)
        models = [o.text for o in Select(driver.find_element(By.ID, "model")).options]
        check("model list from GET /v1/models", models == ["fashion"], models)
        check("signature from the metadata", "conv2d_input DT_FLOAT [-1,28,28,1]" in
              driver.find_element(By.ID, "signature").text, driver.find_element(By.ID, "signature").text)

        def top_class():
            wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#results .bar") or d.find_element(By.ID, "error").text)
            bars = driver.find_elements(By.CSS_SELECTOR, "#results .bar")
            return int(bars[0].get_attribute("data-index")) if bars else driver.find_element(By.ID, "error").text

        expected = keras_predictions(IMAGES)
        with tempfile.TemporaryDirectory() as tmp:
            for i in range(IMAGES):
                png = os.path.join(tmp, f"image{i}.png")
                write_gray_png(png, test_image_bytes(i), 28, 28)
                driver.execute_script("document.getElementById('results').textContent = ''")
                driver.find_element(By.ID, "file").send_keys(png)
                got = top_class()
                check(f"image {i} (PNG, grayscaled in the browser): class {expected[i]}", got == expected[i], got)
        label = driver.find_element(By.CSS_SELECTOR, "#results .bar .label").text
        check("Fashion-MNIST class names on the bars", label.split(" ", 1)[-1] in
              "T-shirt/top,Trouser,Pullover,Dress,Coat,Sandal,Shirt,Sneaker,Bag,Ankle boot".split(","), label)

        # The JSON the image produced, pasted back, gives the same class.
        text = driver.find_element(By.ID, "json").get_attribute("value")
        driver.execute_script("document.getElementById('results').textContent = ''")
        driver.execute_script("document.getElementById('json').value = arguments[0]", text)
        driver.find_element(By.ID, "predict").click()
        got = top_class()
        check("pasted JSON request", got == expected[IMAGES - 1], got)

        driver.execute_script("document.getElementById('json').value = '{\"instances\": [[1.0]]}'")
        driver.find_element(By.ID, "predict").click()
        wait.until(lambda d: d.find_element(By.ID, "error").text)
        error = driver.find_element(By.ID, "error").text
        check("a bad request shows the server's error", "expected shape [?,28,28,1], got [1,1]" in error, error)
    except Exception as e:  # the browser or driver failed: one failure, with the reason
        check("browser session", False, repr(e))
    finally:
        if driver:
            driver.quit()
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
    return check.summary()


if __name__ == "__main__":
    sys.exit(main())
