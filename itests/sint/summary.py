#!/usr/bin/env python3
"""Tallies a sinttest log (run.sh's sint.log) by test class: ran, passed, failed, impossible, with reasons."""
import re
import sys
from collections import defaultdict

text = open(sys.argv[1], encoding="utf-8", errors="replace").read()
classes = defaultdict(lambda: {"passed": 0, "failed": 0, "impossible": 0, "notes": []})
for m in re.finditer(r"^INFO: (\w+)\.(\w+) \(([^)]*)\) Success$", text, re.M):
    classes[m.group(1)]["passed"] += 1
for m in re.finditer(r"^SEVERE: (\w+)\.(\w+) \(([^)]*)\) Failed$", text, re.M):
    classes[m.group(1)]["failed"] += 1
for m in re.finditer(r"^SEVERE: (\w+)\.(\w+) \(([^)]*)\) failed: (.*)$", text, re.M):
    classes[m.group(1)]["notes"].append("FAILED %s: %s" % (m.group(2), m.group(4)[:240]))
for m in re.finditer(r"^INFO: (\w+)\.(\w+) \(([^)]*)\) is not possible$", text, re.M):
    classes[m.group(1)]["impossible"] += 1
for m in re.finditer(r"^INFO: Could not run (\w+)\.(\w+) \(([^)]*)\) because: (.*)$", text, re.M):
    classes[m.group(1)]["notes"].append("impossible %s: %s" % (m.group(2), m.group(4)[:240]))
for m in re.finditer(r"^INFO: Could not run ([\w.]+) because: (.*)$", text, re.M):
    name = m.group(1).rsplit(".", 1)[-1]
    classes[name]["impossible"] += 0
    classes[name]["notes"].append("class impossible: " + m.group(2)[:240])
    classes[name]["class_impossible"] = True

print("| class | ran | passed | failed | impossible |")
print("|---|---|---|---|---|")
tot = [0, 0, 0, 0]
for name in sorted(classes):
    c = classes[name]
    ran = c["passed"] + c["failed"]
    imp = "whole class" if c.get("class_impossible") else str(c["impossible"])
    print("| %s | %d | %d | %d | %s |" % (name, ran, c["passed"], c["failed"], imp))
    tot[0] += ran; tot[1] += c["passed"]; tot[2] += c["failed"]; tot[3] += c["impossible"]
print("| **total** | %d | %d | %d | %d tests + %d classes |" % (tot[0], tot[1], tot[2], tot[3],
      sum(1 for c in classes.values() if c.get("class_impossible"))))
print()
for name in sorted(classes):
    for n in classes[name]["notes"]:
        print("- %s %s" % (name, n))
