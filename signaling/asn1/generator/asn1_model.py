"""The resolved model of a set of ASN.1 modules, ready for C++ emission.

Every type position (a component, an alternative, a list element, an assignment) becomes a
`Use`: what kind of value it is, its PER-visible constraints, and for SEQUENCE, SET, CHOICE and
ENUMERATED the named definition (`StructDef`, `EnumDef`) it refers to. References are resolved
across modules, parameterized types are instantiated, inline types get derived names, and the
fields that close a cycle of by-value containment are marked to be boxed.
"""

from dataclasses import dataclass, field, replace
from typing import List, Optional

from asn1_ast import Group
from asn1_lexer import Asn1Error
from per_constraints import (BASE_ALPHABETS, KNOWN_MULTIPLIER, UNCONSTRAINED, ConstraintEvaluator, IntRange,
                             aligned_char_bits)

CPP_RESERVED = {
    "alignas", "alignof", "and", "and_eq", "asm", "auto", "bitand", "bitor", "bool", "break", "case", "catch",
    "char", "char8_t", "char16_t", "char32_t", "class", "compl", "concept", "const", "consteval", "constexpr",
    "constinit", "const_cast", "continue", "co_await", "co_return", "co_yield", "decltype", "default", "delete",
    "do", "double", "dynamic_cast", "else", "enum", "explicit", "export", "extern", "false", "float", "for",
    "friend", "goto", "if", "inline", "int", "long", "mutable", "namespace", "new", "noexcept", "not", "not_eq",
    "nullptr", "operator", "or", "or_eq", "private", "protected", "public", "register", "reinterpret_cast",
    "requires", "return", "short", "signed", "sizeof", "static", "static_assert", "static_cast", "struct",
    "switch", "template", "this", "thread_local", "throw", "true", "try", "typedef", "typeid", "typename",
    "union", "unsigned", "using", "virtual", "void", "volatile", "wchar_t", "while", "xor", "xor_eq",
    # Macros of the C library and the compilers that would break an identifier.
    "major", "minor", "makedev", "errno", "stdin", "stdout", "stderr", "assert", "unix", "linux", "NULL", "EOF",
    "TRUE", "FALSE", "DOMAIN", "OVERFLOW", "UNDERFLOW",
}


def cpp_ident(name):
    s = name.replace("-", "_")
    return s + "_" if s in CPP_RESERVED else s


@dataclass
class EnumDef:
    ns: str
    asn_name: str
    cpp_name: str
    items: List[tuple]  # (asn name, cpp name, value) in PER index order: root sorted by value, then additions
    root_count: int
    extensible: bool
    where: str = ""


@dataclass
class Field:
    asn_name: str
    cpp_name: str
    use: "Use"
    optional: bool = False  # OPTIONAL root component, or any extension addition (std::optional)
    default: object = None
    declared_optional: bool = False  # OPTIONAL in the text (decides a group's preamble bits)
    boxed: bool = False
    # Closes a cycle of containment (by value, or through SEQUENCE OF): decoding it counts a
    # level of recursion, so that hostile nesting ends in an error, not a stack overflow.
    guarded: bool = False


@dataclass
class GroupDef:
    fields: List[Field]


@dataclass
class StructDef:
    ns: str
    asn_name: str
    cpp_name: str
    kind: str  # SEQUENCE (also SET) or CHOICE
    extensible: bool = False
    root: List[Field] = field(default_factory=list)
    additions: List[object] = field(default_factory=list)  # Field, or GroupDef (SEQUENCE only)
    where: str = ""

    def all_fields(self):
        out = list(self.root)
        for a in self.additions:
            out.extend(a.fields if isinstance(a, GroupDef) else [a])
        return out


