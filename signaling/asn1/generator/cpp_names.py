"""How resolved ASN.1 types are spelled in C++."""

from asn1_model import int_ctype

NAMESPACE_ROOT = "::tessera::signaling"


def qualify(ns, name, here):
    return name if ns == here else f"{NAMESPACE_ROOT}::{ns}::{name}"


def spell(use, here, ignore_alias=False):
    """The C++ type of `use` as written inside namespace `here`."""
    if use.alias and not ignore_alias:
        return qualify(use.alias[0], use.alias[1], here)
    k = use.kind
    if k == "BOOLEAN":
        return "bool"
    if k == "NULL":
        return "asn1::Null"
    if k == "INTEGER":
        return int_ctype(use.range)
    if k == "ENUMERATED":
        return qualify(use.edef.ns, use.edef.cpp_name, here)
    if k == "BIT STRING":
        return "asn1::BitString"
    if k == "OCTET STRING":
        return "std::vector<uint8_t>"
    if k == "OBJECT IDENTIFIER":
        return "asn1::ObjectIdentifier"
    if k == "STRING":
        return "std::u16string" if use.string_kind == "BMPString" else "std::string"
    if k == "UNRESTRICTED":
        return "std::string"
    if k == "OPEN":
        return "asn1::OpenType"
    if k == "LIST":
        return f"std::vector<{spell(use.element, here)}>"
    if k == "STRUCT":
        return qualify(use.sdef.ns, use.sdef.cpp_name, here)
    raise AssertionError(k)


def field_type(f, here):
    t = spell(f.use, here)
    if f.boxed:
        t = f"asn1::Box<{t}>"
    if f.optional:
        t = f"std::optional<{t}>"
    return t


def scalar_init(use):
    """A default member initializer that keeps scalars initialized and, where it can, valid."""
    if use.kind == "INTEGER":
        r = use.range
        if (r.lb is None or r.lb <= 0) and (r.ub is None or r.ub >= 0):
            return "{}"
        return "{" + str(r.lb if r.lb is not None and r.lb > 0 else r.ub) + "}"
    if use.kind in ("BOOLEAN", "ENUMERATED"):
        return "{}"
    return ""


def default_value(f, here):
    d = f.default
    if f.use.kind == "BOOLEAN":
        return "true" if d else "false"
    if f.use.kind == "INTEGER":
        return str(d)
    if f.use.kind == "ENUMERATED":
        e = f.use.edef
        cpp = next(i[1] for i in e.items if i[0] == d[1])
        return f"{qualify(e.ns, e.cpp_name, here)}::{cpp}"
    raise AssertionError(f.use.kind)


def cpp_string_literal(s):
    out = []
    for ch in s:
        o = ord(ch)
        if ch in '"\\':
            out.append("\\" + ch)
        elif 32 <= o < 127:
            out.append(ch)
        elif o < 0xA0:
            out.append(f"\\{o:03o}")
        elif o < 0x10000:
            out.append(f"\\u{o:04X}")
        else:
            out.append(f"\\U{o:08X}")
    return '"' + "".join(out) + '"'
