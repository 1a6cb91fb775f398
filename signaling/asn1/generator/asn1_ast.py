"""Syntax tree of ASN.1 modules, as parsed (before references are resolved)."""

from dataclasses import dataclass, field
from typing import List, Optional


@dataclass
class Constraint:
    """One node of a constraint expression.

    kind: 'range' (lo, hi: int | 'MIN' | 'MAX' | value reference name), 'single' (value),
    'size' (inner), 'from' (inner), 'union' / 'intersection' (items), 'extensible'
    (root, additions: Optional[Constraint]), 'type' (contained subtype: a Type),
    'ignored' (WITH COMPONENT(S), CONSTRAINED BY: not PER-visible).
    """
    kind: str
    lo: object = None
    hi: object = None
    value: object = None
    inner: Optional["Constraint"] = None
    items: List["Constraint"] = field(default_factory=list)
    root: Optional["Constraint"] = None
    additions: Optional["Constraint"] = None
    type: object = None


@dataclass
class Type:
    """kind: BOOLEAN, NULL, INTEGER, ENUMERATED, BIT STRING, OCTET STRING, OBJECT IDENTIFIER,
    STRING (string_kind), SEQUENCE, SET, CHOICE, SEQUENCE OF, SET OF, REF, OPEN."""
    kind: str
    where: str = ""
    constraints: List[Constraint] = field(default_factory=list)
    # INTEGER named numbers / BIT STRING named bits: [(name, value)]
    named: List[tuple] = field(default_factory=list)
    # ENUMERATED: root [(name, value|None)], additions or None when not extensible
    enum_root: List[tuple] = field(default_factory=list)
    enum_additions: Optional[List[tuple]] = None
    string_kind: str = ""  # IA5String, BMPString, ...
    # SEQUENCE / SET: root components (both root lists, in order), additions (Component or
    # Group), extensible flag. CHOICE: root alternatives, addition alternatives.
    components: List["Component"] = field(default_factory=list)
    additions: List[object] = field(default_factory=list)
    extensible: bool = False
    element: Optional["Type"] = None  # SEQUENCE OF / SET OF
    element_name: str = ""
    ref_module: str = ""  # REF: the module named in an external reference (Module.Type)
    ref_name: str = ""
    ref_args: List["Type"] = field(default_factory=list)  # parameterized reference actual types
    open_of: str = ""  # OPEN: the type named in TYPE-IDENTIFIER.&Type(X), for documentation


@dataclass
class Component:
    name: str
    type: Type
    optional: bool = False
    default: object = None  # a parsed value (int, bool, identifier string) or None
    where: str = ""


@dataclass
class Group:
    """An extension addition group [[ ... ]]: one bit of the extension bitmap."""
    components: List[Component]
    version: Optional[int] = None
    where: str = ""


@dataclass
class Assignment:
    name: str
    type: Type
    params: List[str] = field(default_factory=list)  # parameterized type: dummy references
    where: str = ""


@dataclass
class Module:
    name: str
    file: str
    assignments: List[Assignment] = field(default_factory=list)
    values: dict = field(default_factory=dict)  # value assignments: name -> int
    imports: dict = field(default_factory=dict)  # symbol -> module name
