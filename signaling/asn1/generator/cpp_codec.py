"""Emits the aligned-PER Encode/Decode functions of a module's structs (X.691 19-23)."""

from asn1_model import GroupDef, alphabet_info, int_ctype, min_bits
from cpp_names import cpp_string_literal, default_value, spell


class Constants:
    """The constraint constants one translation unit uses, emitted once each."""

    def __init__(self):
        self.lines = []
        self.names = {}

    def _get(self, key, prefix, text):
        if key not in self.names:
            name = f"{prefix}{len(self.names)}"
            self.names[key] = name
            self.lines.append(text.replace("{name}", name, 1))
        return self.names[key]

    def integer(self, r):
        if r.lb is None and r.ub is None and not r.ext:
            return "asn1::kUnconstrainedInteger"
        lb = 0 if r.lb is None else r.lb
        ub = 0 if r.ub is None else r.ub
        return self._get(("I", r.lb, r.ub, r.ext), "kInt",
                         "constexpr asn1::IntegerRange {name}{" + f"{int_literal(lb)}, {int_literal(ub)}, "
                         f"{cbool(r.lb is not None)}, {cbool(r.ub is not None)}, {cbool(r.ext)}" + "};")

    def size(self, s):
        if s is None:
            return "asn1::kUnconstrainedSize"
        ub = 0 if s.ub is None else s.ub
        return self._get(("S", s.lb, s.ub, s.ext), "kSize",
                         "constexpr asn1::SizeRange {name}{" +
                         f"{s.lb}u, {ub}u, {cbool(s.ub is not None)}, {cbool(s.ext)}" + "};")

    def alphabet(self, use):
        chars, first, last, bits, use_index = alphabet_info(use)
        text = cpp_string_literal("".join(chr(c) for c in chars)) if chars is not None else '""'
        return self._get(("A", tuple(chars or ()), first, last, bits, use_index), "kAlphabet",
                         "constexpr asn1::PermittedAlphabet {name}{" +
                         f"U{text}, {first or 0}, {last or 0}, {bits}, {cbool(use_index)}" + "};")


def cbool(b):
    return "true" if b else "false"


def int_literal(v):
    if v == -(2**63):
        return "INT64_MIN"
    return f"int64_t{{{v}}}" if v < 0 else f"{v}"


