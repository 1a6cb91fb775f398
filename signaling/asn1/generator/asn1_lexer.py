"""Tokenizer for the subset of X.680 ASN.1 that H.225.0, H.245 and H.235 use."""

import re
from dataclasses import dataclass


class Asn1Error(Exception):
    """An error in a module text, with file and line."""


@dataclass
class Token:
    kind: str  # 'id' (lower-case initial), 'ref' (upper-case initial), 'num', 'cstring', 'punct', 'eof'
    text: str
    file: str
    line: int

    def where(self):
        return f"{self.file}:{self.line}"


# Longest first so that '::=' wins over ':' and '...' over '..'.
_PUNCT = ["::=", "...", "..", "[[", "]]", "{", "}", "(", ")", "[", "]", ",", "|", "^", "<", ">", ";", ".", "&", "@",
          "!", ":", "-"]
_WORD = re.compile(r"[A-Za-z&][A-Za-z0-9]*(?:-[A-Za-z0-9]+)*")
_NUMBER = re.compile(r"[0-9]+")


def tokenize(text, file):
    """Splits `text` into tokens, dropping comments ('--' to '--' or end of line, '/* */')."""
    tokens = []
    i = 0
    line = 1
    n = len(text)
    while i < n:
        c = text[i]
        if c == "\n":
            line += 1
            i += 1
            continue
        if c in " \t\r\f\v":
            i += 1
            continue
        if text.startswith("--", i):
            # An ASN.1 comment ends at the next '--' or at the end of the line.
            j = i + 2
            while j < n and text[j] != "\n" and not text.startswith("--", j):
                j += 1
            i = j + 2 if text.startswith("--", j) else j
            continue
        if text.startswith("/*", i):
            j = text.find("*/", i + 2)
            if j < 0:
                raise Asn1Error(f"{file}:{line}: unterminated /* comment")
            line += text.count("\n", i, j)
            i = j + 2
            continue
        if c == '"':
            j = i + 1
            value = []
            while True:
                if j >= n:
                    raise Asn1Error(f"{file}:{line}: unterminated string")
                if text[j] == '"':
                    if j + 1 < n and text[j + 1] == '"':  # "" is an escaped quote
                        value.append('"')
                        j += 2
                        continue
                    break
                value.append(text[j])
                j += 1
            tokens.append(Token("cstring", "".join(value), file, line))
            line += text.count("\n", i, j)
            i = j + 1
            continue
        m = _NUMBER.match(text, i)
        if m:
            tokens.append(Token("num", m.group(0), file, line))
            i = m.end()
            continue
        m = _WORD.match(text, i)
        if m and c != "&":
            word = m.group(0)
            tokens.append(Token("ref" if word[0].isupper() else "id", word, file, line))
            i = m.end()
            continue
        if c == "&":
            m = _WORD.match(text, i + 1)
            if m:
                tokens.append(Token("field", "&" + m.group(0), file, line))
                i = m.end()
                continue
        for p in _PUNCT:
            if text.startswith(p, i):
                tokens.append(Token("punct", p, file, line))
                i += len(p)
                break
        else:
            raise Asn1Error(f"{file}:{line}: unexpected character {c!r}")
    tokens.append(Token("eof", "", file, line))
    return tokens
