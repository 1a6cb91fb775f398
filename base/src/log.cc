#include "tessera/base/log.h"

#include <spdlog/sinks/stdout_color_sinks.h>

#include <array>
#include <atomic>

namespace tessera::log {
namespace {

struct TagName {
  Tag tag;
  std::string_view name;
};
constexpr std::array kTagNames = {
    TagName{Tag::kRtp, "rtp"},       TagName{Tag::kRtcp, "rtcp"},   TagName{Tag::kSrtp, "srtp"},
    TagName{Tag::kJitter, "jitter"}, TagName{Tag::kCodec, "codec"}, TagName{Tag::kMixer, "mixer"},
    TagName{Tag::kLayout, "layout"}, TagName{Tag::kMedia, "media"}, TagName{Tag::kSip, "sip"},
    TagName{Tag::kSdp, "sdp"},       TagName{Tag::kH323, "h323"},   TagName{Tag::kH245, "h245"},
    TagName{Tag::kApi, "api"},       TagName{Tag::kHttp, "http"},   TagName{Tag::kConfig, "config"},
    TagName{Tag::kStream, "stream"},
};

std::atomic<uint32_t> g_debug_tags{kAllTags};

spdlog::level::level_enum ToSpd(Level level) {
  switch (level) {
    case Level::kTrace:
      return spdlog::level::trace;
    case Level::kDebug:
      return spdlog::level::debug;
    case Level::kInfo:
      return spdlog::level::info;
    case Level::kWarn:
      return spdlog::level::warn;
    case Level::kError:
      return spdlog::level::err;
    case Level::kOff:
      return spdlog::level::off;
  }
  return spdlog::level::info;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
    s.remove_suffix(1);
  return s;
}

}  // namespace

spdlog::logger& Logger() {
  // Created on first use so that code running before Init (and tests) still logs to stderr.
  static spdlog::logger* logger = [] {
    auto sink = std::make_shared<spdlog::sinks::stderr_color_sink_mt>();
    auto* l = new spdlog::logger("tessera", std::move(sink));  // lives for the whole process
    l->set_pattern("%Y-%m-%d %H:%M:%S.%e %^%-5l%$ %v");
    l->set_level(spdlog::level::info);
    l->flush_on(spdlog::level::warn);
    return l;
  }();
  return *logger;
}

void Init(const Options& options) {
  SetLevel(options.level);
  SetDebugTags(options.debug_tags);
}

void SetLevel(Level level) {
  Logger().set_level(ToSpd(level));
}

void SetDebugTags(uint32_t tags) {
  g_debug_tags.store(tags, std::memory_order_relaxed);
}

bool DebugEnabled(const Component& c) {
  if (!Logger().should_log(spdlog::level::debug)) return false;
  const uint32_t tag = static_cast<uint32_t>(c.tag);
  return tag == 0 || (g_debug_tags.load(std::memory_order_relaxed) & tag) != 0;
}

std::optional<Level> ParseLevel(std::string_view text) {
  if (text == "trace") return Level::kTrace;
  if (text == "debug") return Level::kDebug;
  if (text == "info") return Level::kInfo;
  if (text == "warn" || text == "warning") return Level::kWarn;
  if (text == "error") return Level::kError;
  if (text == "off") return Level::kOff;
  return std::nullopt;
}

std::string_view LevelName(Level level) {
  switch (level) {
    case Level::kTrace:
      return "trace";
    case Level::kDebug:
      return "debug";
    case Level::kInfo:
      return "info";
    case Level::kWarn:
      return "warn";
    case Level::kError:
      return "error";
    case Level::kOff:
      return "off";
  }
  return "info";
}

std::optional<Tag> ParseTag(std::string_view name) {
  for (const auto& t : kTagNames) {
    if (t.name == name) return t.tag;
  }
  return std::nullopt;
}

std::optional<uint32_t> ParseTagList(std::string_view list, std::string* bad) {
  list = Trim(list);
  if (list == "all") return kAllTags;
  uint32_t bits = 0;
  while (!list.empty()) {
    const size_t comma = list.find(',');
    const std::string_view item = Trim(list.substr(0, comma));
    list = comma == std::string_view::npos ? std::string_view{} : list.substr(comma + 1);
    if (item.empty()) continue;
    if (item == "all") {
      bits = kAllTags;
      continue;
    }
    const std::optional<Tag> tag = ParseTag(item);
    if (!tag) {
      if (bad) *bad = std::string(item);
      return std::nullopt;
    }
    bits |= static_cast<uint32_t>(*tag);
  }
  return bits;
}

std::string TagNames() {
  std::string out;
  for (const auto& t : kTagNames) {
    if (!out.empty()) out += ", ";
    out += t.name;
  }
  return out;
}

bool RateLimit::Allow() {
  const auto now = std::chrono::steady_clock::now();
  if (now < next_) {
    ++pending_;
    return false;
  }
  next_ = now + interval_;
  suppressed_before_last_ = pending_;
  pending_ = 0;
  return true;
}

}  // namespace tessera::log
