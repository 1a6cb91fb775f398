// The four RFC 3261 §17 state machines with a manual clock: every timer (A–M) fires when the
// RFC says, retransmissions are sent and absorbed, transactions are matched and cleaned up.
#include "tessera/signaling/sip/transaction.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "rfc4475_messages.h"
#include "tessera/signaling/sip/parser.h"

namespace tessera::signaling::sip {
namespace {

using namespace std::chrono_literals;
using testing::Crlf;
using ::testing::HasSubstr;

class FakeSender : public MessageSender {
 public:
  struct Sent {
    Destination destination;
    Message message;
    TimerService::Clock::time_point at;
  };
  explicit FakeSender(ManualTimerService& clock) : clock_(clock) {}
  void Send(const Destination& d, std::string bytes, TransportLayer::SendCallback on_error) override {
    auto m = ParseMessage(bytes);
    ASSERT_TRUE(m) << m.error().reason << "\n" << bytes;
    sent.push_back({d, std::move(*m), clock_.Now()});
    if (fail_next && on_error) {
      fail_next = false;
      on_error(boost::asio::error::connection_refused);
    }
  }
  std::pair<std::string, uint16_t> LocalAddressFor(TransportType, const boost::asio::ip::address&) override {
    return {"192.0.2.1", 5060};
  }
  std::vector<Sent> sent;
  bool fail_next = false;

 private:
  ManualTimerService& clock_;
};

class RecordingUser : public TransactionLayer::User {
 public:
  void OnRequest(TransactionLayer::ServerId id, const Message& request, const Source&) override {
    requests.push_back({id, request});
    if (on_request) on_request(id, request);
  }
  void OnAck(const Message& ack, const Source&) override { acks.push_back(ack); }
  void OnStrayResponse(const Message& r, const Source&) override { strays.push_back(r); }
  std::vector<std::pair<TransactionLayer::ServerId, Message>> requests;
  std::vector<Message> acks;
  std::vector<Message> strays;
  std::function<void(TransactionLayer::ServerId, const Message&)> on_request;
};

Message Parse(const std::string& text) {
  auto m = ParseMessage(Crlf(text));
  EXPECT_TRUE(m) << m.error().reason;
  return *m;
}

Message NewRequest(Method method) {
  Message m = Message::Request(method, *ParseUri("sip:1000@192.0.2.9"));
  m.max_forwards = 70;
  m.from.uri = *ParseUri("sip:tessera@192.0.2.1");
  m.from.params.Set("tag", "ftag");
  m.to.uri = m.request_uri;
  m.call_id = "call-1";
  m.cseq = {1, std::string(MethodName(method))};
  return m;
}

// A response to a request we sent, as the peer would write it.
Message ResponseTo(const Message& request, int status, std::string_view to_tag = "ttag") {
  return MakeResponse(request, status, {}, status > 100 ? to_tag : "");
}

class TransactionTest : public ::testing::Test {
 protected:
  TransactionTest() : sender_(clock_), layer_(sender_, clock_, {}, user_) {}

  Destination Udp() { return {TransportType::kUdp, boost::asio::ip::make_address("192.0.2.9"), 5060, 0, {}}; }
  Destination Tcp() { return {TransportType::kTcp, boost::asio::ip::make_address("192.0.2.9"), 5060, 7, {}}; }
  Source From(TransportType t = TransportType::kUdp) {
    return {t, boost::asio::ip::make_address("192.0.2.9"), 5062, t == TransportType::kUdp ? 0u : 7u};
  }
  // Offsets (from the first) of the messages sent.
  std::vector<std::chrono::milliseconds> SendTimes() {
    std::vector<std::chrono::milliseconds> out;
    for (const auto& s : sender_.sent)
      out.push_back(std::chrono::duration_cast<std::chrono::milliseconds>(s.at - sender_.sent.front().at));
    return out;
  }

