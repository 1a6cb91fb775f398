"""PER-visible constraints (X.691 9.3): from constraint expressions to the integer ranges,
size ranges and permitted alphabets that decide the encoding."""

from dataclasses import dataclass, field
from typing import Optional, FrozenSet

from asn1_lexer import Asn1Error


@dataclass(frozen=True)
class IntRange:
    lb: Optional[int] = None
    ub: Optional[int] = None
    ext: bool = False

    def intersect(self, other):
        lb = self.lb if other.lb is None else other.lb if self.lb is None else max(self.lb, other.lb)
        ub = self.ub if other.ub is None else other.ub if self.ub is None else min(self.ub, other.ub)
        return IntRange(lb, ub, other.ext)

    def union(self, other):
        lb = None if self.lb is None or other.lb is None else min(self.lb, other.lb)
        ub = None if self.ub is None or other.ub is None else max(self.ub, other.ub)
        return IntRange(lb, ub, self.ext or other.ext)


UNCONSTRAINED = IntRange()


@dataclass(frozen=True)
class StringConstraint:
    """Size range (None = no size constraint) and alphabet (None = the type's whole set)."""
    size: Optional[IntRange] = None
    alphabet: Optional[FrozenSet[int]] = None


# Character sets of the known-multiplier string types (X.680 41, X.691 30).
NUMERIC = frozenset(ord(c) for c in " 0123456789")
PRINTABLE = frozenset(ord(c) for c in
                      " '()+,-./0123456789:=?ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
BASE_ALPHABETS = {
    "IA5String": (0, 127, None),
    "VisibleString": (32, 126, None),
    "BMPString": (0, 65535, None),
    "NumericString": (None, None, NUMERIC),
    "PrintableString": (None, None, PRINTABLE),
}
KNOWN_MULTIPLIER = set(BASE_ALPHABETS)


class ConstraintEvaluator:
    """Evaluates constraint trees; `values` resolves value references, `resolve_type` a
    contained-subtype constraint to its own effective integer range."""

    def __init__(self, values, resolve_int_type=None):
        self.values = values
        self.resolve_int_type = resolve_int_type

    def value(self, v, where):
        if isinstance(v, bool):
            raise Asn1Error(f"{where}: boolean where a number was expected")
        if isinstance(v, int):
            return v
        if isinstance(v, tuple) and v[0] == "ref":
            if v[1] not in self.values:
                raise Asn1Error(f"{where}: unknown value {v[1]}")
            return self.values[v[1]]
        raise Asn1Error(f"{where}: unsupported value {v!r}")

    # --- INTEGER value constraints ---
    def int_range(self, c, where):
        k = c.kind
        if k == "range":
            lo = None if c.lo == "MIN" else self.value(c.lo, where)
            hi = None if c.hi == "MAX" else self.value(c.hi, where)
            return IntRange(lo, hi)
        if k == "single":
            v = self.value(c.value, where)
            return IntRange(v, v)
        if k == "union":
            r = self.int_range(c.items[0], where)
            for item in c.items[1:]:
                r = r.union(self.int_range(item, where))
            return r
        if k == "intersection":
            r = self.int_range(c.items[0], where)
            for item in c.items[1:]:
                r = r.intersect(self.int_range(item, where))
            return IntRange(r.lb, r.ub, any(self.int_range(i, where).ext for i in c.items))
        if k == "extensible":
            if c.root is None:
                raise Asn1Error(f"{where}: an extensible constraint without a root is not supported")
            r = self.int_range(c.root, where)
            return IntRange(r.lb, r.ub, True)
        if k == "type" and self.resolve_int_type is not None:
            return self.resolve_int_type(c.type)
        if k == "ignored":
            return UNCONSTRAINED
        raise Asn1Error(f"{where}: a {k} constraint cannot apply to an INTEGER")

    def apply_int(self, base, constraints, where):
        """Serial constraints: each narrows the range; the last one decides extensibility."""
        r = base
        for c in constraints:
            if c.kind == "ignored":
                continue
            r = r.intersect(self.int_range(c, where))
        return r

    # --- SIZE constraints ---
    def size_range(self, c, where):
        """The size part of a constraint on a string or list: IntRange or None (no size)."""
        k = c.kind
        if k == "size":
            r = self.int_range(c.inner, where)
            return IntRange(0 if r.lb is None else r.lb, r.ub, r.ext)
        if k in ("from", "single", "ignored"):
            return None
        if k == "intersection":
            result = None
            for item in c.items:
                s = self.size_range(item, where)
                if s is not None:
                    result = s if result is None else result.intersect(s)
            return result
        if k == "union":
            parts = [self.size_range(item, where) for item in c.items]
            if any(p is None for p in parts):
                return None
            r = parts[0]
            for p in parts[1:]:
                r = r.union(p)
            return r
        if k == "extensible":
            raise Asn1Error(f"{where}: an extensible constraint around a SIZE constraint is not supported")
        raise Asn1Error(f"{where}: a {k} constraint cannot apply here")

    def apply_size(self, base, constraints, where):
        r = base
        for c in constraints:
            s = self.size_range(c, where)
            if s is not None:
                r = s if r is None else r.intersect(s)
        return r

    # --- PermittedAlphabet ---
    def chars(self, c, where):
        """The characters a FROM constraint's inner expression permits, or None if it is not
        PER-visible (an extensible alphabet constraint)."""
        k = c.kind
        if k == "single":
            if not (isinstance(c.value, tuple) and c.value[0] == "cstring"):
                raise Asn1Error(f"{where}: FROM needs character strings")
            return frozenset(ord(ch) for ch in c.value[1])
        if k == "range":
            lo, hi = c.lo, c.hi
            if not (isinstance(lo, tuple) and lo[0] == "cstring" and len(lo[1]) == 1 and isinstance(hi, tuple)
                    and hi[0] == "cstring" and len(hi[1]) == 1):
                raise Asn1Error(f"{where}: FROM ranges need single characters")
            return frozenset(range(ord(lo[1]), ord(hi[1]) + 1))
        if k == "union":
            sets = [self.chars(i, where) for i in c.items]
            return None if any(s is None for s in sets) else frozenset().union(*sets)
        if k == "intersection":
            sets = [s for s in (self.chars(i, where) for i in c.items) if s is not None]
            return frozenset.intersection(*sets) if sets else None
        if k == "extensible":
            return None
        raise Asn1Error(f"{where}: unsupported FROM constraint {k}")

    def alphabet(self, c, where):
        k = c.kind
        if k == "from":
            return self.chars(c.inner, where)
        if k in ("size", "single", "ignored", "range"):
            return None
        if k == "intersection":
            sets = [s for s in (self.alphabet(i, where) for i in c.items) if s is not None]
            return frozenset.intersection(*sets) if sets else None
        if k == "union":
            sets = [self.alphabet(i, where) for i in c.items]
            return None if any(s is None for s in sets) else frozenset().union(*sets)
        if k == "extensible":
            return None  # X.691 9.3.10: extensible PermittedAlphabet constraints are not PER-visible
        raise Asn1Error(f"{where}: unsupported constraint {k} on a character string")

    def apply_alphabet(self, base, constraints, where):
        a = base
        for c in constraints:
            s = self.alphabet(c, where)
            if s is not None:
                a = s if a is None else a & s
        return a


def aligned_char_bits(count):
    """X.691 30.5.2: bits per character in the ALIGNED variant for an alphabet of `count`."""
    if count < 2:
        raise Asn1Error("a permitted alphabet of fewer than two characters is not supported")
    b = (count - 1).bit_length()
    for p in (1, 2, 4, 8, 16, 32):
        if b <= p:
            return p
    raise Asn1Error("alphabet too large")
