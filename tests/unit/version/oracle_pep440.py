# Oracle for tests/unit/version/test_pep440.c: packaging.version.Version
# (Debian's python3-packaging). Reads one JSON array [a, b] per line from
# argv[1], writes "VA VB CMP" per line to argv[2]: VA/VB 1 when Version(x)
# parses, CMP the sign of the comparison or "x" when an operand is invalid.
import json
import sys

from packaging.version import InvalidVersion, Version


def parse(v):
    try:
        return Version(v)
    except InvalidVersion:
        return None


with open(sys.argv[1], encoding="utf-8") as f, open(sys.argv[2], "w") as out:
    for line in f:
        a, b = json.loads(line)
        va, vb = parse(a), parse(b)
        cmp = "x" if va is None or vb is None else str((va > vb) - (va < vb))
        out.write(f"{int(va is not None)} {int(vb is not None)} {cmp}\n")