  ManualTimerService clock_;
  FakeSender sender_;
  RecordingUser user_;
  TransactionLayer layer_;
  std::vector<int> statuses_;
  std::vector<TransactionLayer::ClientError> failures_;
  TransactionLayer::ClientCallbacks Record() {
    return {[this](const Message& r) { statuses_.push_back(r.status); },
            [this](TransactionLayer::ClientError e) { failures_.push_back(e); }};
  }
};

TEST_F(TransactionTest, InviteClientOverUdpRetransmitsWithTimerAUntilTimerB) {
  layer_.SendRequest(NewRequest(Method::kInvite), Udp(), Record());
  ASSERT_EQ(sender_.sent.size(), 1u);
  const Via& via = sender_.sent[0].message.via.front();
  EXPECT_TRUE(via.HasRfc3261Branch());
  EXPECT_TRUE(via.params.Has("rport"));
  EXPECT_EQ(via.host, "192.0.2.1");
  clock_.Advance(31999ms);
  EXPECT_THAT(SendTimes(), ::testing::ElementsAre(0ms, 500ms, 1500ms, 3500ms, 7500ms, 15500ms, 31500ms));
  EXPECT_TRUE(failures_.empty());
  clock_.Advance(1ms);  // Timer B = 64*T1
  ASSERT_EQ(failures_.size(), 1u);
  EXPECT_EQ(failures_[0], TransactionLayer::ClientError::kTimeout);
  EXPECT_EQ(layer_.client_count(), 0u);
}

TEST_F(TransactionTest, InviteClientOverTcpDoesNotRetransmit) {
  layer_.SendRequest(NewRequest(Method::kInvite), Tcp(), Record());
  clock_.Advance(32s);
  EXPECT_EQ(sender_.sent.size(), 1u);
  EXPECT_EQ(sender_.sent[0].message.via.front().transport, "TCP");
  EXPECT_EQ(failures_.size(), 1u);
}

TEST_F(TransactionTest, ProvisionalStopsRetransmissionsAndTimerB) {
  layer_.SendRequest(NewRequest(Method::kInvite), Udp(), Record());
  layer_.OnMessage(ResponseTo(sender_.sent[0].message, 180), From());
  clock_.Advance(5min);
  EXPECT_EQ(sender_.sent.size(), 1u);
  EXPECT_EQ(statuses_, std::vector<int>{180});
  EXPECT_TRUE(failures_.empty());
  EXPECT_EQ(layer_.client_count(), 1u);
}

TEST_F(TransactionTest, NonSuccessFinalIsAcknowledgedInTheTransactionAndTimerDCleansUp) {
  layer_.SendRequest(NewRequest(Method::kInvite), Udp(), Record());
  const Message invite = sender_.sent[0].message;
  layer_.OnMessage(ResponseTo(invite, 486, "busytag"), From());
  ASSERT_EQ(sender_.sent.size(), 2u);
  const Message& ack = sender_.sent[1].message;
  EXPECT_EQ(ack.method, Method::kAck);
  EXPECT_EQ(ack.via.front().Branch(), invite.via.front().Branch());  // §17.1.1.3: same branch
  EXPECT_EQ(ack.to.Tag(), "busytag");
  EXPECT_EQ(ack.cseq.number, invite.cseq.number);
  EXPECT_EQ(ack.cseq.method, "ACK");
  EXPECT_EQ(ack.request_uri, invite.request_uri);
  // A retransmitted 486 is answered with the ACK again and not passed up.
  layer_.OnMessage(ResponseTo(invite, 486, "busytag"), From());
  EXPECT_EQ(sender_.sent.size(), 3u);
  EXPECT_EQ(statuses_, std::vector<int>{486});
  clock_.Advance(31999ms);
  EXPECT_EQ(layer_.client_count(), 1u);
  clock_.Advance(1ms);  // Timer D = 32 s over UDP
  EXPECT_EQ(layer_.client_count(), 0u);
}

TEST_F(TransactionTest, SuccessResponsesArePassedUpWhileAcceptedUntilTimerM) {
  layer_.SendRequest(NewRequest(Method::kInvite), Udp(), Record());
  const Message invite = sender_.sent[0].message;
  layer_.OnMessage(ResponseTo(invite, 200), From());
  layer_.OnMessage(ResponseTo(invite, 200), From());           // retransmission
  layer_.OnMessage(ResponseTo(invite, 200, "fork2"), From());  // another branch of a fork
  EXPECT_EQ(statuses_, (std::vector<int>{200, 200, 200}));
  EXPECT_EQ(sender_.sent.size(), 1u);  // the 2xx ACK is the TU's job
  clock_.Advance(32s);                 // Timer M = 64*T1
  EXPECT_EQ(layer_.client_count(), 0u);
  layer_.OnMessage(ResponseTo(invite, 200), From());
  EXPECT_EQ(user_.strays.size(), 1u);
}

TEST_F(TransactionTest, NonInviteClientRetransmitsWithTimerECappedAtT2) {
  layer_.SendRequest(NewRequest(Method::kOptions), Udp(), Record());
  clock_.Advance(31999ms);
  EXPECT_THAT(SendTimes(), ::testing::ElementsAre(0ms, 500ms, 1500ms, 3500ms, 7500ms, 11500ms, 15500ms, 19500ms,
                                                  23500ms, 27500ms, 31500ms));
  clock_.Advance(1ms);  // Timer F
  EXPECT_EQ(failures_, std::vector{TransactionLayer::ClientError::kTimeout});
}

TEST_F(TransactionTest, NonInviteProceedingRetransmitsEveryT2) {
  layer_.SendRequest(NewRequest(Method::kRegister), Udp(), Record());
  layer_.OnMessage(ResponseTo(sender_.sent[0].message, 100), From());
  clock_.Advance(12s);
  EXPECT_THAT(SendTimes(), ::testing::ElementsAre(0ms, 500ms, 4500ms, 8500ms));
}

TEST_F(TransactionTest, NonInviteCompletedAbsorbsRetransmissionsForTimerK) {
  layer_.SendRequest(NewRequest(Method::kOptions), Udp(), Record());
  const Message options = sender_.sent[0].message;
  layer_.OnMessage(ResponseTo(options, 200), From());
  layer_.OnMessage(ResponseTo(options, 200), From());
  EXPECT_EQ(statuses_, std::vector<int>{200});
  clock_.Advance(4999ms);
  EXPECT_EQ(layer_.client_count(), 1u);
  clock_.Advance(1ms);  // Timer K = T4
  EXPECT_EQ(layer_.client_count(), 0u);
  EXPECT_EQ(sender_.sent.size(), 1u);
}

TEST_F(TransactionTest, CustomTimerValuesAreUsed) {
  TransactionLayer fast(sender_, clock_, {.timers = {20ms, 160ms, 100ms}}, user_);
  fast.SendRequest(NewRequest(Method::kOptions), Udp(), Record());
  clock_.Advance(1279ms);
  EXPECT_THAT(SendTimes(),
              ::testing::ElementsAre(0ms, 20ms, 60ms, 140ms, 300ms, 460ms, 620ms, 780ms, 940ms, 1100ms, 1260ms));
  clock_.Advance(1ms);  // F = 64 * 20 ms
  EXPECT_EQ(failures_.size(), 1u);
}

TEST_F(TransactionTest, TransportErrorFailsTheTransaction) {
  sender_.fail_next = true;
  layer_.SendRequest(NewRequest(Method::kInvite), Tcp(), Record());
  EXPECT_EQ(failures_, std::vector{TransactionLayer::ClientError::kTransportError});
  EXPECT_EQ(layer_.client_count(), 0u);
}

TEST_F(TransactionTest, CancelWaitsForAProvisionalResponse) {
  const auto id = layer_.SendRequest(NewRequest(Method::kInvite), Udp(), Record());
  std::vector<int> cancel_statuses;
  layer_.Cancel(id, {[&](const Message& r) { cancel_statuses.push_back(r.status); }, {}});
  EXPECT_EQ(sender_.sent.size(), 1u);  // §9.1: not before a provisional
  const Message invite = sender_.sent[0].message;
  layer_.OnMessage(ResponseTo(invite, 180), From());
  ASSERT_EQ(sender_.sent.size(), 2u);
  const Message& cancel = sender_.sent[1].message;
  EXPECT_EQ(cancel.method, Method::kCancel);
  EXPECT_EQ(cancel.via.front().Branch(), invite.via.front().Branch());
  EXPECT_EQ(cancel.cseq.number, invite.cseq.number);
  EXPECT_EQ(cancel.cseq.method, "CANCEL");
  EXPECT_TRUE(cancel.to.Tag().empty());
  layer_.OnMessage(ResponseTo(cancel, 200), From());
  layer_.OnMessage(ResponseTo(invite, 487), From());
  EXPECT_EQ(cancel_statuses, std::vector<int>{200});
  EXPECT_EQ(statuses_, (std::vector<int>{180, 487}));
}

TEST_F(TransactionTest, CancelIsNotSentWhenTheFinalResponseComesFirst) {
  const auto id = layer_.SendRequest(NewRequest(Method::kInvite), Udp(), Record());
  layer_.Cancel(id);
  layer_.OnMessage(ResponseTo(sender_.sent[0].message, 603), From());
  ASSERT_EQ(sender_.sent.size(), 2u);
  EXPECT_EQ(sender_.sent[1].message.method, Method::kAck);
}

TEST_F(TransactionTest, ResponsesWithSeveralViasAreDiscarded) {
  layer_.SendRequest(NewRequest(Method::kOptions), Udp(), Record());
  Message r = ResponseTo(sender_.sent[0].message, 200);
  r.via.push_back(r.via.front());
  layer_.OnMessage(std::move(r), From());
  EXPECT_TRUE(statuses_.empty());
}

const char* kIncomingInvite = R"(INVITE sip:1000@192.0.2.1 SIP/2.0
Via: SIP/2.0/UDP 192.0.2.9:5062;branch=z9hG4bKinv1;rport=5062;received=192.0.2.9
Max-Forwards: 70
From: <sip:alice@192.0.2.9>;tag=a1
To: <sip:1000@192.0.2.1>
Call-ID: in-1
CSeq: 5 INVITE
Content-Length: 0

)";

TEST_F(TransactionTest, InviteServerSendsTryingAndAbsorbsRetransmissions) {
  layer_.OnMessage(Parse(kIncomingInvite), From());
  ASSERT_EQ(user_.requests.size(), 1u);
  ASSERT_EQ(sender_.sent.size(), 1u);
  EXPECT_EQ(sender_.sent[0].message.status, 100);
  EXPECT_EQ(sender_.sent[0].destination.port, 5062);  // rport
  layer_.OnMessage(Parse(kIncomingInvite), From());
  EXPECT_EQ(user_.requests.size(), 1u);
  EXPECT_EQ(sender_.sent.size(), 2u);  // the 100 again
  EXPECT_EQ(sender_.sent[1].message.status, 100);
}

TEST_F(TransactionTest, InviteServerRetransmitsNonSuccessWithTimerGUntilAckOrTimerH) {
  layer_.OnMessage(Parse(kIncomingInvite), From());
  const auto id = user_.requests[0].first;
  layer_.Respond(id, MakeResponse(user_.requests[0].second, 404, {}, "t1"));
  clock_.Advance(31999ms);
  // 100, 404 at 0, then G: 0.5, 1.5, 3.5, 7.5, 11.5 ... capped at T2.
  std::vector<std::chrono::milliseconds> times = SendTimes();
  times.erase(times.begin());
  EXPECT_THAT(times, ::testing::ElementsAre(0ms, 500ms, 1500ms, 3500ms, 7500ms, 11500ms, 15500ms, 19500ms, 23500ms,
                                            27500ms, 31500ms));
  EXPECT_EQ(layer_.server_count(), 1u);
  clock_.Advance(1ms);  // Timer H
  EXPECT_EQ(layer_.server_count(), 0u);
}

TEST_F(TransactionTest, AckOfNonSuccessIsAbsorbedAndTimerIEndsTheTransaction) {
  layer_.OnMessage(Parse(kIncomingInvite), From());
  layer_.Respond(user_.requests[0].first, MakeResponse(user_.requests[0].second, 486, {}, "t1"));
  Message ack = Parse(kIncomingInvite);
  ack.method = Method::kAck;
  ack.method_name = "ACK";
  ack.cseq.method = "ACK";
  ack.to.params.Set("tag", "t1");
  layer_.OnMessage(Message(ack), From());
  layer_.OnMessage(Message(ack), From());
  EXPECT_TRUE(user_.acks.empty());
  const size_t sent = sender_.sent.size();
  clock_.Advance(4999ms);
  EXPECT_EQ(sender_.sent.size(), sent);  // no more retransmissions once confirmed
  EXPECT_EQ(layer_.server_count(), 1u);
  clock_.Advance(1ms);  // Timer I = T4
  EXPECT_EQ(layer_.server_count(), 0u);
}

TEST_F(TransactionTest, InviteServerAcceptedPassesAcksUpAndTimerLEndsIt) {
  layer_.OnMessage(Parse(kIncomingInvite), From());
  const auto id = user_.requests[0].first;
  const Message ok = MakeResponse(user_.requests[0].second, 200, {}, "t1");
  layer_.Respond(id, ok);
  layer_.Respond(id, ok);  // the TU's 2xx retransmission goes out
  EXPECT_EQ(sender_.sent.size(), 3u);
  layer_.OnMessage(Parse(kIncomingInvite), From());  // INVITE retransmission: absorbed
  EXPECT_EQ(sender_.sent.size(), 3u);
  Message ack = Parse(std::string(kIncomingInvite));
  ack.method = Method::kAck;
  ack.method_name = ack.cseq.method = "ACK";
  ack.via.front().params.Set("branch", "z9hG4bKack");  // a 2xx ACK has its own branch
  layer_.OnMessage(std::move(ack), From());
  EXPECT_EQ(user_.acks.size(), 1u);
  clock_.Advance(32s);  // Timer L
  EXPECT_EQ(layer_.server_count(), 0u);
}

TEST_F(TransactionTest, NonInviteServerRepeatsItsFinalResponseUntilTimerJ) {
  layer_.OnMessage(Parse(R"(OPTIONS sip:1000@192.0.2.1 SIP/2.0
Via: SIP/2.0/UDP 192.0.2.9:5062;branch=z9hG4bKopt
From: <sip:alice@192.0.2.9>;tag=a1
To: <sip:1000@192.0.2.1>
Call-ID: o-1
CSeq: 1 OPTIONS
Content-Length: 0

)"),
                   From());
  ASSERT_EQ(user_.requests.size(), 1u);
  EXPECT_TRUE(sender_.sent.empty());  // no 100 for non-INVITE
  const Message request = user_.requests[0].second;
  layer_.OnMessage(Message(request), From());  // retransmission before the answer: dropped
  EXPECT_TRUE(sender_.sent.empty());
  layer_.Respond(user_.requests[0].first, MakeResponse(request, 200, {}, "t"));
  layer_.OnMessage(Message(request), From());
  ASSERT_EQ(sender_.sent.size(), 2u);
  EXPECT_EQ(sender_.sent[1].message.status, 200);
  EXPECT_EQ(sender_.sent[1].destination.port, 5062);  // no rport: the sent-by port
  clock_.Advance(32s);                                // Timer J
  EXPECT_EQ(layer_.server_count(), 0u);
  EXPECT_EQ(user_.requests.size(), 1u);
}

TEST_F(TransactionTest, UnansweredNonInviteRequestGets500) {
  layer_.OnMessage(Parse(R"(INFO sip:1000@192.0.2.1 SIP/2.0
Via: SIP/2.0/TCP 192.0.2.9:5062;branch=z9hG4bKinfo
From: <sip:alice@192.0.2.9>;tag=a1
To: <sip:1000@192.0.2.1>;tag=b
Call-ID: i-1
CSeq: 3 INFO
Content-Length: 0

)"),
                   From(TransportType::kTcp));
  clock_.Advance(32s);
  ASSERT_EQ(sender_.sent.size(), 1u);
  EXPECT_EQ(sender_.sent[0].message.status, 500);
  EXPECT_EQ(sender_.sent[0].destination.connection_id, 7u);
  EXPECT_EQ(layer_.server_count(), 0u);  // Timer J = 0 on a reliable transport
}

TEST_F(TransactionTest, CancelIsItsOwnTransactionAndFindsItsInvite) {
  layer_.OnMessage(Parse(kIncomingInvite), From());
  Message cancel = Parse(kIncomingInvite);
  cancel.method = Method::kCancel;
  cancel.method_name = cancel.cseq.method = "CANCEL";
  layer_.OnMessage(Message(cancel), From());
  ASSERT_EQ(user_.requests.size(), 2u);
  EXPECT_EQ(user_.requests[1].second.method, Method::kCancel);
  EXPECT_EQ(layer_.FindInviteFor(cancel), user_.requests[0].first);
  // A CANCEL from another sent-by does not match.
  cancel.via.front().host = "192.0.2.77";
  EXPECT_FALSE(layer_.FindInviteFor(cancel));
}

TEST_F(TransactionTest, Rfc2543RequestsAreMatchedWithoutABranch) {
  const std::string inv2543 = R"(INVITE sip:1000@192.0.2.1 SIP/2.0
Via: SIP/2.0/UDP 192.0.2.9
From: <sip:old@192.0.2.9>;tag=x
To: <sip:1000@192.0.2.1>
Call-ID: legacy-1
CSeq: 56 INVITE
Content-Length: 0

)";
  layer_.OnMessage(Parse(inv2543), From());
  layer_.OnMessage(Parse(inv2543), From());
  EXPECT_EQ(user_.requests.size(), 1u);
  layer_.Respond(user_.requests[0].first, MakeResponse(user_.requests[0].second, 480, {}, "t9"));
  Message ack = Parse(inv2543);
  ack.method = Method::kAck;
  ack.method_name = ack.cseq.method = "ACK";
  ack.to.params.Set("tag", "t9");
  const size_t before = sender_.sent.size();
  layer_.OnMessage(std::move(ack), From());
  clock_.Advance(10s);
  EXPECT_EQ(sender_.sent.size(), before);  // ACK matched: no 480 retransmissions
  EXPECT_TRUE(user_.acks.empty());
}

