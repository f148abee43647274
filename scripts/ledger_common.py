"""What the ledger converters share: the monthly CSVs of one folder of
odileeds/council-spending-data, read from a checkout or a bare git directory, and the
`history import` file they become."""
import csv
import gzip
import io
import os
import subprocess
import sys

COLUMNS = ["line_id", "date", "amount", "account", "vendor_id", "vendor_name", "memo",
           "department", "class"]


def sources(src, folder, keep, encoding="utf-8"):
    """(name, text) of every CSV of `folder` whose file name `keep` accepts, in name order;
    `src` is a checkout of the repository or its bare git directory (as `fetch` leaves it)."""
    if os.path.isdir(os.path.join(src, "objects")):
        names = subprocess.run(
            ["git", "--git-dir", src, "ls-tree", "--name-only", f"HEAD:{folder}"],
            check=True, capture_output=True, text=True).stdout.split()
        for name in sorted(n for n in names if keep(n)):
            blob = subprocess.run(
                ["git", "--git-dir", src, "show", f"HEAD:{folder}/{name}"],
                check=True, capture_output=True).stdout
            yield name, blob.decode(encoding, "replace")
    else:
        # A checkout, or the folder itself.
        path = os.path.join(src, folder) if os.path.isdir(os.path.join(src, folder)) else src
        for name in sorted(n for n in os.listdir(path) if keep(n)):
            with open(os.path.join(path, name), encoding=encoding, errors="replace") as f:
                yield name, f.read()


def is_number(text):
    try:
        float(text)
        return True
    except ValueError:
        return False


def write(out, lines):
    """Writes `lines` (each a row in COLUMNS' order, or the reason a source row was left out)
    to the gzipped CSV `out`, and says how many were kept and why the others were not."""
    kept, skipped = 0, {}
    # No time or name in the gzip header, so that a rebuild is the same file byte for byte.
    with open(out, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", filename="", mtime=0) as z, \
            io.TextIOWrapper(z, newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(COLUMNS)
        for line in lines:
            if isinstance(line, str):
                skipped[line] = skipped.get(line, 0) + 1
            else:
                w.writerow(line)
                kept += 1
    print(f"{kept} lines written to {out}; skipped: {skipped}", file=sys.stderr)