@dataclass
class Use:
    kind: str  # BOOLEAN NULL INTEGER ENUMERATED BIT STRING, OCTET STRING, OBJECT IDENTIFIER, STRING,
    #            UNRESTRICTED, OPEN, LIST, STRUCT
    range: IntRange = UNCONSTRAINED  # INTEGER
    size: Optional[IntRange] = None  # strings, lists
    string_kind: str = ""
    alphabet: Optional[frozenset] = None  # STRING: effective permitted alphabet (None: the whole set)
    element: Optional["Use"] = None  # LIST
    sdef: Optional[StructDef] = None
    edef: Optional[EnumDef] = None
    alias: Optional[tuple] = None  # (ns, cpp name) of the named type this use is spelled as


def int_ctype(r):
    if r.ext or r.lb is None or r.ub is None:
        return "int64_t"
    if r.lb >= 0:
        if r.ub <= 0xFFFF:
            return "uint16_t"
        if r.ub <= 0xFFFFFFFF:
            return "uint32_t"
        return "int64_t"
    if r.lb >= -(2**31) and r.ub < 2**31:
        return "int32_t"
    return "int64_t"


class Model:
    def __init__(self, modules, namespaces):
        self.modules = {m.name: m for m in modules}
        self.namespaces = namespaces  # module name -> C++ namespace (last component)
        self.structs = {ns: [] for ns in namespaces.values()}  # in creation order
        self.enums = {ns: [] for ns in namespaces.values()}
        self.aliases = {ns: [] for ns in namespaces.values()}  # (cpp name, Use without alias)
        self.used_names = {ns: set() for ns in namespaces.values()}
        self.memo = {}
        for m in modules:
            if m.name not in namespaces:
                raise Asn1Error(f"no C++ namespace given for module {m.name}")
            for a in m.assignments:
                self.used_names[namespaces[m.name]].add(cpp_ident(a.name))

    # --- lookup ---
    def lookup(self, module, name, where):
        for a in module.assignments:
            if a.name == name:
                return module, a
        if name in module.imports:
            src = self.modules.get(module.imports[name])
            if src is None:
                raise Asn1Error(f"{where}: module {module.imports[name]} (imported for {name}) not given")
            return self.lookup(src, name, where)
        raise Asn1Error(f"{where}: unknown type {name} in {module.name}")

    def evaluator(self, module):
        return ConstraintEvaluator(module.values)

    def unique_name(self, ns, wanted):
        name = wanted
        n = 1
        while name in self.used_names[ns]:
            name = f"{wanted}_{n}"
            n += 1
        self.used_names[ns].add(name)
        return name

    # --- resolution ---
    def resolve_all(self):
        for m in self.modules.values():
            for a in m.assignments:
                if not a.params:
                    self.resolve_assignment(m, a, [], None)
        self.mark_boxes()

    def resolve_assignment(self, module, asg, args, caller):
        """The Use of a (possibly parameterized) type assignment. `args` are (Type, ctx) pairs;
        instances live in the caller's module."""
        # Instances are shared by every use with the same arguments in the same module.
        key = (module.name, asg.name, caller[0].name if args else "",
               tuple((t.ref_module, t.ref_name) if t.kind == "REF" else id(t) for t, _ in args))
        if key in self.memo:
            return self.memo[key]
        if len(args) != len(asg.params):
            raise Asn1Error(f"{asg.where}: {asg.name} takes {len(asg.params)} parameters, given {len(args)}")
        bindings = dict(zip(asg.params, args))
        home = caller[0] if args else module
        ns = self.namespaces[home.name]
        if args:
            arg_names = [t.ref_name.replace("-", "_") if t.kind == "REF" else t.kind.replace(" ", "_") for t, _ in args]
            cpp = self.unique_name(ns, cpp_ident(asg.name) + "_" + "_".join(arg_names))
            asn = asg.name + "{" + ", ".join(t.ref_name or t.kind for t, _ in args) + "}"
        else:
            cpp = cpp_ident(asg.name)
            asn = asg.name
        ctx = (module, bindings, home)
        t = asg.type
        if t.kind in ("SEQUENCE", "SET", "CHOICE", "ENUMERATED"):
            use = self.define(t, ctx, ns, asn, cpp, key)
        else:
            self.memo[key] = None  # a reference cycle through aliases alone is invalid ASN.1
            inner = self.resolve(t, ctx, (ns, cpp, asn))
            self.aliases[ns].append((cpp, inner))
            use = replace(inner, alias=(ns, cpp))
        self.memo[key] = use
        return use

    def define(self, t, ctx, ns, asn, cpp, memo_key=None):
        if t.kind == "ENUMERATED":
            edef = self.make_enum(t, ns, asn, cpp)
            use = Use("ENUMERATED", edef=edef)
            if memo_key:
                self.memo[memo_key] = use
            return use
        sdef = StructDef(ns, asn, cpp, "CHOICE" if t.kind == "CHOICE" else "SEQUENCE", t.extensible, where=t.where)
        use = Use("STRUCT", sdef=sdef)
        if memo_key:
            self.memo[memo_key] = use  # before the members: they may refer back to this type
        self.structs[ns].append(sdef)
        seen = set()
        reserved = {"value", "tag", "Tag"} if sdef.kind == "CHOICE" else {"unknown_extensions"}

        def make_field(c, is_addition):
            fname = cpp_ident(c.name)
            if fname in reserved or (sdef.kind == "CHOICE" and fname.startswith("set_")):
                fname += "_"
            if fname in seen:
                raise Asn1Error(f"{c.where}: duplicate component {c.name}")
            seen.add(fname)
            fuse = self.resolve(c.type, ctx, (ns, f"{cpp}_{fname.rstrip('_')}", f"{asn}.{c.name}"))
            optional = sdef.kind == "SEQUENCE" and (c.optional or is_addition)
            f = Field(c.name, fname, fuse, optional=optional, default=c.default, declared_optional=c.optional)
            if c.default is not None:
                self.check_default(f, c.where)
                if is_addition:
                    f.default = None  # an addition is an optional; the default only matters when decoding
            return f

        for c in t.components:
            sdef.root.append(make_field(c, False))
        for a in t.additions:
            if isinstance(a, Group):
                sdef.additions.append(GroupDef([make_field(c, True) for c in a.components]))
            else:
                sdef.additions.append(make_field(a, True))
        return use

    def check_default(self, f, where):
        u = f.use
        d = f.default
        ok = (u.kind == "INTEGER" and isinstance(d, int) and not isinstance(d, bool)) or \
             (u.kind == "BOOLEAN" and isinstance(d, bool)) or \
             (u.kind == "ENUMERATED" and isinstance(d, tuple) and d[0] == "ref" and
              any(i[0] == d[1] for i in u.edef.items))
        if not ok:
            raise Asn1Error(f"{where}: DEFAULT values are supported for BOOLEAN, INTEGER and ENUMERATED only")

    def make_enum(self, t, ns, asn, cpp):
        used = {v for _, v in t.enum_root if v is not None}
        root = []
        nxt = 0
        for name, v in t.enum_root:
            if v is None:
                while nxt in used:
                    nxt += 1
                v = nxt
                used.add(v)
            root.append((name, v))
        root.sort(key=lambda item: item[1])
        items = [(n, cpp_ident(n), v) for n, v in root]
        extensible = t.enum_additions is not None
        top = max(v for _, v in root)
        for name, v in t.enum_additions or []:
            if v is None:
                v = top + 1
            top = max(top, v)
            items.append((name, cpp_ident(name), v))
        edef = EnumDef(ns, asn, cpp, items, len(root), extensible, t.where)
        self.enums[ns].append(edef)
        return edef

    def resolve(self, t, ctx, hint):
        """The Use of type `t` written at a position named by `hint` (ns, cpp name, asn name)."""
        module, bindings, home = ctx
        ev = self.evaluator(module)
        k = t.kind
        if k == "REF":
            if t.ref_name in bindings and not t.ref_module:
                bt, bctx = bindings[t.ref_name]
                base = self.resolve(bt, bctx, hint)
            else:
                src = self.modules.get(t.ref_module) if t.ref_module else module
                if src is None:
                    raise Asn1Error(f"{t.where}: unknown module {t.ref_module}")
                tmod, asg = self.lookup(src, t.ref_name, t.where)
                args = [(a, ctx) for a in t.ref_args]
                base = self.resolve_assignment(tmod, asg, args, ctx if args else None)
                if base is None:
                    raise Asn1Error(f"{t.where}: {t.ref_name} refers to itself")
            return self.constrain(base, t.constraints, ev, t.where)
        if k in ("SEQUENCE", "SET", "CHOICE", "ENUMERATED"):
            ns, cpp, asn = hint
            return self.define(t, ctx, ns, asn, self.unique_name(ns, cpp))
        if k in ("SEQUENCE OF", "SET OF"):
            ns, cpp, asn = hint
            elem = self.resolve(t.element, ctx, (ns, cpp + "_item", asn + ".item"))
            size = ev.apply_size(None, t.constraints, t.where)
            return Use("LIST", element=elem, size=size)
        if k == "STRING":
            if t.string_kind in KNOWN_MULTIPLIER:
                base = Use("STRING", string_kind=t.string_kind)
            elif t.string_kind in ("GeneralString", "UTF8String", "GraphicString", "TeletexString", "T61String",
                                   "VideotexString"):
                return Use("UNRESTRICTED", string_kind=t.string_kind)  # constraints are not PER-visible
            else:
                raise Asn1Error(f"{t.where}: {t.string_kind} is not supported")
            return self.constrain(base, t.constraints, ev, t.where)
        base = {"BOOLEAN": Use("BOOLEAN"), "NULL": Use("NULL"), "INTEGER": Use("INTEGER"),
                "BIT STRING": Use("BIT STRING"), "OCTET STRING": Use("OCTET STRING"),
                "OBJECT IDENTIFIER": Use("OBJECT IDENTIFIER"), "OPEN": Use("OPEN")}.get(k)
        if base is None:
            raise Asn1Error(f"{t.where}: unsupported type {k}")
        return self.constrain(base, t.constraints, ev, t.where)

    def constrain(self, base, constraints, ev, where):
        if not constraints:
            return base
        k = base.kind
        if k == "INTEGER":
            r = ev.apply_int(base.range, constraints, where)
            u = replace(base, range=r)
            if base.alias and int_ctype(r) != int_ctype(base.range):
                u = replace(u, alias=None)
            return u
        # A narrower size or alphabet keeps the C++ representation, so the use keeps the name.
        if k in ("BIT STRING", "OCTET STRING", "LIST"):
            return replace(base, size=ev.apply_size(base.size, constraints, where))
        if k == "STRING":
            return replace(base, size=ev.apply_size(base.size, constraints, where),
                           alphabet=ev.apply_alphabet(base.alphabet, constraints, where))
        for c in constraints:
            if c.kind not in ("ignored", "single"):
                raise Asn1Error(f"{where}: a {c.kind} constraint on {k} is not supported")
        return base  # not PER-visible (WITH COMPONENTS, CONSTRAINED BY, single values of structures)

    # --- cycles ---
    def struct_edges(self, sdef):
        """Fields whose type is held by value (directly, optional or as an alternative)."""
        for f in sdef.all_fields():
            if f.use.kind == "STRUCT":
                yield f, f.use.sdef

    def mark_boxes(self):
        """Breaks every cycle of by-value containment by boxing the field that closes it."""
        state = {}

        def visit(s):
            state[id(s)] = 1
            for f, target in self.struct_edges(s):
                st = state.get(id(target), 0)
                if st == 1:
                    f.boxed = True
                elif st == 0:
                    visit(target)
            state[id(s)] = 2

        for ns in self.structs:
            for s in self.structs[ns]:
                if state.get(id(s), 0) == 0:
                    visit(s)
        self.mark_guards()

    @staticmethod
    def contained_structs(use):
        """The structs a value of `use` contains directly, also as SEQUENCE OF elements."""
        if use.kind == "STRUCT":
            yield use.sdef
        elif use.kind == "LIST":
            yield from Model.contained_structs(use.element)

    def mark_guards(self):
        """Marks a field on every cycle of containment, vectors included: a vector breaks a cycle
        for the C++ type but not for the decoder's recursion (H.225.0 Content -> compound ->
        EnumeratedParameter -> content is one), which must be bounded by kMaxRecursionDepth."""
        state = {}

        def visit(s):
            state[id(s)] = 1
            for f in s.all_fields():
                for target in self.contained_structs(f.use):
                    st = state.get(id(target), 0)
                    if st == 1:
                        f.guarded = True
                    elif st == 0:
                        visit(target)
            state[id(s)] = 2

        for ns in self.structs:
            for s in self.structs[ns]:
                if state.get(id(s), 0) == 0:
                    visit(s)
        for ns in self.structs:
            for s in self.structs[ns]:
                for f in s.all_fields():
                    f.guarded = f.guarded or f.boxed

    def emission_order(self, ns):
        """Structs of `ns` so that each comes after the ones it holds by value."""
        order = []
        done = set()

        def visit(s):
            if id(s) in done:
                return
            done.add(id(s))
            for f, target in self.struct_edges(s):
                if not f.boxed and target.ns == ns:
                    visit(target)
            order.append(s)

        for s in self.structs[ns]:
            visit(s)
        return order


