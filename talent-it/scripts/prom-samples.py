#!/usr/bin/python3
"""Parses a Prometheus text exposition (format 0.0.4) on stdin with the Prometheus project's own Python parser
(Debian: python3-prometheus-client) and prints one sample per line, 'name{sorted labels}<TAB>value', label values
escaped as in the format. Exits 1 with the parser's message on a malformed exposition, and on a sample whose
family has no TYPE (an exposition library always declares one)."""
import math
import sys

from prometheus_client.parser import text_string_to_metric_families


def escape(value):
    return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n")


def number(value):
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    return repr(float(value))


def main():
    text = sys.stdin.read()
    try:
        families = list(text_string_to_metric_families(text))
    except ValueError as e:
        print("malformed exposition: %s" % e, file=sys.stderr)
        return 1
    for family in families:
        if family.type in ("unknown", "untyped") and not family.samples:
            continue
        if family.type == "unknown":
            print("family %s has no TYPE" % family.name, file=sys.stderr)
            return 1
        for sample in family.samples:
            labels = ",".join('%s="%s"' % (k, escape(v)) for k, v in sorted(sample.labels.items()))
            print("%s%s\t%s" % (sample.name, "{%s}" % labels if labels else "", number(sample.value)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
