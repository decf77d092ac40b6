#!/usr/bin/env python3
"""Validate an SBOM against an official JSON schema, offline.

usage: validate_sbom.py SCHEMA DOCUMENT

Every *.json next to SCHEMA is loaded and registered under its "$id", so the
CycloneDX schema's relative references (spdx.schema.json, jsf-0.82.schema.json)
resolve to the local copies and nothing is fetched. Besides the schema, checks
what schemas cannot express: CycloneDX bom-refs are unique and every dependency
ref names a component; SPDX IDs are unique and every relationship names an
element of the document. Exits 0 when valid, 1 with the reasons otherwise,
2 on usage or setup errors (missing jsonschema, unreadable files).
"""
import json
import os
import sys

try:
    import jsonschema
except ImportError:
    print("validate_sbom: python3 module jsonschema is missing (apt-get install python3-jsonschema)", file=sys.stderr)
    sys.exit(2)


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def local_schemas(schema_path):
    d = os.path.dirname(os.path.abspath(schema_path))
    out = {}
    for name in sorted(os.listdir(d)):
        if name.endswith(".json"):
            s = load(os.path.join(d, name))
            if isinstance(s, dict) and "$id" in s:
                out[s["$id"].rstrip("#")] = s
    return out


def make_validator(schema, store):
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    try:
        # jsonschema >= 4.18: a referencing registry; unknown URIs fail, never fetched.
        from referencing import Registry, Resource
        from referencing.jsonschema import specification_with

        default = specification_with(schema.get("$schema", ""))
        registry = Registry().with_resources(
            (uri, Resource.from_contents(s, default_specification=default)) for uri, s in store.items())
        return cls(schema, registry=registry, format_checker=jsonschema.FormatChecker())
    except ImportError:
        # Older jsonschema (Debian's 4.10): RefResolver with a store; refuse network schemes.
        def offline(uri):
            raise jsonschema.exceptions.RefResolutionError("not fetching %s (offline)" % uri)

        resolver = jsonschema.RefResolver.from_schema(
            schema, store=store, handlers={"http": offline, "https": offline})
        return cls(schema, resolver=resolver, format_checker=jsonschema.FormatChecker())


def short(msg, limit=300):
    # "'x' is not one of [...]" lists the whole licence-id enum: keep it readable.
    return msg if len(msg) <= limit else msg[:limit] + "..."


def semantic_errors(doc):
    errs = []
    if doc.get("bomFormat") == "CycloneDX":
        refs = []
        md = doc.get("metadata", {})
        if "component" in md and "bom-ref" in md["component"]:
            refs.append(md["component"]["bom-ref"])
        refs += [c["bom-ref"] for c in doc.get("components", []) if "bom-ref" in c]
        dup = {r for r in refs if refs.count(r) > 1}
        if dup:
            errs.append("duplicate bom-ref: %s" % sorted(dup))
        known = set(refs)
        for d in doc.get("dependencies", []):
            for r in [d["ref"]] + d.get("dependsOn", []):
                if r not in known:
                    errs.append("dependency names unknown bom-ref %r" % r)
    elif "spdxVersion" in doc:
        ids = [doc.get("SPDXID")] + [p["SPDXID"] for p in doc.get("packages", [])]
        dup = {i for i in ids if ids.count(i) > 1}
        if dup:
            errs.append("duplicate SPDXID: %s" % sorted(dup))
        known = set(ids)
        for r in doc.get("relationships", []):
            for k in ("spdxElementId", "relatedSpdxElement"):
                if r[k] not in known:
                    errs.append("relationship names unknown element %r" % r[k])
        for i in doc.get("documentDescribes", []):
            if i not in known:
                errs.append("documentDescribes names unknown element %r" % i)
    return errs


def main(argv):
    if len(argv) != 3:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    try:
        schema = load(argv[1])
        doc = load(argv[2])
        validator = make_validator(schema, local_schemas(argv[1]))
    except (OSError, ValueError, jsonschema.exceptions.SchemaError) as e:
        print("validate_sbom: %s" % e, file=sys.stderr)
        return 2
    errors = ["%s: %s" % ("/".join(str(p) for p in e.absolute_path) or "(root)", short(e.message))
              for e in validator.iter_errors(doc)]
    errors += semantic_errors(doc)
    for e in errors:
        print("validate_sbom: %s: %s" % (argv[2], e), file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
