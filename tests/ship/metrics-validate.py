#!/usr/bin/env python3
"""Validate Prometheus text 0.0.4 / OpenMetrics 1.0 exposition.

    metrics-validate.py [--openmetrics] [--require NAME ...] FILE|-

Checks, line by line: every line is a comment (# HELP, # TYPE, # UNIT,
other comments only in the Prometheus format), a sample, or (OpenMetrics)
the final "# EOF"; metric and label names match the grammar; label values
use only the escapes \\\\, \\" and \\n; no label repeats in a sample; sample
values parse as floats; each family has at most one TYPE and one HELP, given
before its samples; a family's samples are contiguous; counter samples end
in _total (OpenMetrics: the TYPE names the family without it); no sample
(name + labels) appears twice; OpenMetrics ends with exactly one "# EOF".
Prints each problem as "line N: message" and exits 1 if there is any.
"""
import re
import sys

NAME = re.compile(r"[a-zA-Z_:][a-zA-Z0-9_:]*")
LABEL = re.compile(r"[a-zA-Z_][a-zA-Z0-9_]*")
TYPES_PROM = {"counter", "gauge", "histogram", "summary", "untyped"}
TYPES_OM = {"counter", "gauge", "histogram", "gaugehistogram", "stateset", "info",
            "summary", "unknown"}
SUFFIXES = ("_total", "_created", "_count", "_sum", "_bucket", "_gcount", "_gsum", "_info")


def parse_labels(s, i, errs, ln):
    """Parse {a="b",...} starting at s[i] == '{'; return (labels, next index)."""
    labels = []
    i += 1
    while True:
        if i < len(s) and s[i] == "}":
            return labels, i + 1
        m = LABEL.match(s, i)
        if not m:
            errs.append(f"line {ln}: bad label name at column {i + 1}")
            return None, len(s)
        name = m.group(0)
        i = m.end()
        if s[i:i + 2] != '="':
            errs.append(f"line {ln}: expected =\" after label {name}")
            return None, len(s)
        i += 2
        val = []
        while i < len(s) and s[i] != '"':
            if s[i] == "\\":
                if i + 1 >= len(s) or s[i + 1] not in '\\"n':
                    errs.append(f"line {ln}: bad escape in label {name}")
                    return None, len(s)
                val.append(s[i:i + 2])
                i += 2
            else:
                val.append(s[i])
                i += 1
        if i >= len(s):
            errs.append(f"line {ln}: unterminated value of label {name}")
            return None, len(s)
        i += 1
        if name in [n for n, _ in labels]:
            errs.append(f"line {ln}: label {name} twice")
        labels.append((name, "".join(val)))
        if i < len(s) and s[i] == ",":
            i += 1
            continue
        if i < len(s) and s[i] == "}":
            return labels, i + 1
        errs.append(f"line {ln}: expected , or }} after label {name}")
        return None, len(s)


def family_of(sample, types, om):
    """The declared family a sample name belongs to (longest match)."""
    if sample in types:
        return sample
    for suf in SUFFIXES:
        if sample.endswith(suf) and sample[: -len(suf)] in types:
            return sample[: -len(suf)]
    return sample


def validate(text, om):
    errs = []
    types, helps = {}, {}
    done = set()  # families whose samples ended
    current = None
    seen = set()
    nsamples = 0
    lines = text.split("\n")
    if not text.endswith("\n"):
        errs.append("the text does not end with a newline")
    if lines and lines[-1] == "":
        lines = lines[:-1]
    eof_at = None
    for ln, line in enumerate(lines, 1):
        if eof_at is not None:
            errs.append(f"line {ln}: text after # EOF")
            break
        if line == "# EOF":
            if not om:
                errs.append(f"line {ln}: # EOF in the Prometheus format")
            eof_at = ln
            continue
        if line.startswith("#"):
            parts = line.split(" ", 3)
            if len(parts) >= 3 and parts[1] in ("HELP", "TYPE", "UNIT"):
                kind, fam = parts[1], parts[2]
                if not NAME.fullmatch(fam):
                    errs.append(f"line {ln}: bad metric name {fam!r}")
                if fam in done or (current is not None and current != fam and fam in types):
                    errs.append(f"line {ln}: {kind} for {fam} after its samples")
                if kind == "TYPE":
                    t = parts[3] if len(parts) > 3 else ""
                    if fam in types:
                        errs.append(f"line {ln}: second TYPE for {fam}")
                    if t not in (TYPES_OM if om else TYPES_PROM):
                        errs.append(f"line {ln}: unknown type {t!r}")
                    if om and t == "counter" and fam.endswith("_total"):
                        errs.append(f"line {ln}: OpenMetrics counter family {fam} ends in _total")
                    types[fam] = t
                elif kind == "HELP":
                    if fam in helps:
                        errs.append(f"line {ln}: second HELP for {fam}")
                    helps[fam] = parts[3] if len(parts) > 3 else ""
                if current is not None and current != fam:
                    done.add(current)
                current = fam
            elif om:
                errs.append(f"line {ln}: OpenMetrics allows only HELP, TYPE, UNIT and EOF comments")
            continue
        if not line.strip():
            errs.append(f"line {ln}: empty line")
            continue
        m = NAME.match(line)
        if not m:
            errs.append(f"line {ln}: bad sample name")
            continue
        name = m.group(0)
        i = m.end()
        labels = []
        if i < len(line) and line[i] == "{":
            labels, i = parse_labels(line, i, errs, ln)
            if labels is None:
                continue
        rest = line[i:]
        if not rest.startswith(" "):
            errs.append(f"line {ln}: expected a space before the value")
            continue
        fields = rest.split()
        if len(fields) not in (1, 2):
            errs.append(f"line {ln}: expected value [timestamp], got {rest!r}")
            continue
        try:
            float(fields[0])
        except ValueError:
            errs.append(f"line {ln}: value {fields[0]!r} is not a number")
        fam = family_of(name, types, om)
        if fam not in types:
            errs.append(f"line {ln}: sample {name} has no TYPE")
        elif types[fam] == "counter" and not name.endswith("_total") and \
                not name.endswith("_created"):
            errs.append(f"line {ln}: counter sample {name} does not end in _total")
        if fam in done:
            errs.append(f"line {ln}: samples of {fam} are not contiguous")
        if current is not None and current != fam:
            done.add(current)
        current = fam
        key = (name, tuple(sorted(labels)))
        if key in seen:
            errs.append(f"line {ln}: sample {name}{dict(labels)} twice")
        seen.add(key)
        nsamples += 1
    if om and eof_at is None:
        errs.append("OpenMetrics text does not end with # EOF")
    return errs, types, nsamples


def main(argv):
    om = False
    require = []
    args = argv[1:]
    path = None
    while args:
        a = args.pop(0)
        if a == "--openmetrics":
            om = True
        elif a == "--require":
            require.append(args.pop(0))
        else:
            path = a
    text = sys.stdin.read() if path in (None, "-") else open(path, encoding="utf-8").read()
    errs, types, n = validate(text, om)
    for r in require:
        if r not in types:
            errs.append(f"required family {r} is missing")
    for e in errs:
        print(e)
    print(f"{'OpenMetrics' if om else 'Prometheus'} text: {len(types)} families, "
          f"{n} samples, {len(errs)} problems")
    return 1 if errs else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
