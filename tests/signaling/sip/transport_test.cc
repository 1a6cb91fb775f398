// SIP transports on loopback with real sockets: UDP, TCP framing and connection reuse, TLS
// with a certificate made for the test, stateless 400/513 answers to garbage, limits.
#include "tessera/signaling/sip/transport.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>

#include <fmt/format.h>

#include "rfc4475_messages.h"
#include "tessera/signaling/sip/timer.h"
#include "tessera/testing/ports.h"
#include "tessera/testing/temp_dir.h"
#include "test_certificate.h"

namespace tessera::signaling::sip {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;
namespace asio = boost::asio;

struct Received {
  Message message;
  Source source;
};

class Collector : public TransportLayer::Listener {
 public:
  void OnMessage(Message&& m, const Source& s) override { received.push_back({std::move(m), s}); }
  std::vector<Received> received;
};

// Runs the io_context until `done` or the deadline; false on timeout.
template <typename Pred>
bool RunUntil(asio::io_context& io, Pred done, std::chrono::milliseconds timeout = 5s) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    io.restart();
    io.run_for(5ms);
  }
  return true;
}

std::string Options(std::string_view branch, std::string_view transport = "UDP", std::string_view extra = {}) {
  return testing::Crlf(fmt::format(R"(OPTIONS sip:1000@127.0.0.1 SIP/2.0
Via: SIP/2.0/{} 127.0.0.1:5999;branch={};rport
Max-Forwards: 70
From: <sip:probe@127.0.0.1>;tag=p1
To: <sip:1000@127.0.0.1>
Call-ID: {}@test
CSeq: 1 OPTIONS
{}Content-Length: 0

)",
                                   transport, branch, branch, extra));
}

TransportOptions LoopbackOptions() {
  TransportOptions o;
  o.udp = ListenEndpoint{"127.0.0.1", 0, "sip.udp"};
  o.tcp = ListenEndpoint{"127.0.0.1", 0, "sip.tcp"};
  return o;
}

