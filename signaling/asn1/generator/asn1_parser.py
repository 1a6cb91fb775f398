"""Recursive-descent parser for the X.680 subset used by H.225.0, H.245 and H.235.

Anything outside that subset (tags written by hand, information object classes, COMPONENTS OF,
exception specs, ...) is rejected with file:line instead of being silently misread: the
module texts decide bits on the wire.
"""

from asn1_ast import Assignment, Component, Constraint, Group, Module, Type
from asn1_lexer import Asn1Error, tokenize

STRING_TYPES = {
    "IA5String", "NumericString", "PrintableString", "VisibleString", "ISO646String", "BMPString",
    "UniversalString", "GeneralString", "GraphicString", "TeletexString", "T61String", "VideotexString",
    "UTF8String",
}


class Parser:
    def __init__(self, text, file):
        self.file = file
        self.toks = tokenize(text, file)
        self.i = 0

    # --- token helpers ---
    def peek(self, k=0):
        return self.toks[min(self.i + k, len(self.toks) - 1)]

    def at(self, text, k=0):
        t = self.peek(k)
        return t.kind != "cstring" and t.text == text

    def take(self):
        t = self.toks[self.i]
        self.i += 1
        return t

    def expect(self, text):
        t = self.take()
        if t.kind == "cstring" or t.text != text:
            self.error(t, f"expected {text!r}, found {t.text!r}")
        return t

    def accept(self, text):
        if self.at(text):
            return self.take()
        return None

    def expect_kind(self, kind, what):
        t = self.take()
        if t.kind != kind:
            self.error(t, f"expected {what}, found {t.text!r}")
        return t

    def error(self, tok, msg):
        raise Asn1Error(f"{tok.where()}: {msg}")

    def skip_balanced(self, open_="{", close="}"):
        self.expect(open_)
        depth = 1
        while depth:
            t = self.take()
            if t.kind == "eof":
                self.error(t, f"unbalanced {open_!r}")
            if t.kind == "punct" and t.text == open_:
                depth += 1
            elif t.kind == "punct" and t.text == close:
                depth -= 1

    # --- module ---
    def parse_module(self):
        name = self.expect_kind("ref", "a module name")
        module = Module(name.text, self.file)
        if self.at("{"):
            self.skip_balanced()
        self.expect("DEFINITIONS")
        if self.accept("AUTOMATIC"):
            self.expect("TAGS")
        else:
            self.error(self.peek(), "only AUTOMATIC TAGS modules are supported")
        if self.at("EXTENSIBILITY"):
            self.error(self.peek(), "EXTENSIBILITY IMPLIED is not supported")
        self.expect("::=")
        self.expect("BEGIN")
        if self.accept("EXPORTS"):
            while not self.accept(";"):
                if self.peek().kind == "eof":
                    self.error(self.peek(), "unterminated EXPORTS")
                self.take()
        if self.accept("IMPORTS"):
            self.parse_imports(module)
        while not self.at("END"):
            self.parse_assignment(module)
        self.expect("END")
        return module

    def parse_imports(self, module):
        symbols = []
        while not self.accept(";"):
            t = self.take()
            if t.kind == "eof":
                self.error(t, "unterminated IMPORTS")
            if t.text == "FROM":
                source = self.expect_kind("ref", "a module name")
                if self.at("{"):
                    self.skip_balanced()
                for s in symbols:
                    module.imports[s] = source.text
                symbols = []
            elif t.kind in ("ref", "id"):
                symbols.append(t.text)
                if self.at("{") and self.at("}", 1):  # SIGNED{} names a parameterized type
                    self.take()
                    self.take()
            elif not (t.kind == "punct" and t.text == ","):
                self.error(t, f"unexpected {t.text!r} in IMPORTS")

    def parse_assignment(self, module):
        t = self.peek()
        if t.kind == "ref":
            self.take()
            params = []
            if self.at("{"):
                self.take()
                while True:
                    params.append(self.expect_kind("ref", "a type parameter").text)
                    if self.accept("}"):
                        break
                    self.expect(",")
            self.expect("::=")
            typ = self.parse_type()
            module.assignments.append(Assignment(t.text, typ, params, t.where()))
        elif t.kind == "id":
            self.take()
            vtype = self.parse_type()
            self.expect("::=")
            value = self.parse_value()
            if vtype.kind != "INTEGER" or not isinstance(value, int):
                self.error(t, "only INTEGER value assignments are supported")
            module.values[t.text] = value
        else:
            self.error(t, f"expected an assignment, found {t.text!r}")

    # --- types ---
    def parse_type(self):
        start = self.peek()
        if self.at("["):
            self.error(start, "explicit tags are not supported (AUTOMATIC TAGS only)")
        typ = self.parse_builtin_or_ref()
        typ.where = start.where()
        while self.at("("):
            typ.constraints.append(self.parse_constraint())
        return typ

    def parse_builtin_or_ref(self):
        t = self.take()
        w = t.text
        if t.kind != "ref":
            self.error(t, f"expected a type, found {w!r}")
        if w in ("BOOLEAN", "NULL"):
            return Type(w)
        if w == "INTEGER":
            typ = Type("INTEGER")
            if self.at("{"):
                typ.named = self.parse_named_numbers()
            return typ
        if w == "ENUMERATED":
            return self.parse_enumerated()
        if w == "BIT":
            self.expect("STRING")
            typ = Type("BIT STRING")
            if self.at("{"):
                typ.named = self.parse_named_numbers()
            return typ
        if w == "OCTET":
            self.expect("STRING")
            return Type("OCTET STRING")
        if w == "OBJECT":
            self.expect("IDENTIFIER")
            return Type("OBJECT IDENTIFIER")
        if w in STRING_TYPES:
            return Type("STRING", string_kind="IA5String" if w == "ISO646String" else w)
        if w in ("SEQUENCE", "SET"):
            if self.at("{"):
                typ = Type(w)
                self.parse_components(typ)
                return typ
            size = None
            if self.at("SIZE"):
                self.take()
                size = Constraint("size", inner=self.parse_constraint())
            elif self.at("("):
                size = self.parse_constraint()
            self.expect("OF")
            typ = Type(w + " OF")
            if self.peek().kind == "id" and self.peek(1).kind == "ref":
                typ.element_name = self.take().text
            typ.element = self.parse_type()
            if size is not None:
                typ.constraints.append(size)
            return typ
        if w == "CHOICE":
            typ = Type("CHOICE")
            self.parse_alternatives(typ)
            return typ
        if w == "TYPE-IDENTIFIER":
            self.expect(".")
            f = self.take()
            if f.text != "&Type":
                self.error(f, "only TYPE-IDENTIFIER.&Type is supported")
            typ = Type("OPEN")
            if self.at("("):  # TYPE-IDENTIFIER.&Type(X): a table-less constraint naming X
                self.take()
                typ.open_of = self.expect_kind("ref", "a type name").text
                self.expect(")")
            return typ
        if w in ("REAL", "EXTERNAL", "EMBEDDED", "CHARACTER", "ANY", "UTCTime", "GeneralizedTime", "ObjectDescriptor",
                 "RELATIVE-OID", "INSTANCE", "CLASS", "COMPONENTS"):
            self.error(t, f"{w} is not supported by this generator")
        typ = Type("REF", ref_name=w)
        if self.at(".") and self.peek(1).kind == "ref":
            self.take()
            typ.ref_module = w
            typ.ref_name = self.take().text
        if self.at("{"):
            self.take()
            while True:
                typ.ref_args.append(self.parse_type())
                if self.accept("}"):
                    break
                self.expect(",")
        return typ

    def parse_named_numbers(self):
        self.expect("{")
        named = []
        while True:
            name = self.expect_kind("id", "a name").text
            self.expect("(")
            value = self.parse_value()
            self.expect(")")
            named.append((name, value))
            if self.accept("}"):
                return named
            self.expect(",")

    def parse_enumerated(self):
        typ = Type("ENUMERATED")
        self.expect("{")
        target = typ.enum_root
        while True:
            if self.accept("..."):
                if typ.enum_additions is not None:
                    self.error(self.peek(), "second extension marker in ENUMERATED")
                typ.enum_additions = []
                target = typ.enum_additions
            else:
                name = self.expect_kind("id", "an enumeration name").text
                value = None
                if self.accept("("):
                    value = self.parse_value()
                    self.expect(")")
                target.append((name, value))
            if self.accept("}"):
                return typ
            self.expect(",")

    def parse_named_component(self):
        name = self.expect_kind("id", "a component name")
        typ = self.parse_type()
        comp = Component(name.text, typ, where=name.where())
        if self.accept("OPTIONAL"):
            comp.optional = True
        elif self.accept("DEFAULT"):
            comp.default = self.parse_value()
        return comp

    def parse_components(self, typ):
        """SEQUENCE/SET body: root, '...', additions, '...', root again (X.680 25.1)."""
        self.expect("{")
        if self.accept("}"):
            return
        section = 0
        while True:
            if self.at("..."):
                tok = self.take()
                section += 1
                if section > 2:
                    self.error(tok, "more than two extension markers")
                typ.extensible = True
                if self.at("!"):
                    self.error(self.peek(), "exception specifications are not supported")
            elif self.at("[["):
                if section != 1:
                    self.error(self.peek(), "an extension addition group outside the extension additions")
                typ.additions.append(self.parse_group())
            elif self.at("COMPONENTS"):
                self.error(self.peek(), "COMPONENTS OF is not supported")
            else:
                comp = self.parse_named_component()
                if section == 1:
                    typ.additions.append(comp)
                else:
                    typ.components.append(comp)
            if self.accept("}"):
                return
            self.expect(",")

    def parse_group(self):
        start = self.expect("[[")
        version = None
        if self.peek().kind == "num" and self.at(":", 1):
            version = int(self.take().text)
            self.take()
        comps = []
        while True:
            comps.append(self.parse_named_component())
            if self.accept("]]"):
                return Group(comps, version, start.where())
            self.expect(",")

    def parse_alternatives(self, typ):
        self.expect("{")
        section = 0
        while True:
            if self.at("..."):
                tok = self.take()
                section += 1
                if section > 1:
                    self.error(tok, "a second extension marker in CHOICE")
                typ.extensible = True
                if self.at("!"):
                    self.error(self.peek(), "exception specifications are not supported")
            elif self.at("[["):
                if section != 1:
                    self.error(self.peek(), "an extension addition group outside the extension additions")
                typ.additions.extend(self.parse_group().components)
            else:
                name = self.expect_kind("id", "an alternative name")
                comp = Component(name.text, self.parse_type(), where=name.where())
                (typ.additions if section == 1 else typ.components).append(comp)
            if self.accept("}"):
                if not typ.components:
                    self.error(self.peek(), "CHOICE without root alternatives")
                return
            self.expect(",")

    # --- values ---
    def parse_value(self):
        t = self.take()
        if t.kind == "num":
            return int(t.text)
        if t.kind == "punct" and t.text == "-" and self.peek().kind == "num":
            return -int(self.take().text)
        if t.kind == "cstring":
            return ("cstring", t.text)
        if t.text in ("TRUE", "FALSE"):
            return t.text == "TRUE"
        if t.text in ("MIN", "MAX", "NULL"):
            return t.text
        if t.kind == "id":
            return ("ref", t.text)
        self.error(t, f"unsupported value {t.text!r}")

    # --- constraints ---
    def parse_constraint(self):
        self.expect("(")
        if self.at("CONSTRAINED"):
            self.take()
            self.expect("BY")
            self.skip_balanced()
            c = Constraint("ignored")
        else:
            c = self.parse_element_set_specs()
        if self.at("!"):
            self.error(self.peek(), "exception specifications are not supported")
        self.expect(")")
        return c

    def parse_element_set_specs(self):
        if self.at("..."):
            self.take()
            additions = None
            if self.accept(","):
                additions = self.parse_unions()
            return Constraint("extensible", root=None, additions=additions)
        root = self.parse_unions()
        if self.at(",") and self.at("...", 1):
            self.take()
            self.take()
            additions = None
            if self.accept(","):
                additions = self.parse_unions()
            return Constraint("extensible", root=root, additions=additions)
        return root

    def parse_unions(self):
        items = [self.parse_intersections()]
        while self.at("|") or self.at("UNION"):
            self.take()
            items.append(self.parse_intersections())
        return items[0] if len(items) == 1 else Constraint("union", items=items)

    def parse_intersections(self):
        items = [self.parse_elements()]
        while self.at("^") or self.at("INTERSECTION"):
            self.take()
            items.append(self.parse_elements())
        if self.at("EXCEPT"):
            self.error(self.peek(), "EXCEPT is not supported")
        return items[0] if len(items) == 1 else Constraint("intersection", items=items)

    def parse_elements(self):
        t = self.peek()
        if self.at("("):
            self.take()
            c = self.parse_element_set_specs()
            self.expect(")")
            return c
        if self.at("SIZE"):
            self.take()
            return Constraint("size", inner=self.parse_constraint())
        if self.at("FROM"):
            self.take()
            return Constraint("from", inner=self.parse_constraint())
        if self.at("WITH"):
            self.take()
            if self.accept("COMPONENTS"):
                self.skip_balanced()
            else:
                self.expect("COMPONENT")
                self.parse_constraint()
            return Constraint("ignored")
        if self.at("PATTERN") or self.at("ALL") or self.at("INCLUDES"):
            self.error(t, f"{t.text} constraints are not supported")
        if t.kind == "ref" and t.text not in ("MIN", "MAX", "TRUE", "FALSE", "NULL"):
            return Constraint("type", type=self.parse_type())
        lo = self.parse_value()
        if self.accept("<"):
            self.error(t, "open range ends ('<') are not supported")
        if self.accept(".."):
            if self.at("<"):
                self.error(t, "open range ends ('<') are not supported")
            hi = self.parse_value()
            return Constraint("range", lo=lo, hi=hi)
        return Constraint("single", value=lo)


def parse_module(text, file):
    return Parser(text, file).parse_module()
