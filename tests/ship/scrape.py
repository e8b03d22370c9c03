#!/usr/bin/env python3
"""scrape.py URL [--openmetrics]: GET URL, print the body; the
Content-Type header goes to stderr. Exit 1 on any HTTP error."""
import sys
import urllib.request

url = sys.argv[1]
req = urllib.request.Request(url)
if "--openmetrics" in sys.argv:
    req.add_header("Accept", "application/openmetrics-text; version=1.0.0")
try:
    with urllib.request.urlopen(req, timeout=10) as r:
        sys.stderr.write(r.headers.get("Content-Type", "") + "\n")
        sys.stdout.write(r.read().decode("utf-8"))
except Exception as e:  # noqa: BLE001 - any failure is the test's failure
    sys.stderr.write(f"scrape {url}: {e}\n")
    sys.exit(1)