TEST_F(TransactionTest, TooManyServerTransactionsAreRefusedWith503) {
  TransactionLayer small(sender_, clock_, {.max_server_transactions = 1}, user_);
  small.OnMessage(Parse(kIncomingInvite), From());
  std::string second = kIncomingInvite;
  second.replace(second.find("z9hG4bKinv1"), 11, "z9hG4bKinv2");
  small.OnMessage(Parse(second), From());
  EXPECT_EQ(user_.requests.size(), 1u);
  ASSERT_EQ(sender_.sent.size(), 2u);
  EXPECT_EQ(sender_.sent[1].message.status, 503);
  EXPECT_NE(sender_.sent[1].message.GetHeader("Retry-After"), nullptr);
}

TEST(MakeResponse, CopiesTheDialogFieldsAndAddsATag) {
  auto request = ParseMessage(testing::Crlf(kIncomingInvite));
  ASSERT_TRUE(request);
  const Message r = MakeResponse(*request, 180, {}, "newtag");
  EXPECT_EQ(r.via, request->via);
  EXPECT_EQ(r.call_id, request->call_id);
  EXPECT_EQ(r.cseq, request->cseq);
  EXPECT_EQ(r.to.Tag(), "newtag");
  EXPECT_EQ(r.reason, "Ringing");
  EXPECT_TRUE(MakeResponse(*request, 100, {}, "newtag").to.Tag().empty());
}

}  // namespace
}  // namespace tessera::signaling::sip
