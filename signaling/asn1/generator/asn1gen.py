#!/usr/bin/env python3
"""ASN.1 -> C++ generator for aligned PER (X.691), run by CMake at build time.

  asn1gen.py --module FILE:NAMESPACE:PARTS [--module ...] --out DIR [--include-prefix P]

Reads every module file (imports between them are resolved), and writes for each module
DIR/include/P/NAMESPACE.h (types and codec declarations) and PARTS source files
DIR/src/NAMESPACE_codec_K.cc (K = 0..PARTS-1; several parts so that a large module such as
H.245 compiles in parallel). Files whose contents did not change are left untouched, so a
rerun rebuilds nothing. Python 3 standard library only.
"""

import argparse
import os
import sys

# No __pycache__ in the source tree: the build must leave the checkout clean.
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from asn1_lexer import Asn1Error  # noqa: E402
from asn1_model import Model  # noqa: E402
from asn1_parser import parse_module  # noqa: E402
from cpp_codec import emit_sources  # noqa: E402
from cpp_header import emit_header  # noqa: E402


def write_if_changed(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    try:
        with open(path, encoding="utf-8") as f:
            if f.read() == text:
                return
    except FileNotFoundError:
        pass
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, path)


def module_deps(model, module):
    """Namespaces of the other modules whose types this module's types use."""
    ns = model.namespaces[module.name]
    deps = set()

    def walk(use):
        if use.kind == "LIST":
            walk(use.element)
        elif use.kind == "STRUCT" and use.sdef.ns != ns:
            deps.add(use.sdef.ns)
        elif use.kind == "ENUMERATED" and use.edef.ns != ns:
            deps.add(use.edef.ns)
        if use.alias and use.alias[0] != ns:
            deps.add(use.alias[0])

    for s in model.structs[ns]:
        for f in s.all_fields():
            walk(f.use)
    for _, use in model.aliases[ns]:
        walk(use)
    return sorted(deps)


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--module", action="append", required=True, help="FILE:NAMESPACE:PARTS")
    ap.add_argument("--out", required=True)
    ap.add_argument("--include-prefix", default="tessera/signaling/h323/gen")
    ap.add_argument("--stats", action="store_true", help="print type counts per module")
    args = ap.parse_args(argv)
    specs = []
    for m in args.module:
        path, ns, parts = m.rsplit(":", 2)
        specs.append((path, ns, int(parts)))
    try:
        modules = []
        namespaces = {}
        for path, ns, _ in specs:
            with open(path, encoding="utf-8") as f:
                mod = parse_module(f.read(), os.path.basename(path))
            modules.append(mod)
            namespaces[mod.name] = ns
        model = Model(modules, namespaces)
        model.resolve_all()
        for (path, ns, parts), mod in zip(specs, modules):
            deps = module_deps(model, mod)
            header_rel = f"{args.include_prefix}/{ns}.h"
            write_if_changed(os.path.join(args.out, "include", header_rel),
                             emit_header(model, ns, mod, deps, args.include_prefix, os.path.basename(path)))
            for k, text in enumerate(emit_sources(model, ns, header_rel, parts)):
                write_if_changed(os.path.join(args.out, "src", f"{ns}_codec_{k}.cc"), text)
            if args.stats:
                print(f"{mod.name}: {len(model.structs[ns])} structs, {len(model.enums[ns])} enums, "
                      f"{len(model.aliases[ns])} aliases")
    except Asn1Error as e:
        print(f"asn1gen: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