class CodecEmitter:
    def __init__(self, ns, consts):
        self.ns = ns
        self.k = consts
        self.helpers = {}  # (kind, list signature) -> helper function name
        self.helper_lines = []  # their definitions, inner lists first

    def list_helper(self, use, encode):
        """A SEQUENCE OF / SET OF is coded by one helper per distinct list type and size in the
        translation unit: H.225.0 repeats `tokens`, `cryptoTokens` and the like in dozens of
        messages, and sharing their loops keeps the generated code (and its compile time) small."""
        elem_type = spell(use.element, self.ns)
        size = self.k.size(use.size)
        # The element's own coding is part of the signature (same C++ type, other constraints).
        probe = self.enc(use.element, "x", "return false;", 1) if encode else \
            self.dec(use.element, "x", "return false;", 1)
        key = ("E" if encode else "D", elem_type, size, tuple(probe))
        if key in self.helpers:
            return self.helpers[key]
        name = f"{'Encode' if encode else 'Decode'}List{len(self.helpers)}"
        item_fail = "{ e.Index(i); return false; }" if encode else "{ d.Index(i); return false; }"
        if encode:
            body = self.enc(use.element, "l[i]", item_fail, 1)
            lines = [f"bool {name}(asn1::PerEncoder& e, const std::vector<{elem_type}>& l) {{",
                     "  asn1::ListCursor c;",
                     f"  if (!e.BeginList(l.size(), {size}, c)) return false;",
                     "  for (size_t i = 0; i < l.size(); ++i) {",
                     "    e.ListItem(c, i, l.size());",
                     *["    " + line for line in body],
                     "  }",
                     "  e.EndList(c, l.size());",
                     "  return true;",
                     "}", ""]
        else:
            bits = min_bits(use.element)
            # Items are allocated ahead in geometric steps (never beyond the announced count,
            # which was checked against the input left) and decoded in place.
            # Each step is charged to the decode's memory budget (PerDecoder::Charge).
            grow = ("    if (i == l.size()) {\n"
                    "      const uint64_t n = std::min<uint64_t>(c.boundary, 2 * l.size() + 4);\n"
                    f"      if (!d.Charge((n - l.size()) * sizeof({elem_type}))) return false;\n"
                    "      l.resize(n);\n"
                    "    }")
            if use.element.kind == "BOOLEAN":  # std::vector<bool> has no references to bind
                item = [grow, "    bool x = false;",
                        *["    " + line for line in self.dec(use.element, "x", item_fail, 1)],
                        "    l[i] = x;"]
            elif use.element.kind == "NULL":  # nothing to read: the item is its presence
                item = [grow]
            else:
                item = [grow, "    auto& x = l[i];",
                        *["    " + line for line in self.dec(use.element, "x", item_fail, 1)]]
            lines = [f"bool {name}(asn1::PerDecoder& d, std::vector<{elem_type}>& l) {{",
                     "  asn1::ListCursor c;",
                     f"  if (!d.BeginList({size}, {bits}, c)) return false;",
                     "  for (uint64_t i = 0;; ++i) {",
                     "    bool more = false;",
                     f"    if (!d.NextItem(c, i, {bits}, more)) return false;",
                     "    if (!more) break;",
                     *item,
                     "  }",
                     f"  return d.EndList(c, {size});",
                     "}", ""]
        self.helpers[key] = name
        self.helper_lines += lines
        return name

    # --- values ---
    def enc(self, use, x, fail, depth, boxed=False):
        k = use.kind
        if k == "BOOLEAN":
            return [f"e.PutBoolean({x});"]
        if k == "NULL":
            return []
        if k == "INTEGER":
            return [f"if (!e.PutInteger(static_cast<int64_t>({x}), {self.k.integer(use.range)})) {fail}"]
        if k == "ENUMERATED":
            e = use.edef
            return [f"if (!e.PutEnumerated(static_cast<uint64_t>({x}), {e.root_count}, {cbool(e.extensible)})) {fail}"]
        if k == "BIT STRING":
            return [f"if (!e.PutBitString({x}, {self.k.size(use.size)})) {fail}"]
        if k == "OCTET STRING":
            return [f"if (!e.PutOctetString({x}, {self.k.size(use.size)})) {fail}"]
        if k == "OBJECT IDENTIFIER":
            return [f"if (!e.PutObjectIdentifier({x})) {fail}"]
        if k == "STRING":
            return [f"if (!e.PutString({x}, {self.k.size(use.size)}, {self.k.alphabet(use)})) {fail}"]
        if k == "UNRESTRICTED":
            return [f"if (!e.PutUnrestrictedString({x})) {fail}"]
        if k == "OPEN":
            return [f"if (!e.PutOpenType({x}.encoding)) {fail}"]
        if k == "STRUCT":
            return [f"if (!Encode(e, {'*' if boxed else ''}{x})) {fail}"]
        if k == "LIST":
            return [f"if (!{self.list_helper(use, True)}(e, {x})) {fail}"]
        raise AssertionError(k)

    def dec(self, use, x, fail, depth, boxed=False, guarded=False):
        if guarded:
            return [f"if (!d.Enter()) {fail}"] + self.dec(use, x, fail, depth, boxed) + ["d.Leave();"]
        k = use.kind
        if k == "BOOLEAN":
            return [f"if (!d.GetBoolean({x})) {fail}"]
        if k == "NULL":
            return []
        if k == "INTEGER":
            fn = "GetInteger" if int_ctype(use.range) == "int64_t" else "GetIntegerAs"
            return [f"if (!d.{fn}({x}, {self.k.integer(use.range)})) {fail}"]
        if k == "ENUMERATED":
            e = use.edef
            return ["{",
                    "  uint64_t index;",
                    f"  if (!d.GetEnumerated(index, {e.root_count}, {cbool(e.extensible)}, {len(e.items) - e.root_count})) {fail}",
                    f"  {x} = static_cast<{spell(use, self.ns, ignore_alias=True)}>(index);",
                    "}"]
        if k == "BIT STRING":
            return [f"if (!d.GetBitString({x}, {self.k.size(use.size)})) {fail}"]
        if k == "OCTET STRING":
            return [f"if (!d.GetOctetString({x}, {self.k.size(use.size)})) {fail}"]
        if k == "OBJECT IDENTIFIER":
            return [f"if (!d.GetObjectIdentifier({x})) {fail}"]
        if k == "STRING":
            return [f"if (!d.GetString({x}, {self.k.size(use.size)}, {self.k.alphabet(use)})) {fail}"]
        if k == "UNRESTRICTED":
            return [f"if (!d.GetUnrestrictedString({x})) {fail}"]
        if k == "OPEN":
            return [f"if (!d.GetOpenType({x}.encoding)) {fail}"]
        if k == "STRUCT":
            if boxed:
                return [f"if (!d.Charge(sizeof({spell(use, self.ns)}))) {fail}",
                        f"if (!Decode(d, *{x})) {fail}"]
            return [f"if (!Decode(d, {x})) {fail}"]
        if k == "LIST":
            return [f"if (!{self.list_helper(use, False)}(d, {x})) {fail}"]
        raise AssertionError(k)

    # --- SEQUENCE / SET ---
    def sequence_encode(self, s):
        out = []
        opt_root = [f for f in s.root if f.optional or f.default is not None]
        additions = s.additions
        if s.extensible:
            present = [self.addition_present(a) for a in additions]
            cond = " || ".join(present + ["!v.unknown_extensions.empty()"])
            out.append(f"const bool extended = {cond};")
            out.append("e.PutBit(extended);")
        for f in opt_root:
            if f.default is not None:
                out.append(f"e.PutBit(v.{f.cpp_name} != {default_value(f, self.ns)});")
            else:
                out.append(f"e.PutBit(v.{f.cpp_name}.has_value());")
        for f in s.root:
            fail = f'return e.Field("{f.asn_name}");'
            if f.optional:
                body = self.enc(f.use, f"*v.{f.cpp_name}", fail, 0, f.boxed)
                out += self.guard(f"if (v.{f.cpp_name})", body)
            elif f.default is not None:
                body = self.enc(f.use, f"v.{f.cpp_name}", fail, 0, f.boxed)
                out += self.guard(f"if (v.{f.cpp_name} != {default_value(f, self.ns)})", body)
            else:
                out += self.enc(f.use, f"v.{f.cpp_name}", fail, 0, f.boxed)
        if s.extensible:
            out.append("if (extended) {")
            if additions:
                out.append(f"  const bool present[{len(additions)}] = {{{', '.join(present)}}};")
                out.append("  if (!e.PutExtensionBitmap(present, v.unknown_extensions)) return false;")
            else:
                out.append("  if (!e.PutExtensionBitmap({}, v.unknown_extensions)) return false;")
            for i, a in enumerate(additions):
                body = ["const size_t mark = e.BeginOpenType();"]
                if isinstance(a, GroupDef):
                    body += self.group_encode(a)
                else:
                    body += self.enc(a.use, f"*v.{a.cpp_name}", f'return e.Field("{a.asn_name}");', 0, a.boxed)
                body.append("e.EndOpenType(mark);")
                out += ["  " + line for line in self.guard(f"if (present[{i}])", body)]
            out.append("  e.PutUnknownExtensions(v.unknown_extensions);")
            out.append("}")
        out.append("return true;")
        return out

    def dec_into_optional(self, f, fail):
        if f.use.kind == "NULL":
            return [f"v.{f.cpp_name}.emplace();"]
        return [f"auto& f = v.{f.cpp_name}.emplace();"] + self.dec(f.use, "f", fail, 0, f.boxed, f.guarded)

    def addition_present(self, a):
        if isinstance(a, GroupDef):
            return "(" + " || ".join(f"v.{f.cpp_name}.has_value()" for f in a.fields) + ")"
        return f"v.{a.cpp_name}.has_value()"

    def group_encode(self, g):
        """An addition group: a SEQUENCE of its components inside one open type (X.691 19.9)."""
        out = []
        for f in g.fields:
            if f.default is None and not self.group_optional(g, f):
                out.append(f"if (!v.{f.cpp_name}) return e.Fail(\"{f.asn_name} absent from its present "
                           f"extension addition group\");")
        for f in g.fields:
            if self.group_optional(g, f):
                out.append(f"e.PutBit(v.{f.cpp_name}.has_value());")
        for f in g.fields:
            body = self.enc(f.use, f"*v.{f.cpp_name}", f'return e.Field("{f.asn_name}");', 0, f.boxed)
            if self.group_optional(g, f):
                out += self.guard(f"if (v.{f.cpp_name})", body)
            else:
                out += body
        return out

    @staticmethod
    def group_optional(g, f):
        del g
        return f.declared_optional or f.default is not None

    def sequence_decode(self, s):
        out = []
        opt_root = [f for f in s.root if f.optional or f.default is not None]
        if s.extensible:
            out.append("bool extended = false;")
            out.append("if (!d.GetBit(extended)) return false;")
        out += self.read_preamble(len(opt_root), "opt")
        bit = {id(f): i for i, f in enumerate(opt_root)}
        for f in s.root:
            fail = f'return d.Field("{f.asn_name}");'
            if f.optional:
                body = self.dec_into_optional(f, fail)
                out += self.guard(f"if ({self.preamble_bit('opt', bit[id(f)], len(opt_root))})", body)
            elif f.default is not None:
                body = self.dec(f.use, f"v.{f.cpp_name}", fail, 0, f.boxed, f.guarded)
                out += self.guard(f"if ({self.preamble_bit('opt', bit[id(f)], len(opt_root))})", body)
                out.append("else {")
                out.append(f"  v.{f.cpp_name} = {default_value(f, self.ns)};")
                out.append("}")
            else:
                out += self.dec(f.use, f"v.{f.cpp_name}", fail, 0, f.boxed, f.guarded)
        if s.extensible:
            out.append("if (extended) {")
            out.append("  asn1::ExtensionBitmap bitmap;")
            out.append(f"  if (!d.GetExtensionBitmap(bitmap, {len(s.additions)})) return false;")
            for i, a in enumerate(s.additions):
                name = "extension addition group" if isinstance(a, GroupDef) else a.asn_name
                body = ["asn1::OpenScope scope;", f'if (!d.BeginOpenType(scope)) return d.Field("{name}");']
                if isinstance(a, GroupDef):
                    body += self.group_decode(a)
                else:
                    body += self.dec_into_optional(a, f'return d.Field("{a.asn_name}");')
                body.append("d.EndOpenType(scope);")
                out += ["  " + line for line in self.guard(f"if (bitmap.Test({i}))", body)]
            out.append(f"  if (!d.GetUnknownExtensions(bitmap, {len(s.additions)}, v.unknown_extensions)) return false;")
            out.append("}")
        out.append("return true;")
        return out

    def group_decode(self, g):
        opts = [f for f in g.fields if self.group_optional(g, f)]
        out = self.read_preamble(len(opts), "gopt")
        index = {id(f): i for i, f in enumerate(opts)}
        for f in g.fields:
            fail = f'return d.Field("{f.asn_name}");'
            body = ["{"] + ["  " + line for line in self.dec_into_optional(f, fail)] + ["}"]
            if id(f) in index:
                out += self.guard(f"if ({self.preamble_bit('gopt', index[id(f)], len(opts))})", body[1:-1])
            else:
                out += body
        return out

    @staticmethod
    def read_preamble(count, name):
        out = []
        for w in range(0, count, 64):
            n = min(64, count - w)
            out.append(f"uint64_t {name}{w // 64} = 0;")
            out.append(f"if (!d.GetBits({n}, {name}{w // 64})) return false;")
        return out

    @staticmethod
    def preamble_bit(name, i, count):
        w, b = divmod(i, 64)
        n = min(64, count - w * 64)
        return f"({name}{w} >> {n - 1 - b}) & 1"

    @staticmethod
    def guard(cond, body):
        if not body:
            return []
        return [cond + " {"] + ["  " + line for line in body] + ["}"]

    # --- CHOICE ---
    def choice_encode(self, s):
        alts = s.root + s.additions
        root = len(s.root)
        out = ["switch (v.value.index()) {"]
        for i, f in enumerate(alts):
            fail = f'return e.Field("{f.asn_name}");'
            value = f"std::get<{i}>(v.value)"
            body = [f"if (!e.PutChoiceIndex({i}, {root}, {cbool(s.extensible)})) return false;"]
            if i < root:
                body += self.enc(f.use, value, fail, 0, f.boxed)
            else:
                body.append("const size_t mark = e.BeginOpenType();")
                body += self.enc(f.use, value, fail, 0, f.boxed)
                body.append("e.EndOpenType(mark);")
            body.append("return true;")
            out += [f"  case {i}: {{"] + ["    " + line for line in body] + ["  }"]
        if s.extensible:
            out += [f"  case {len(alts)}: {{",
                    f"    const auto& u = std::get<{len(alts)}>(v.value);"]
            if s.additions:
                out += [f"    if (u.index < {len(s.additions)}) return e.Fail(\"unknown alternative number \" + "
                        "std::to_string(u.index) + \" is a known one\");"]
            out += [
                    f"    if (!e.PutChoiceIndex({root} + uint64_t{{u.index}}, {root}, true)) return false;",
                    "    return e.PutOpenType(u.encoding);",
                    "  }"]
        out += ["  default:", "    break;", "}", 'return e.Fail("CHOICE without a value");']
        return out

    def choice_decode(self, s):
        alts = s.root + s.additions
        root = len(s.root)
        out = ["uint64_t index = 0;",
               f"if (!d.GetChoiceIndex(index, {root}, {cbool(s.extensible)}, {len(s.additions)})) return false;",
               "switch (index) {"]
        for i, f in enumerate(alts):
            fail = f'return d.Field("{f.asn_name}");'
            if f.use.kind == "NULL":
                target = [f"v.value.emplace<{i}>();"]
            else:
                target = [f"auto& a = v.value.emplace<{i}>();"] + self.dec(f.use, "a", fail, 0, f.boxed, f.guarded)
            if i < root:
                body = target
            else:
                body = ["asn1::OpenScope scope;", f"if (!d.BeginOpenType(scope)) {fail}"] + target + \
                       ["d.EndOpenType(scope);"]
            body.append("return true;")
            out += [f"  case {i}: {{"] + ["    " + line for line in body] + ["  }"]
        out += ["  default:", "    break;", "}"]
        if s.extensible:
            out += [f"auto& u = v.value.emplace<{len(alts)}>();",
                    f"u.index = static_cast<uint32_t>(index - {root});",
                    "return d.GetOpenType(u.encoding);"]
        else:
            out.append('return d.Fail("CHOICE index out of range");')
        return out

    @staticmethod
    def special_members(s):
        n = s.cpp_name
        if s.kind == "CHOICE":
            return CodecEmitter.choice_special_members(s)
        return [f"{n}::{n}() noexcept = default;",
                f"{n}::{n}(const {n}&) = default;",
                f"{n}::{n}({n}&&) noexcept = default;",
                f"{n}& {n}::operator=(const {n}&) = default;",
                f"{n}& {n}::operator=({n}&&) noexcept = default;",
                f"{n}::~{n}() = default;",
                f"bool {n}::operator==(const {n}&) const = default;",
                ""]

    @staticmethod
    def choice_special_members(s):
        """Copy, move and == of a CHOICE as a switch over the alternatives. std::variant's own
        versions are generic visitors whose instantiation costs several times more compile
        time; these only need the variant's destructor and emplace<I>() (whose default
        construction cannot throw, so it never leaves the variant valueless)."""
        n = s.cpp_name
        count = len(s.root) + len(s.additions) + (1 if s.extensible else 0)

        def switch(stmt):
            out = ["  switch (o.value.index()) {"]
            for i in range(count):
                out.append(f"    case {i}:")
                out.append(f"      {stmt.format(i=i)}")
                out.append("      break;")
            out += ["    default:", "      break;", "  }"]
            return out

        copy = "value.emplace<{i}>() = std::get<{i}>(o.value);"
        move = "value.emplace<{i}>() = std::move(std::get<{i}>(o.value));"
        copy_assign = ("if (value.index() == {i}) std::get<{i}>(value) = std::get<{i}>(o.value); "
                       "else value.emplace<{i}>() = std::get<{i}>(o.value);")
        move_assign = ("if (value.index() == {i}) std::get<{i}>(value) = std::move(std::get<{i}>(o.value)); "
                       "else value.emplace<{i}>() = std::move(std::get<{i}>(o.value));")
        out = [f"{n}::{n}() noexcept = default;", f"{n}::~{n}() = default;", ""]
        out += [f"{n}::{n}(const {n}& o) {{"] + switch(copy) + ["}", ""]
        out += [f"{n}::{n}({n}&& o) noexcept {{"] + switch(move) + ["}", ""]
        out += [f"{n}& {n}::operator=(const {n}& o) {{", "  if (this == &o) return *this;"] + switch(copy_assign)
        out += ["  return *this;", "}", ""]
        out += [f"{n}& {n}::operator=({n}&& o) noexcept {{", "  if (this == &o) return *this;"] + switch(move_assign)
        out += ["  return *this;", "}", ""]
        out += [f"bool {n}::operator==(const {n}& o) const {{",
                "  if (value.index() != o.value.index()) return false;",
                "  switch (value.index()) {"]
        for i in range(count):
            out += [f"    case {i}:", f"      return std::get<{i}>(value) == std::get<{i}>(o.value);"]
        out += ["    default:", "      return true;", "  }", "}", ""]
        return out

    def functions(self, s):
        if s.kind == "CHOICE":
            enc, dec = self.choice_encode(s), self.choice_decode(s)
        else:
            enc, dec = self.sequence_encode(s), self.sequence_decode(s)
        empty = not s.root and not s.additions and not s.extensible
        mu = "[[maybe_unused]] " if empty else ""
        out = [f"bool Encode({mu}asn1::PerEncoder& e, {mu}const {s.cpp_name}& v) {{"]
        out += ["  " + line for line in enc]
        out += ["}", ""]
        out += [f"bool Decode({mu}asn1::PerDecoder& d, {mu}{s.cpp_name}& v) {{"]
        out += ["  " + line for line in dec]
        out += ["}", ""]
        return out


