#include "asn1/per_common.h"

#include <algorithm>
#include <string>

namespace tessera::signaling::asn1 {

std::string RangeText(const IntegerRange& r) {
  std::string s = "(";
  s += r.has_lb ? std::to_string(r.lb) : "MIN";
  s += "..";
  s += r.has_ub ? std::to_string(r.ub) : "MAX";
  if (r.extensible) s += ", ...";
  return s + ")";
}

std::string SizeText(const SizeRange& s) {
  std::string t = "SIZE (" + std::to_string(s.lb) + "..";
  t += s.has_ub ? std::to_string(s.ub) : "MAX";
  if (s.extensible) t += ", ...";
  return t + ")";
}

namespace {

void PutSubidentifier(uint64_t v, std::vector<uint8_t>& out) {
  uint8_t tmp[10];
  int n = 0;
  do {
    tmp[n++] = static_cast<uint8_t>(v & 0x7F);
    v >>= 7;
  } while (v != 0);
  while (n > 1)
    out.push_back(static_cast<uint8_t>(0x80 | tmp[--n]));
  out.push_back(tmp[0]);
}

}  // namespace

bool EncodeOidContents(const ObjectIdentifier& oid, std::vector<uint8_t>& out) {
  const auto& a = oid.arcs;
  if (a.size() < 2 || a[0] > 2 || (a[0] < 2 && a[1] > 39) || a[1] > UINT64_MAX - 80) return false;
  PutSubidentifier(a[0] * 40 + a[1], out);
  for (size_t i = 2; i < a.size(); ++i)
    PutSubidentifier(a[i], out);
  return true;
}

bool DecodeOidContents(const uint8_t* data, size_t size, ObjectIdentifier& oid, std::string& error) {
  oid.arcs.clear();
  if (size == 0) {
    error = "OBJECT IDENTIFIER with no contents";
    return false;
  }
  size_t i = 0;
  bool first = true;
  while (i < size) {
    if (data[i] == 0x80) {
      error = "OBJECT IDENTIFIER subidentifier with a leading 0x80 octet";
      return false;
    }
    uint64_t v = 0;
    while (true) {
      if (i >= size) {
        error = "OBJECT IDENTIFIER ends inside a subidentifier";
        return false;
      }
      if (v >> 57) {
        error = "OBJECT IDENTIFIER arc beyond 64 bits";
        return false;
      }
      const uint8_t octet = data[i++];
      v = (v << 7) | (octet & 0x7F);
      if ((octet & 0x80) == 0) break;
    }
    if (first) {
      const uint64_t top = std::min<uint64_t>(v / 40, 2);
      oid.arcs.push_back(top);
      oid.arcs.push_back(v - top * 40);
      first = false;
    } else {
      oid.arcs.push_back(v);
    }
  }
  return true;
}

}  // namespace tessera::signaling::asn1
