# Parses a Prometheus text exposition from stdin with the reference parser of the Prometheus
# Python client (Debian's python3-prometheus-client) and prints what it read, one line per
# family ("family NAME TYPE") and per sample ("sample NAME LABELS VALUE", labels as k=v joined
# by ';', sorted). Exits non-zero, with the parser's message, when the text does not parse.
import sys
from prometheus_client.parser import text_string_to_metric_families

text = sys.stdin.read()
try:
    families = list(text_string_to_metric_families(text))
except Exception as e:  # the parser raises ValueError (and others) on malformed input
    print("unparsable: %r" % (e,), file=sys.stderr)
    sys.exit(3)
for family in families:
    print("family %s %s" % (family.name, family.type))
    for sample in family.samples:
        labels = ";".join("%s=%s" % (k, v) for k, v in sorted(sample.labels.items()))
        print("sample %s %s %r" % (sample.name, labels or "-", sample.value))