def emit_sources(model, ns, header_include, parts):
    structs = model.structs[ns]
    chunks = [[] for _ in range(parts)]
    sizes = [0] * parts
    bodies = []
    for s in structs:
        bodies.append(s)
    # Greedy: each struct's functions go to the smallest part so far (sizes by field count).
    for s in sorted(bodies, key=lambda s: -len(s.all_fields())):
        i = sizes.index(min(sizes))
        chunks[i].append(s)
        sizes[i] += 4 + 3 * len(s.all_fields())
    order = {id(s): i for i, s in enumerate(structs)}
    files = []
    for part, chunk in enumerate(chunks):
        chunk.sort(key=lambda s: order[id(s)])
        consts = Constants()
        em = CodecEmitter(ns, consts)
        body = []
        for s in chunk:
            body += em.special_members(s)
            body += em.functions(s)
        text = [
            f"// Generated by signaling/asn1/generator: aligned-PER codec, part {part + 1} of {parts}. Do not edit.",
            f'#include "{header_include}"',
            "",
            "#include <algorithm>",
            "#include <cstdint>",
            "#include <string>",
            "#include <utility>",
            "#include <variant>",
            "",
            '#include "tessera/signaling/asn1/per_decoder.h"',
            '#include "tessera/signaling/asn1/per_encoder.h"',
            "",
            f"namespace tessera::signaling::{ns} {{",
            "namespace {",
            "",
            *consts.lines,
            "",
            *em.helper_lines,
            "}  // namespace",
            "",
            *body,
            f"}}  // namespace tessera::signaling::{ns}",
            "",
        ]
        files.append("\n".join(text))
    return files
