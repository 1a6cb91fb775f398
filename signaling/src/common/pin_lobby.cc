#include "common/pin_lobby.h"

#include "tessera/base/log.h"

namespace tessera::signaling {
namespace {
constexpr log::Component kLog{"lobby", log::Tag::kSip};
}  // namespace

PinLobby::PinLobby(mcu::ConferenceControl& control, boost::asio::io_context& io, PinLobbyOptions options,
                   std::string room_id, std::string participant_id, std::string name, Host& host)
    : control_(control),
      host_(host),
      options_(options),
      room_id_(std::move(room_id)),
      participant_id_(std::move(participant_id)),
      name_(std::move(name)),
      pin_(options.pin_attempts),
      poll_(io) {}

void PinLobby::Start() {
  waiting_ = true;
  const auto now = std::chrono::steady_clock::now();
  deadline_ = now + options_.lobby_timeout;
  last_digit_ = now;
  SchedulePoll();
}

void PinLobby::Stop() {
  waiting_ = false;
  poll_.cancel();
}

void PinLobby::SchedulePoll() {
  poll_.expires_after(options_.digit_poll);
  poll_.async_wait([this, alive = std::weak_ptr<int>(alive_)](const boost::system::error_code& ec) {
    if (ec || !alive.lock()) return;
    Poll();
  });
}

// One poll: the core's digits, the inter-digit and lobby timeouts, the end of the goodbye
// prompt. Every path that may end the call returns right after it.
void PinLobby::Poll() {
  if (!waiting_) return;
  const auto now = std::chrono::steady_clock::now();
  if (goodbye_at_) {
    if (now >= *goodbye_at_) return host_.EndLobbyCall(End::kGoodbye, "wrong PIN");
    return SchedulePoll();
  }
  auto digits = control_.TakeDigits(room_id_, participant_id_);
  if (!digits) return host_.EndLobbyCall(End::kFailure, "PIN entry: " + digits.error().message);
  for (char d : *digits) {
    if (!OnDigit(d)) return;
    if (!waiting_ || goodbye_at_) break;
  }
  if (!waiting_) return;
  if (!goodbye_at_ && pin_.has_digits() && now - last_digit_ >= options_.interdigit_timeout) {
    if (auto entry = pin_.OnTimeout(); entry && !Check(*entry)) return;
  }
  if (waiting_ && !goodbye_at_ && now >= deadline_) {
    TLOG_INFO(kLog, "{}: no right PIN within {} s", name_, options_.lobby_timeout.count());
    SayGoodbye();
  }
  if (waiting_) SchedulePoll();
}

bool PinLobby::OnDigit(char digit) {
  if (!waiting_ || goodbye_at_) return true;
  last_digit_ = std::chrono::steady_clock::now();
  if (auto entry = pin_.OnDigit(digit)) return Check(*entry);
  return true;
}

bool PinLobby::Check(const std::string& entry) {
  auto right = control_.CheckPin(room_id_, entry);
  if (!right) {
    host_.EndLobbyCall(End::kFailure, "PIN check: " + right.error().message);
    return false;
  }
  if (*right) {
    auto admitted = control_.AdmitParticipant(room_id_, participant_id_);
    if (!admitted) {
      host_.EndLobbyCall(End::kFailure, "admission: " + admitted.error().message);
      return false;
    }
    Stop();
    TLOG_INFO(kLog, "{}: right PIN, {} admitted to room {}", name_, participant_id_, room_id_);
    return true;
  }
  const bool may_retry = host_.MayRetryPin();
  if (pin_.OnWrong() && may_retry) {
    TLOG_INFO(kLog, "{}: wrong PIN ({} of {})", name_, pin_.wrong_attempts(), options_.pin_attempts);
    (void)control_.PlayPrompt(room_id_, participant_id_, mcu::Prompt::kWrongPin);
    return true;
  }
  TLOG_INFO(kLog, "{}: wrong PIN {} times, saying goodbye", name_, pin_.wrong_attempts());
  SayGoodbye();
  return true;
}

void PinLobby::SayGoodbye() {
  (void)control_.PlayPrompt(room_id_, participant_id_, mcu::Prompt::kGoodbye);
  goodbye_at_ = std::chrono::steady_clock::now() + options_.goodbye;
}

}  // namespace tessera::signaling