TEST(SipTransport, UdpDatagramIsParsedAndStampedWithReceivedAndRport) {
  asio::io_context io;
  Collector collector;
  TransportLayer transport(io, LoopbackOptions(), collector);
  ASSERT_TRUE(transport.Start());
  asio::ip::udp::socket client(io, asio::ip::udp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  client.send_to(asio::buffer(Options("z9hG4bKu1")),
                 asio::ip::udp::endpoint(asio::ip::make_address("127.0.0.1"), transport.port(TransportType::kUdp)));
  ASSERT_TRUE(RunUntil(io, [&] { return !collector.received.empty(); }));
  const Received& r = collector.received[0];
  EXPECT_EQ(r.source.transport, TransportType::kUdp);
  EXPECT_EQ(r.source.port, client.local_endpoint().port());
  EXPECT_EQ(r.message.via[0].params.Get("rport"), std::to_string(client.local_endpoint().port()));
  EXPECT_EQ(r.message.via[0].params.Get("received"), "127.0.0.1");
  EXPECT_EQ(transport.stats().messages_received, 1u);
}

TEST(SipTransport, MalformedUdpRequestGetsA400NamingTheProblem) {
  asio::io_context io;
  Collector collector;
  TransportLayer transport(io, LoopbackOptions(), collector);
  ASSERT_TRUE(transport.Start());
  asio::ip::udp::socket client(io, asio::ip::udp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  const asio::ip::udp::endpoint server(asio::ip::make_address("127.0.0.1"), transport.port(TransportType::kUdp));
  std::string bad = Options("z9hG4bKbad");
  bad.replace(bad.find("CSeq: 1 OPTIONS"), 15, "CSeq: 1 INVITE");
  client.send_to(asio::buffer(bad), server);
  // Garbage that is not a request gets no answer at all.
  client.send_to(asio::buffer(std::string("\x16\x03\x01 not sip at all")), server);
  std::array<char, 4096> buf;
  asio::ip::udp::endpoint from;
  size_t n = 0;
  client.async_receive_from(asio::buffer(buf), from, [&](auto, size_t len) { n = len; });
  ASSERT_TRUE(RunUntil(io, [&] { return n > 0; }));
  const std::string response(buf.data(), n);
  EXPECT_THAT(response, ::testing::StartsWith("SIP/2.0 400 CSeq method does not match the request method\r\n"));
  EXPECT_THAT(response, HasSubstr("Via: SIP/2.0/UDP 127.0.0.1:5999;branch=z9hG4bKbad;rport\r\n"));
  EXPECT_THAT(response, HasSubstr("Call-ID: z9hG4bKbad@test\r\n"));
  EXPECT_THAT(response, HasSubstr("To: <sip:1000@127.0.0.1>;tag="));
  EXPECT_TRUE(collector.received.empty());
  EXPECT_TRUE(RunUntil(io, [&] { return transport.stats().parse_errors == 2; }));
  EXPECT_EQ(transport.stats().error_responses_sent, 1u);
}

TEST(SipTransport, TcpFramesBackToBackMessagesAndAnswersOnTheSameConnection) {
  asio::io_context io;
  Collector collector;
  TransportLayer transport(io, LoopbackOptions(), collector);
  ASSERT_TRUE(transport.Start());
  asio::ip::tcp::socket client(io);
  client.connect({asio::ip::make_address("127.0.0.1"), transport.port(TransportType::kTcp)});
  const std::string two = "\r\n\r\n" + Options("z9hG4bKt1", "TCP") + Options("z9hG4bKt2", "TCP");
  asio::write(client, asio::buffer(two));
  ASSERT_TRUE(RunUntil(io, [&] { return collector.received.size() == 2; }));
  const Source& source = collector.received[1].source;
  EXPECT_EQ(source.transport, TransportType::kTcp);
  EXPECT_NE(source.connection_id, 0u);
  EXPECT_EQ(collector.received[0].source.connection_id, source.connection_id);

  // A response sent to that connection id arrives on the client's socket, after the pong.
  Destination back{TransportType::kTcp, source.address, 5999, source.connection_id, {}};
  transport.Send(back, "SIP/2.0 200 OK\r\nContent-Length: 0\r\n\r\n");
  asio::streambuf in;
  bool done = false;
  asio::async_read_until(client, in, "Content-Length: 0\r\n\r\n", [&](auto, size_t) { done = true; });
  ASSERT_TRUE(RunUntil(io, [&] { return done; }));
  const std::string got(asio::buffers_begin(in.data()), asio::buffers_end(in.data()));
  EXPECT_THAT(got, ::testing::StartsWith("\r\nSIP/2.0 200 OK"));  // RFC 5626 pong first
  EXPECT_EQ(transport.stats().connections_open, 1u);
}

TEST(SipTransport, OversizedTcpMessageGets513AndTheConnectionIsClosed) {
  asio::io_context io;
  Collector collector;
  TransportOptions o = LoopbackOptions();
  o.limits.max_message_size = 2048;
  TransportLayer transport(io, o, collector);
  ASSERT_TRUE(transport.Start());
  asio::ip::tcp::socket client(io);
  client.connect({asio::ip::make_address("127.0.0.1"), transport.port(TransportType::kTcp)});
  std::string big = Options("z9hG4bKbig", "TCP");
  big.replace(big.find("Content-Length: 0"), 17, "Content-Length: 5000");
  asio::write(client, asio::buffer(big));
  asio::streambuf in;
  bool closed = false;
  std::function<void()> read_all = [&] {
    client.async_read_some(in.prepare(4096), [&](const boost::system::error_code& ec, size_t n) {
      in.commit(n);
      if (ec) {
        closed = true;
        return;
      }
      read_all();
    });
  };
  read_all();
  ASSERT_TRUE(RunUntil(io, [&] { return closed; }));
  const std::string got(asio::buffers_begin(in.data()), asio::buffers_end(in.data()));
  EXPECT_THAT(got, ::testing::StartsWith("SIP/2.0 513 Message Too Large"));
  EXPECT_TRUE(RunUntil(io, [&] { return transport.stats().connections_open == 0; }));
}

TEST(SipTransport, OutgoingTcpConnectionIsReusedForTheSameDestination) {
  asio::io_context io;
  Collector a_in, b_in;
  TransportLayer a(io, LoopbackOptions(), a_in);
  TransportLayer b(io, LoopbackOptions(), b_in);
  ASSERT_TRUE(a.Start());
  ASSERT_TRUE(b.Start());
  const Destination to_b{TransportType::kTcp, asio::ip::make_address("127.0.0.1"), b.port(TransportType::kTcp), 0, {}};
  a.Send(to_b, Options("z9hG4bKr1", "TCP"));
  a.Send(to_b, Options("z9hG4bKr2", "TCP"));
  ASSERT_TRUE(RunUntil(io, [&] { return b_in.received.size() == 2; }));
  EXPECT_EQ(b_in.received[0].source.connection_id, b_in.received[1].source.connection_id);
  EXPECT_EQ(a.stats().connections_open, 1u);
  EXPECT_EQ(b.stats().connections_accepted, 1u);
}

TEST(SipTransport, ConnectionRefusedIsReportedToTheSender) {
  asio::io_context io;
  Collector collector;
  TransportLayer transport(io, LoopbackOptions(), collector);
  ASSERT_TRUE(transport.Start());
  const uint16_t closed_port = tessera::testing::FreeTcpPort();
  std::optional<boost::system::error_code> error;
  transport.Send({TransportType::kTcp, asio::ip::make_address("127.0.0.1"), closed_port, 0, {}},
                 Options("z9hG4bKx", "TCP"), [&](const boost::system::error_code& ec) { error = ec; });
  ASSERT_TRUE(RunUntil(io, [&] { return error.has_value(); }));
  EXPECT_EQ(*error, asio::error::connection_refused);
}

TEST(SipTransport, IdleConnectionsAreClosed) {
  asio::io_context io;
  Collector collector;
  TransportOptions o = LoopbackOptions();
  o.idle_timeout = std::chrono::seconds(1);
  TransportLayer transport(io, o, collector);
  ASSERT_TRUE(transport.Start());
  asio::ip::tcp::socket client(io);
  client.connect({asio::ip::make_address("127.0.0.1"), transport.port(TransportType::kTcp)});
  ASSERT_TRUE(RunUntil(io, [&] { return transport.stats().connections_open == 1; }));
  ASSERT_TRUE(RunUntil(
      io, [&] { return transport.stats().connections_open == 0; }, 3s));
}

TEST(SipTransport, PerSourceConnectionLimitRefusesTheExtraConnection) {
  asio::io_context io;
  Collector collector;
  TransportOptions o = LoopbackOptions();
  o.max_connections_per_ip = 2;
  TransportLayer transport(io, o, collector);
  ASSERT_TRUE(transport.Start());
  std::vector<std::unique_ptr<asio::ip::tcp::socket>> clients;
  for (int i = 0; i < 3; ++i) {
    clients.push_back(std::make_unique<asio::ip::tcp::socket>(io));
    clients.back()->connect({asio::ip::make_address("127.0.0.1"), transport.port(TransportType::kTcp)});
  }
  ASSERT_TRUE(RunUntil(io, [&] { return transport.stats().connections_refused == 1; }));
  EXPECT_EQ(transport.stats().connections_open, 2u);
}

TEST(SipTransport, RateLimitDropsRequestsBeyondTheBurstFromOneSource) {
  asio::io_context io;
  Collector collector;
  TransportOptions o = LoopbackOptions();
  o.requests_per_second_per_source = 5;  // burst 10
  TransportLayer transport(io, o, collector);
  ASSERT_TRUE(transport.Start());
  asio::ip::tcp::socket client(io);
  client.connect({asio::ip::make_address("127.0.0.1"), transport.port(TransportType::kTcp)});
  std::string many;
  for (int i = 0; i < 30; ++i)
    many += Options("z9hG4bKrl" + std::to_string(i), "TCP");
  asio::write(client, asio::buffer(many));
  ASSERT_TRUE(RunUntil(io, [&] { return collector.received.size() + transport.stats().rate_limited == 30; }));
  EXPECT_GE(collector.received.size(), 10u);
  EXPECT_LE(collector.received.size(), 12u);  // the burst, plus what refilled meanwhile
  EXPECT_GE(transport.stats().rate_limited, 18u);
}

TEST(SipTransport, BusyPortNamesTheAddressAndTheConfigKey) {
  tessera::testing::BoundSocket busy("127.0.0.1", 0, /*tcp=*/false);
  ASSERT_TRUE(busy.ok());
  asio::io_context io;
  Collector collector;
  TransportOptions o;
  o.udp = ListenEndpoint{"127.0.0.1", busy.port(), "sip.udp"};
  TransportLayer transport(io, o, collector);
  auto r = transport.Start();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(),
            "cannot listen on 127.0.0.1:" + std::to_string(busy.port()) + " (sip.udp): Address already in use");
}

TEST(SipTransport, MissingTlsCertificateIsAStartupError) {
  asio::io_context io;
  Collector collector;
  TransportOptions o;
  o.tls = ListenEndpoint{"127.0.0.1", 0, "sip.tls"};
  o.tls_certificate_file = "/nonexistent/cert.pem";
  o.tls_private_key_file = "/nonexistent/key.pem";
  TransportLayer transport(io, o, collector);
  auto r = transport.Start();
  ASSERT_FALSE(r);
  EXPECT_THAT(r.error(), HasSubstr("cannot load TLS certificate /nonexistent/cert.pem (sip.tls_certificate)"));
}

TEST(SipTransport, TlsCarriesMessagesAndVerifiesTheServerName) {
  tessera::testing::TempDir dir;
  const auto cert = testing::MakeSelfSignedCertificate(dir.path());
  asio::io_context io;
  Collector server_in, client_in;
  TransportOptions so;
  so.tls = ListenEndpoint{"127.0.0.1", 0, "sip.tls"};
  so.tls_certificate_file = cert.certificate;
  so.tls_private_key_file = cert.private_key;
  TransportLayer server(io, so, server_in);
  ASSERT_TRUE(server.Start());
  TransportOptions co;
  co.tls_ca_file = cert.certificate;  // trust the test certificate
  TransportLayer client(io, co, client_in);
  ASSERT_TRUE(client.Start());

  const uint16_t port = server.port(TransportType::kTls);
  client.Send({TransportType::kTls, asio::ip::make_address("127.0.0.1"), port, 0, "localhost"},
              Options("z9hG4bKtls", "TLS"));
  ASSERT_TRUE(RunUntil(io, [&] { return server_in.received.size() == 1; }));
  EXPECT_EQ(server_in.received[0].source.transport, TransportType::kTls);

  // A name the certificate does not carry fails the handshake (a fresh client: the first
  // one would reuse its verified connection).
  Collector other_in;
  TransportLayer other(io, co, other_in);
  ASSERT_TRUE(other.Start());
  std::optional<boost::system::error_code> error;
  other.Send({TransportType::kTls, asio::ip::make_address("127.0.0.1"), port, 0, "wrong.example.com"},
             Options("z9hG4bKtls2", "TLS"), [&](const boost::system::error_code& ec) { error = ec; });
  ASSERT_TRUE(RunUntil(io, [&] { return error.has_value(); }));
  EXPECT_EQ(server_in.received.size(), 1u);
}

TEST(SipTransport, TlsHandshakeFailsForAnUntrustedCertificate) {
  tessera::testing::TempDir dir;
  const auto cert = testing::MakeSelfSignedCertificate(dir.path());
  asio::io_context io;
  Collector server_in, client_in;
  TransportOptions so;
  so.tls = ListenEndpoint{"127.0.0.1", 0, "sip.tls"};
  so.tls_certificate_file = cert.certificate;
  so.tls_private_key_file = cert.private_key;
  TransportLayer server(io, so, server_in);
  ASSERT_TRUE(server.Start());
  TransportLayer client(io, TransportOptions{}, client_in);  // system CAs only
  ASSERT_TRUE(client.Start());
  std::optional<boost::system::error_code> error;
  client.Send(
      {TransportType::kTls, asio::ip::make_address("127.0.0.1"), server.port(TransportType::kTls), 0, "localhost"},
      Options("z9hG4bKbadtls", "TLS"), [&](const boost::system::error_code& ec) { error = ec; });
  ASSERT_TRUE(RunUntil(io, [&] { return error.has_value(); }));
  EXPECT_TRUE(server_in.received.empty());
}

TEST(SipTransport, LocalAddressForLoopbackIsLoopback) {
  asio::io_context io;
  Collector collector;
  TransportOptions o;
  o.udp = ListenEndpoint{"0.0.0.0", 0, "sip.udp"};
  TransportLayer transport(io, o, collector);
  ASSERT_TRUE(transport.Start());
  const auto [host, port] = transport.LocalAddressFor(TransportType::kUdp, asio::ip::make_address("127.0.0.1"));
  EXPECT_EQ(host, "127.0.0.1");
  EXPECT_EQ(port, transport.port(TransportType::kUdp));
  o.public_address = "203.0.113.7";
  TransportLayer natted(io, o, collector);
  ASSERT_TRUE(natted.Start());
  EXPECT_EQ(natted.LocalAddressFor(TransportType::kUdp, asio::ip::make_address("127.0.0.1")).first, "203.0.113.7");
}

TEST(StatelessErrorResponse, IsNotBuiltForResponsesAcksOrWithoutVia) {
  ParseError e;
  e.status = 400;
  e.reason = "Bad";
  e.is_request = true;
  e.method = "INVITE";
  e.raw_cseq = "1 INVITE";
  EXPECT_FALSE(BuildStatelessErrorResponse(e, "t"));  // no Via
  e.raw_via = {"SIP/2.0/UDP h;branch=z9hG4bKx"};
  EXPECT_TRUE(BuildStatelessErrorResponse(e, "t"));
  e.method = "ACK";
  EXPECT_FALSE(BuildStatelessErrorResponse(e, "t"));
  e.method = "INVITE";
  e.is_request = false;
  EXPECT_FALSE(BuildStatelessErrorResponse(e, "t"));
}

TEST(AsioTimerService, FiresInDeadlineOrderAndHonoursCancellation) {
  asio::io_context io;
  AsioTimerService timers(io);
  std::vector<int> fired;
  timers.Start(30ms, [&] { fired.push_back(3); });
  const auto cancelled = timers.Start(20ms, [&] { fired.push_back(2); });
  timers.Start(10ms, [&] { fired.push_back(1); });
  timers.Cancel(cancelled);
  ASSERT_TRUE(RunUntil(io, [&] { return fired.size() == 2; }));
  EXPECT_EQ(fired, (std::vector<int>{1, 3}));
  EXPECT_EQ(timers.pending(), 0u);
}

TEST(ManualTimerService, TimersStartedByCallbacksFireInTheSameAdvance) {
  ManualTimerService timers;
  std::vector<std::chrono::milliseconds> at;
  const auto start = timers.Now();
  Timer t(timers);
  std::function<void()> tick = [&] {
    at.push_back(std::chrono::duration_cast<std::chrono::milliseconds>(timers.Now() - start));
    if (at.size() < 3) t.Start(100ms, tick);
  };
  t.Start(100ms, tick);
  timers.Advance(1s);
  EXPECT_EQ(at, (std::vector<std::chrono::milliseconds>{100ms, 200ms, 300ms}));
  EXPECT_FALSE(t.active());
}

}  // namespace
}  // namespace tessera::signaling::sip
