#pragma once
// The one logging header of the project (style.md practice 10): spdlog behind a thin front.
//
// Each .cc file names its component once and logs through the TLOG_* macros:
//
//   namespace { constexpr tessera::log::Component kLog{"sip.transaction", tessera::log::Tag::kSip}; }
//   TLOG_INFO(kLog, "transaction {} timed out", id);
//   TLOG_DEBUG(kLog, "retransmit {}", n);   // printed only at debug level with tag 'sip' on
//
// Rules: nothing per packet or per frame at info level or above; the packet path uses a
// RateLimit; keys, passwords and tokens are never logged.
//
// Thread safety: Init/SetLevel/SetDebugTags are called during start-up, before any other
// thread exists. The TLOG_* macros may be used from any thread.

#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tessera::log {

enum class Level { kTrace, kDebug, kInfo, kWarn, kError, kOff };

// Run-time debug tags: debug output of a component is printed only if its tag is enabled.
enum class Tag : uint32_t {
  kNone = 0,  // a component without a tag prints at debug level whenever debug is on
  kRtp = 1u << 0,
  kRtcp = 1u << 1,
  kSrtp = 1u << 2,
  kJitter = 1u << 3,
  kCodec = 1u << 4,
  kMixer = 1u << 5,
  kLayout = 1u << 6,
  kMedia = 1u << 7,
  kSip = 1u << 8,
  kSdp = 1u << 9,
  kH323 = 1u << 10,
  kH245 = 1u << 11,
  kApi = 1u << 12,
  kHttp = 1u << 13,
  kConfig = 1u << 14,
  kStream = 1u << 15,
};
inline constexpr uint32_t kAllTags = 0xffffffffu;

struct Component {
  const char* name;
  Tag tag = Tag::kNone;
};

struct Options {
  Level level = Level::kInfo;
  uint32_t debug_tags = kAllTags;
};

void Init(const Options& options);
void SetLevel(Level level);
void SetDebugTags(uint32_t tags);

std::optional<Level> ParseLevel(std::string_view text);
std::string_view LevelName(Level level);
// "rtp" -> Tag::kRtp; nullopt for an unknown name.
std::optional<Tag> ParseTag(std::string_view name);
// "rtp,sip" -> bit set; "all" -> kAllTags; nullopt (and *bad set to the culprit) if unknown.
std::optional<uint32_t> ParseTagList(std::string_view list, std::string* bad = nullptr);
// Every tag name, for --help and error messages: "rtp, rtcp, ...".
std::string TagNames();

spdlog::logger& Logger();
bool DebugEnabled(const Component& c);

// Allows one message per interval and counts what it held back; for the packet path.
// Not thread-safe: one per owner (a stream, a socket), used on the owner's thread.
class RateLimit {
 public:
  explicit RateLimit(std::chrono::milliseconds interval) : interval_(interval) {}
  // True if a message may be logged now.
  bool Allow();
  // How many messages were held back before the one Allow() let through last.
  uint64_t suppressed() const { return suppressed_before_last_; }

 private:
  std::chrono::milliseconds interval_;
  std::chrono::steady_clock::time_point next_{};
  uint64_t pending_ = 0;
  uint64_t suppressed_before_last_ = 0;
};

}  // namespace tessera::log

#define TLOG_ERROR(c, fmt, ...) ::tessera::log::Logger().error("[{}] " fmt, (c).name __VA_OPT__(, ) __VA_ARGS__)
#define TLOG_WARN(c, fmt, ...) ::tessera::log::Logger().warn("[{}] " fmt, (c).name __VA_OPT__(, ) __VA_ARGS__)
#define TLOG_INFO(c, fmt, ...) ::tessera::log::Logger().info("[{}] " fmt, (c).name __VA_OPT__(, ) __VA_ARGS__)
#define TLOG_DEBUG(c, fmt, ...)                                                         \
  do {                                                                                  \
    if (::tessera::log::DebugEnabled(c))                                                \
      ::tessera::log::Logger().debug("[{}] " fmt, (c).name __VA_OPT__(, ) __VA_ARGS__); \
  } while (0)
// Logs at warn level at most once per limiter interval, with the number held back since.
#define TLOG_WARN_RATE_LIMITED(limiter, c, fmt, ...)                                                             \
  do {                                                                                                           \
    if ((limiter).Allow())                                                                                       \
      ::tessera::log::Logger().warn("[{}] " fmt " ({} similar suppressed)", (c).name __VA_OPT__(, ) __VA_ARGS__, \
                                    (limiter).suppressed());                                                     \
  } while (0)