# --- sizes on the wire ---
def min_bits(use, seen=None):
    """A lower bound of the bits any value of `use` takes (0 only if a value can take none)."""
    seen = seen or set()
    k = use.kind
    if k == "BOOLEAN":
        return 1
    if k in ("NULL",):
        return 0
    if k == "INTEGER":
        r = use.range
        if r.ext:
            return 1
        if r.lb is not None and r.ub is not None:
            return 0 if r.lb == r.ub else 1
        return 8
    if k == "ENUMERATED":
        e = use.edef
        return 1 if (e.extensible or e.root_count > 1) else 0
    if k in ("BIT STRING", "OCTET STRING", "STRING", "LIST"):
        s = use.size
        if s is not None and s.ext:
            return 1
        if s is not None and s.ub is not None and s.ub < 65536:
            if s.lb == s.ub:
                # Characters take at least one bit each (conservative for the bound).
                unit = {"OCTET STRING": 8, "LIST": None}.get(k, 1)
                if unit is None:
                    unit = min_bits(use.element, seen)
                return s.lb * unit
            return 1
        return 8
    if k in ("UNRESTRICTED", "OBJECT IDENTIFIER"):
        return 8
    if k == "OPEN":
        return 16
    if k == "STRUCT":
        s = use.sdef
        if id(s) in seen:
            return 0
        seen = seen | {id(s)}
        if s.kind == "CHOICE":
            if s.extensible or len(s.root) > 1:
                return 1
            return min_bits(s.root[0].use, seen)
        total = 1 if s.extensible else 0
        for f in s.root:
            total += 1 if f.optional or f.default is not None else min_bits(f.use, seen)
        return total
    raise AssertionError(k)


def alphabet_info(use):
    """(sorted chars or None, first, last, bits, use_index) of a STRING use (X.691 30)."""
    first, last, base = BASE_ALPHABETS[use.string_kind]
    chars = use.alphabet
    if chars is not None:
        full = set(range(first, last + 1)) if base is None else set(base)
        if not chars <= full:
            raise Asn1Error(f"FROM constraint outside the character set of {use.string_kind}")
        chars = sorted(chars)
    elif base is not None:
        chars = sorted(base)
    count = len(chars) if chars is not None else last - first + 1
    bits = aligned_char_bits(count)
    top = chars[-1] if chars is not None else last
    use_index = top > (1 << bits) - 1
    return chars, first, last, bits, use_index
