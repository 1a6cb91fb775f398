#include "config/toml_reader.h"

#include <fmt/format.h>

#include <algorithm>

namespace tessera::mcu::config_internal {

void ErrorSink::Add(const toml::source_region& where, std::string key, std::string message) {
  out_.push_back(ConfigError{file_, static_cast<int>(where.begin.line), static_cast<int>(where.begin.column),
                             std::move(key), std::move(message)});
}

std::string_view DescribeType(toml::node_type type) {
  switch (type) {
    case toml::node_type::none:
      return "nothing";
    case toml::node_type::table:
      return "a table";
    case toml::node_type::array:
      return "an array";
    case toml::node_type::string:
      return "a string";
    case toml::node_type::integer:
      return "an integer";
    case toml::node_type::floating_point:
      return "a floating-point number";
    case toml::node_type::boolean:
      return "a boolean";
    case toml::node_type::date:
      return "a date";
    case toml::node_type::time:
      return "a time";
    case toml::node_type::date_time:
      return "a date-time";
  }
  return "an unknown value";
}

std::string DescribeValue(const toml::node& node) {
  if (const auto* s = node.as_string()) {
    std::string v = s->get();
    if (v.size() > 40) v = v.substr(0, 40) + "...";
    return fmt::format("\"{}\"", v);
  }
  if (const auto* i = node.as_integer()) return fmt::format("{}", i->get());
  if (const auto* f = node.as_floating_point()) return fmt::format("{}", f->get());
  if (const auto* b = node.as_boolean()) return b->get() ? "true" : "false";
  return std::string(DescribeType(node.type()));
}

std::string TableReader::KeyPath(std::string_view key) const {
  return prefix_.empty() ? std::string(key) : fmt::format("{}.{}", prefix_, key);
}

const toml::node* TableReader::Find(std::string_view key) {
  known_.emplace_back(key);
  return table_.get(key);
}

void TableReader::WrongType(std::string_view key, const toml::node& node, std::string_view expected) {
  InvalidAt(node, KeyPath(key), fmt::format("expected {}, got {}", expected, DescribeType(node.type())));
}

void TableReader::InvalidAt(const toml::node& node, std::string key_path, std::string message) {
  errors_.Add(node.source(), std::move(key_path), std::move(message));
}

void TableReader::Invalid(std::string_view key, std::string message) {
  const toml::node* node = table_.get(key);
  errors_.Add(node ? node->source() : table_.source(), KeyPath(key), std::move(message));
}

bool TableReader::Require(std::string_view key) {
  if (table_.contains(key)) return true;
  errors_.Add(table_.source(), KeyPath(key), "required but missing");
  return false;
}

bool TableReader::String(std::string_view key, std::string& out) {
  const toml::node* node = Find(key);
  if (!node) return false;
  const auto* s = node->as_string();
  if (!s) {
    WrongType(key, *node, "a string");
    return false;
  }
  out = s->get();
  return true;
}

bool TableReader::Boolean(std::string_view key, bool& out) {
  const toml::node* node = Find(key);
  if (!node) return false;
  const auto* b = node->as_boolean();
  if (!b) {
    WrongType(key, *node, "a boolean (true or false)");
    return false;
  }
  out = b->get();
  return true;
}

bool TableReader::Integer(std::string_view key, int64_t min, int64_t max, int64_t& out) {
  const toml::node* node = Find(key);
  if (!node) return false;
  const std::string expected = fmt::format("an integer from {} to {}", min, max);
  const auto* i = node->as_integer();
  if (!i) {
    WrongType(key, *node, expected);
    return false;
  }
  if (i->get() < min || i->get() > max) {
    InvalidAt(*node, KeyPath(key), fmt::format("expected {}, got {}", expected, i->get()));
    return false;
  }
  out = i->get();
  return true;
}

bool TableReader::Number(std::string_view key, double min, double max, double& out) {
  const toml::node* node = Find(key);
  if (!node) return false;
  const std::string expected = fmt::format("a number from {} to {}", min, max);
  double value = 0;
  if (const auto* i = node->as_integer()) {
    value = static_cast<double>(i->get());
  } else if (const auto* f = node->as_floating_point()) {
    value = f->get();
  } else {
    WrongType(key, *node, expected);
    return false;
  }
  if (!(value >= min && value <= max)) {  // also refuses nan
    InvalidAt(*node, KeyPath(key), fmt::format("expected {}, got {}", expected, value));
    return false;
  }
  out = value;
  return true;
}

bool TableReader::StringArray(std::string_view key, std::vector<std::string>& out) {
  const toml::node* node = Find(key);
  if (!node) return false;
  const auto* a = node->as_array();
  if (!a) {
    WrongType(key, *node, "an array of strings");
    return false;
  }
  std::vector<std::string> values;
  bool ok = true;
  for (size_t idx = 0; idx < a->size(); ++idx) {
    const toml::node& element = *a->get(idx);
    if (const auto* s = element.as_string()) {
      values.push_back(s->get());
    } else {
      InvalidAt(element, fmt::format("{}[{}]", KeyPath(key), idx),
                fmt::format("expected a string, got {}", DescribeType(element.type())));
      ok = false;
    }
  }
  if (ok) out = std::move(values);
  return ok;
}

const toml::table* TableReader::Table(std::string_view key) {
  const toml::node* node = Find(key);
  if (!node) return nullptr;
  const auto* t = node->as_table();
  if (!t) WrongType(key, *node, fmt::format("a table ([{}])", KeyPath(key)));
  return t;
}

const toml::array* TableReader::ArrayOfTables(std::string_view key) {
  const toml::node* node = Find(key);
  if (!node) return nullptr;
  const auto* a = node->as_array();
  if (!a) {
    WrongType(key, *node, fmt::format("an array of tables ([[{}]])", KeyPath(key)));
    return nullptr;
  }
  bool ok = true;
  for (size_t idx = 0; idx < a->size(); ++idx) {
    const toml::node& element = *a->get(idx);
    if (!element.is_table()) {
      InvalidAt(element, fmt::format("{}[{}]", KeyPath(key), idx),
                fmt::format("expected a table, got {}", DescribeType(element.type())));
      ok = false;
    }
  }
  return ok ? a : nullptr;
}

void TableReader::RejectUnknownKeys() {
  for (const auto& [k, node] : table_) {
    const std::string_view key = k.str();
    if (std::find(known_.begin(), known_.end(), key) != known_.end()) continue;
    std::vector<std::string> sorted = known_;
    std::sort(sorted.begin(), sorted.end());
    sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
    const std::string where = prefix_.empty() ? "at the top level" : fmt::format("in [{}]", prefix_);
    errors_.Add(k.source().begin.line ? k.source() : node.source(), KeyPath(key),
                fmt::format("unknown key; keys allowed {} are: {}", where, fmt::join(sorted, ", ")));
  }
}

}  // namespace tessera::mcu::config_internal
