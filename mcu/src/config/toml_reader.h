#pragma once
// A strict reader over one TOML table: every key is read through a typed call that checks
// type and range; RejectUnknownKeys() then reports what nobody asked for. Errors carry the
// file, line, column and full dotted key. Used only by the config parser (config_parser.cc, layout_config.cc).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <toml++/toml.h>

#include "tessera/mcu/config.h"

namespace tessera::mcu::config_internal {

class ErrorSink {
 public:
  ErrorSink(std::string file, ConfigErrors& out) : file_(std::move(file)), out_(out) {}
  void Add(const toml::source_region& where, std::string key, std::string message);
  bool empty() const { return out_.empty(); }
  size_t size() const { return out_.size(); }
  const std::string& file() const { return file_; }

 private:
  std::string file_;
  ConfigErrors& out_;
};

// "a string", "an integer", ... for "expected X, got Y" messages.
std::string_view DescribeType(toml::node_type type);
// The value as it would appear in the file, for "got ..." (strings quoted, long ones cut).
std::string DescribeValue(const toml::node& node);

class TableReader {
 public:
  TableReader(const toml::table& table, std::string prefix, ErrorSink& errors)
      : table_(table), prefix_(std::move(prefix)), errors_(errors) {}

  // Each reader marks the key as known. When the key is absent the output is left as it was
  // and the call returns false; when it is present but wrong, an error is recorded and the
  // call returns false; true means `out` now holds the file's value.
  bool String(std::string_view key, std::string& out);
  bool Boolean(std::string_view key, bool& out);
  bool Integer(std::string_view key, int64_t min, int64_t max, int64_t& out);
  template <typename T>
  bool Integer(std::string_view key, int64_t min, int64_t max, T& out) {
    int64_t v = 0;
    if (!Integer(key, min, max, v)) return false;
    out = static_cast<T>(v);
    return true;
  }
  // A number written as an integer (1) or a float (0.25), within [min, max].
  bool Number(std::string_view key, double min, double max, double& out);
  bool StringArray(std::string_view key, std::vector<std::string>& out);
  const toml::table* Table(std::string_view key);
  // An array whose every element is a table ([[key]] in TOML).
  const toml::array* ArrayOfTables(std::string_view key);

  // Records "required but missing" if the key is absent. Returns whether it is present.
  bool Require(std::string_view key);
  // Records an error about the value at `key` (or the table itself if the key is absent).
  void Invalid(std::string_view key, std::string message);
  // Records an error at the given node.
  void InvalidAt(const toml::node& node, std::string key_path, std::string message);
  // Reports every key of the table that no reader call named.
  void RejectUnknownKeys();

  std::string KeyPath(std::string_view key) const;
  const toml::table& table() const { return table_; }
  ErrorSink& errors() { return errors_; }

 private:
  const toml::node* Find(std::string_view key);
  void WrongType(std::string_view key, const toml::node& node, std::string_view expected);

  const toml::table& table_;
  std::string prefix_;
  ErrorSink& errors_;
  std::vector<std::string> known_;
};

}  // namespace tessera::mcu::config_internal
