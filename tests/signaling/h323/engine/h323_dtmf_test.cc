// DTMF from an H.323 leg into a PIN room, in each of the four ways a room system keys it:
// H.245 userInputIndication alphanumeric, userInputIndication signal (with a duration),
// RFC 2833 telephone events on the audio stream (the payload type Tessera's
// receiveRTPAudioTelephonyEventCapability names) and in-band tones in the G.711 audio. Room
// "a" dials room "b" (PIN 2468) over H.323 in-process (engine_server.h) and keys the digits
// with H323Conference::SendDigits, so Tessera is both the sender and the receiver: the right
// PIN admits the caller (its participant leaves the lobby, pictures flow both ways), three
// wrong ones end the call with RELEASE COMPLETE (cause 21, noPermission) from room b's side.
#include <gtest/gtest.h>

#include <mutex>
#include <vector>

#include "engine_server.h"

namespace tessera::signaling::h323 {
namespace {

using namespace std::chrono_literals;

struct DtmfCase {
  const char* name;
  DigitMethod method;
  DialMode mode;
};

// The calls that ended, as the conference reports them (control thread -> test thread).
struct Ended {
  std::mutex mutex;
  std::vector<std::pair<uint64_t, CallEnd>> calls;
};

class H323Dtmf : public engine_test::EngineServer, public ::testing::WithParamInterface<DtmfCase> {
 protected:
  void SetUp() override {
    H323ConferenceOptions options;
    options.goodbye = 300ms;
    options.on_call_ended = [this](uint64_t id, const CallEnd& end) {
      std::lock_guard lock(ended_.mutex);
      ended_.calls.emplace_back(id, end);
    };
    StartServer({"", GetParam().mode, codecs::CodecId::kPcmu, codecs::CodecId::kH264}, "pin = \"2468\"\n", options);
  }

  // Dials b from a and waits until the call is up with audio going out and, for RFC 2833,
  // the peer's telephone-event payload type known.
  std::shared_ptr<H323Connection> Dial() {
    const std::string target = "h323:4000@127.0.0.1:" + std::to_string(endpoint_->port());
    auto placed = OnControl([&] { return conference_->DialOut(*endpoint_, "a", target, GetParam().mode); });
    EXPECT_TRUE(placed) << placed.error();
    if (!placed) return nullptr;
    std::shared_ptr<H323Connection> call = *placed;
    const bool up = WaitUntil(
        [&] {
          return OnControl([&] {
            const CallMedia& m = call->call().media();
            return call->call().connected() && m.audio.sending && m.telephone_event_payload_type.has_value() &&
                   call->call().h245() && call->call().h245()->remote_capabilities().has_value();
          });
        },
        10s);
    EXPECT_TRUE(up) << "the call did not come up with audio";
    return up ? call : nullptr;
  }

  // Room b's H.323 participant (not the demo one): whether it waits in the lobby.
  std::optional<bool> CallerInLobby() {
    auto list = server_->ListParticipants("b");
    if (!list) return std::nullopt;
    for (const auto& p : *list)
      if (p.protocol == "h323") return p.lobby;
    return std::nullopt;
  }

  Result<void, std::string> Key(const std::shared_ptr<H323Connection>& call, const std::string& digits) {
    return OnControl([&] { return conference_->SendDigits(call->id(), digits, GetParam().method); });
  }

  Ended ended_;
};

TEST_P(H323Dtmf, TheRightPinAdmitsTheCallerAndMediaFlowsBothWays) {
  auto call = Dial();
  ASSERT_TRUE(call);
  ASSERT_EQ(CallerInLobby(), std::optional<bool>(true)) << "room b has a PIN: the caller waits in the lobby";
  const engine_test::Flow a_before = engine_test::FlowOf(*server_->conferences().room("a"));
  const engine_test::Flow b_before = engine_test::FlowOf(*server_->conferences().room("b"));

  auto keyed = Key(call, "2468#");
  ASSERT_TRUE(keyed) << keyed.error();
  EXPECT_TRUE(WaitUntil([&] { return CallerInLobby() == std::optional<bool>(false); }, 10s))
      << "the PIN did not admit the caller";

  // Admitted: room a now sees room b's picture and room b decodes room a's.
  const bool flowing = WaitFor(
      [&](const engine_test::Flow& a, const engine_test::Flow& b) {
        return a.frames_decoded >= a_before.frames_decoded + 15 && b.frames_decoded >= b_before.frames_decoded + 15 &&
               a.audio_packets >= a_before.audio_packets + 50 && b.audio_packets >= b_before.audio_packets + 50;
      },
      20s);
  EXPECT_TRUE(flowing);
  EXPECT_TRUE(OnControl([&] { return call->call().connected(); }));
  std::lock_guard lock(ended_.mutex);
  EXPECT_TRUE(ended_.calls.empty()) << "a call ended: " << ended_.calls.front().second.reason.detail;
}

TEST_P(H323Dtmf, ThreeWrongPinsEndTheCallWithReleaseComplete) {
  auto call = Dial();
  ASSERT_TRUE(call);
  ASSERT_EQ(CallerInLobby(), std::optional<bool>(true));
  for (int attempt = 1; attempt <= 3; ++attempt) {
    auto keyed = Key(call, "1357#");
    ASSERT_TRUE(keyed) << keyed.error();
    if (attempt < 3) {
      // Each wrong entry is judged before the next (the lobby keeps the call meanwhile).
      EXPECT_TRUE(OnControl([&] { return !call->call().ended(); }));
    }
  }
  EXPECT_TRUE(WaitUntil(
      [&] {
        std::lock_guard lock(ended_.mutex);
        return ended_.calls.size() == 2;
      },
      15s))
      << "the call was not ended after three wrong PINs";
  std::lock_guard lock(ended_.mutex);
  bool dial_in_released = false, dial_out_ended = false;
  for (const auto& [id, end] : ended_.calls) {
    if (id == call->id()) {
      dial_out_ended = true;
      EXPECT_NE(end.who, CallEnd::Who::kLocal) << "the dialling side did not end it";
    } else {
      dial_in_released = true;
      // Room b's side sent RELEASE COMPLETE (H323Call::Hangup) with the PIN refusal.
      EXPECT_EQ(end.who, CallEnd::Who::kLocal);
      EXPECT_EQ(end.reason.cause, q850::kCallRejected);
      EXPECT_EQ(end.reason.reason, h225::ReleaseCompleteReason::Tag::noPermission);
    }
  }
  EXPECT_TRUE(dial_in_released && dial_out_ended);
  EXPECT_FALSE(CallerInLobby().has_value()) << "the participant left room b";
  EXPECT_EQ(OnControl([&] { return conference_->active_calls(); }), 0u);
}

INSTANTIATE_TEST_SUITE_P(
    Ways, H323Dtmf,
    ::testing::Values(
        DtmfCase{"H245Alphanumeric", DigitMethod::kH245Alphanumeric, {.fast_start = true, .tunnelling = true}},
        DtmfCase{"H245Signal", DigitMethod::kH245Signal, {.fast_start = false, .tunnelling = false}},
        DtmfCase{"Rfc2833", DigitMethod::kRfc2833, {.fast_start = true, .tunnelling = true}},
        DtmfCase{"InbandTones", DigitMethod::kInband, {.fast_start = false, .tunnelling = true}}),
    [](const ::testing::TestParamInfo<DtmfCase>& param_info) { return std::string(param_info.param.name); });

}  // namespace
}  // namespace tessera::signaling::h323
