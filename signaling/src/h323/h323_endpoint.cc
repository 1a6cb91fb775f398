#include "tessera/signaling/h323/h323_endpoint.h"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>

#include <array>
#include <charconv>
#include <deque>
#include <random>

#include "tessera/base/log.h"
#include "tessera/signaling/h323/tpkt.h"

namespace tessera::signaling::h323 {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
constexpr log::Component kLog{"h323.endpoint", log::Tag::kH323};
constexpr size_t kMaxQueuedBytes = 1 << 20;  // a peer that stops reading loses the call

using Clock = std::chrono::steady_clock;

// A TPKT stream: reads frames into a callback, writes queued frames in order.
struct Stream {
  explicit Stream(asio::io_context& io) : socket(io) {}
  tcp::socket socket;
  TpktFramer framer;
  std::array<uint8_t, 8192> buffer{};
  std::deque<std::vector<uint8_t>> queue;
  size_t queued_bytes = 0;
  bool writing = false;
  bool open = false;
  std::function<void()> on_drained;  // closing: called once the queue is written (or failed)
};

}  // namespace

std::optional<DialMode> ParseH245Mode(std::string_view text) {
  if (text == "fast-start") return DialMode{.fast_start = true, .tunnelling = true};
  if (text == "tunnelled") return DialMode{.fast_start = false, .tunnelling = true};
  if (text == "separate") return DialMode{.fast_start = false, .tunnelling = false};
  return std::nullopt;
}

std::optional<DialTarget> ParseDialTarget(std::string_view text) {
  if (text.starts_with("h323:")) text.remove_prefix(5);
  DialTarget t;
  if (auto semicolon = text.find(';'); semicolon != std::string_view::npos) {
    std::string_view param = text.substr(semicolon + 1);
    text = text.substr(0, semicolon);
    if (!param.starts_with("h245=")) return std::nullopt;
    t.mode = ParseH245Mode(param.substr(5));
    if (!t.mode) return std::nullopt;
  }
  if (auto at = text.rfind('@'); at != std::string_view::npos) {
    t.alias = std::string(text.substr(0, at));
    text.remove_prefix(at + 1);
    if (t.alias.empty()) return std::nullopt;
  }
  std::string_view host = text;
  std::string_view port;
  if (text.starts_with('[')) {
    const auto close = text.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    host = text.substr(1, close - 1);
    auto rest = text.substr(close + 1);
    if (!rest.empty()) {
      if (rest[0] != ':') return std::nullopt;
      port = rest.substr(1);
    }
  } else if (auto colon = text.find(':');
             colon != std::string_view::npos && text.find(':', colon + 1) == std::string_view::npos) {
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
  }
  boost::system::error_code ec;
  asio::ip::make_address(std::string(host), ec);
  if (ec) return std::nullopt;
  t.host = std::string(host);
  if (!port.empty()) {
    unsigned value = 0;
    auto [end, err] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (err != std::errc() || end != port.data() + port.size() || value == 0 || value > 65535) return std::nullopt;
    t.port = static_cast<uint16_t>(value);
  }
  return t;
}

class H323Connection::Impl {
 public:
  explicit Impl(asio::io_context& io) : signalling(io), timer(io), io_(io) {}
  Stream signalling;
  std::unique_ptr<Stream> h245;
  std::unique_ptr<tcp::acceptor> h245_acceptor;
  asio::steady_timer timer;
  std::optional<Clock::time_point> first_message_deadline;
  bool closing = false;
  bool closed = false;
  asio::io_context& io_;
};

namespace {
// Master/slave determination numbers must differ between calls (and between two Tesseras).
H323CallOptions Seeded(H323CallOptions options) {
  std::random_device random;
  options.h245.random_seed = random() ^ (options.h245.random_seed * 2654435761u);
  return options;
}
}  // namespace

H323Connection::H323Connection(H323Endpoint& endpoint, uint64_t id, H323CallOptions options)
    : endpoint_(endpoint),
      id_(id),
      impl_(std::make_unique<Impl>(endpoint.io())),
      call_(*this, *this, Seeded(std::move(options))) {}

H323Connection::~H323Connection() = default;

std::string H323Connection::local_ip() const {
  boost::system::error_code ec;
  auto e = impl_->signalling.socket.local_endpoint(ec);
  return ec ? std::string() : e.address().to_string();
}
std::string H323Connection::remote_ip() const {
  boost::system::error_code ec;
  auto e = impl_->signalling.socket.remote_endpoint(ec);
  return ec ? std::string() : e.address().to_string();
}
std::string H323Connection::remote() const {
  boost::system::error_code ec;
  auto e = impl_->signalling.socket.remote_endpoint(ec);
  if (ec) return "?";
  return e.address().to_string() + ":" + std::to_string(e.port());
}

namespace {

void Enqueue(Stream& s, std::span<const uint8_t> payload) {
  std::vector<uint8_t> frame;
  if (!AppendTpkt(payload, frame)) return;  // larger than a TPKT: never produced by the codecs
  s.queued_bytes += frame.size();
  s.queue.push_back(std::move(frame));
}

void Drained(Stream& s) {
  if (auto done = std::move(s.on_drained)) {
    s.on_drained = nullptr;
    done();
  }
}

void StartWrite(const std::shared_ptr<H323Connection>& self, Stream& s) {
  if (s.writing || !s.open) return;
  if (s.queue.empty()) return Drained(s);
  s.writing = true;
  asio::async_write(s.socket, asio::buffer(s.queue.front()), [self, &s](const boost::system::error_code& ec, size_t) {
    s.writing = false;
    if (ec) {
      s.queue.clear();
      s.queued_bytes = 0;
      return Drained(s);
    }
    s.queued_bytes -= s.queue.front().size();
    s.queue.pop_front();
    StartWrite(self, s);
  });
}

}  // namespace

void H323Connection::SendSignalling(std::span<const uint8_t> message) {
  Stream& s = impl_->signalling;
  if (impl_->closed) return;
  if (s.queued_bytes > kMaxQueuedBytes) return;  // the peer does not read: Close follows from its timers
  Enqueue(s, message);
  StartWrite(shared_from_this(), s);
}

void H323Connection::SendH245(std::span<const uint8_t> pdu) {
  if (!impl_->h245 || impl_->closed) return;
  Stream& s = *impl_->h245;
  if (s.queued_bytes > kMaxQueuedBytes) return;
  Enqueue(s, pdu);
  StartWrite(shared_from_this(), s);
}

namespace {

// Reads TPKT frames from `s` and hands each payload to `deliver`; on EOF/error/framing error
// calls `closed(framing_error)`.
void ReadLoop(const std::shared_ptr<H323Connection>& self, Stream& s,
              std::function<void(std::span<const uint8_t>)> deliver, std::function<void(bool)> closed) {
  s.socket.async_read_some(asio::buffer(s.buffer),
                           [self, &s, deliver, closed](const boost::system::error_code& ec, size_t n) {
                             if (ec || !s.open) {
                               if (s.open) closed(false);
                               return;
                             }
                             if (!s.framer.Append(std::span<const uint8_t>(s.buffer.data(), n))) return closed(true);
                             while (auto frame = s.framer.Next()) {
                               if (frame->empty()) continue;  // TPKT keep-alive
                               deliver(*frame);
                               if (!s.open) return;
                             }
                             if (s.framer.error() != TpktError::kNone) return closed(true);
                             ReadLoop(self, s, deliver, closed);
                           });
}

}  // namespace

void H323Connection::ConnectH245(const MediaAddress& address) {
  boost::system::error_code ec;
  const auto ip = asio::ip::make_address(address.ip, ec);
  if (ec) return;
  impl_->h245 = std::make_unique<Stream>(endpoint_.io());
  Stream& s = *impl_->h245;
  auto self = shared_from_this();
  s.socket.async_connect(tcp::endpoint(ip, address.port), [self, &s](const boost::system::error_code& e) {
    if (self->impl_->closed) return;
    if (e) {
      TLOG_INFO(kLog, "connection {}: H.245 connection failed: {}", self->id_, e.message());
      self->call_.OnTransportClosed(true);
      return self->Rearm();
    }
    s.open = true;
    ++self->endpoint_.counters_.h245_connections;
    ReadLoop(
        self, s,
        [self](std::span<const uint8_t> pdu) {
          self->call_.ReceiveH245(pdu, Clock::now());
          self->Rearm();
        },
        [self](bool) {
          self->call_.OnTransportClosed(true);
          self->Rearm();
        });
    self->call_.OnH245Connected(Clock::now());
    StartWrite(self, s);
    self->Rearm();
  });
}

std::optional<MediaAddress> H323Connection::ListenH245() {
  boost::system::error_code ec;
  const auto local = impl_->signalling.socket.local_endpoint(ec);
  if (ec) return std::nullopt;
  auto acceptor = std::make_unique<tcp::acceptor>(endpoint_.io());
  acceptor->open(local.protocol(), ec);
  if (!ec) acceptor->bind(tcp::endpoint(local.address(), 0), ec);
  if (!ec) acceptor->listen(1, ec);
  if (ec) return std::nullopt;
  const uint16_t port = acceptor->local_endpoint(ec).port();
  impl_->h245_acceptor = std::move(acceptor);
  impl_->h245 = std::make_unique<Stream>(endpoint_.io());
  Stream& s = *impl_->h245;
  auto self = shared_from_this();
  impl_->h245_acceptor->async_accept(s.socket, [self, &s](const boost::system::error_code& e) {
    if (self->impl_->closed || e) return;
    boost::system::error_code ignored;
    self->impl_->h245_acceptor->close(ignored);  // one connection per call
    s.open = true;
    ++self->endpoint_.counters_.h245_connections;
    ReadLoop(
        self, s,
        [self](std::span<const uint8_t> pdu) {
          self->call_.ReceiveH245(pdu, Clock::now());
          self->Rearm();
        },
        [self](bool) {
          self->call_.OnTransportClosed(true);
          self->Rearm();
        });
    self->call_.OnH245Connected(Clock::now());
    StartWrite(self, s);
    self->Rearm();
  });
  return MediaAddress{local.address().to_string(), port};
}

void H323Connection::Close() {
  if (impl_->closing) return;
  impl_->closing = true;
  auto self = shared_from_this();
  // Write what is queued (RELEASE COMPLETE, endSessionCommand), then close both streams.
  // `finish` is kept in the streams' on_drained, inside this object: it holds only a weak
  // reference, or a write that never completes would keep the connection alive forever.
  auto finish = [weak = weak_from_this()] {
    const auto self = weak.lock();
    if (!self || self->impl_->closed) return;
    self->impl_->closed = true;
    boost::system::error_code ec;
    for (Stream* s : {&self->impl_->signalling, self->impl_->h245.get()}) {
      if (!s) continue;
      s->open = false;
      s->socket.shutdown(tcp::socket::shutdown_both, ec);
      s->socket.close(ec);
    }
    if (self->impl_->h245_acceptor) self->impl_->h245_acceptor->close(ec);
    self->impl_->timer.cancel();
    asio::post(self->endpoint_.io(), [self] { self->endpoint_.Forget(self->id_); });
  };
  auto pending = std::make_shared<int>(1 + (impl_->h245 && impl_->h245->open ? 1 : 0));
  auto one_done = [pending, finish] {
    if (--*pending == 0) finish();
  };
  // Never wait long for a peer that does not read.
  impl_->timer.expires_after(std::chrono::seconds(2));
  impl_->timer.async_wait([finish](const boost::system::error_code& ec) {
    if (!ec) finish();
  });
  if (!impl_->signalling.open) {
    one_done();
  } else {
    impl_->signalling.on_drained = one_done;
    StartWrite(self, impl_->signalling);
  }
  if (impl_->h245 && impl_->h245->open) {
    impl_->h245->on_drained = one_done;
    StartWrite(self, *impl_->h245);
  }
}

void H323Connection::AbortForTest() {
  impl_->closed = true;
  boost::system::error_code ec;
  for (Stream* s : {&impl_->signalling, impl_->h245.get()}) {
    if (!s) continue;
    s->open = false;
    s->socket.close(ec);
  }
  if (impl_->h245_acceptor) impl_->h245_acceptor->close(ec);
  impl_->timer.cancel();
  auto self = shared_from_this();
  asio::post(endpoint_.io(), [self] {
    self->call_.OnTransportClosed(false);
    self->endpoint_.Forget(self->id_);
  });
}

void H323Connection::Rearm() {
  if (impl_->closing || impl_->closed) return;
  std::optional<Clock::time_point> next = call_.NextTimeout();
  if (impl_->first_message_deadline && (!next || *impl_->first_message_deadline < *next))
    next = impl_->first_message_deadline;
  if (!next) {
    impl_->timer.cancel();
    return;
  }
  impl_->timer.expires_at(*next);
  auto self = shared_from_this();
  impl_->timer.async_wait([self](const boost::system::error_code& ec) {
    if (ec || self->impl_->closing) return;
    const auto now = Clock::now();
    if (self->impl_->first_message_deadline && now >= *self->impl_->first_message_deadline) {
      ++self->endpoint_.counters_.silent_closed;
      TLOG_INFO(kLog, "connection {} from {}: no SETUP in time, closing", self->id_, self->remote());
      self->impl_->first_message_deadline.reset();
      self->Close();
      return;
    }
    self->call_.OnTimer(now);
    self->Rearm();
  });
}

void H323Connection::Accept(const LocalMedia& local) {
  call_.Accept(local, Clock::now());
  Rearm();
}
void H323Connection::Reject(const ReleaseReason& reason) {
  call_.Reject(reason);
}
void H323Connection::Hangup(const ReleaseReason& reason) {
  call_.Hangup(reason);
}
void H323Connection::RequestKeyframe() {
  call_.RequestKeyframe();
}
void H323Connection::SendFlowControl(int64_t bps) {
  call_.SendFlowControl(bps);
}
void H323Connection::SendDigit(char digit, UserInputMode mode, uint16_t duration_ms) {
  call_.SendDigit(digit, mode, duration_ms);
}

void H323Connection::OnCallSetup(const SetupInfo& setup) {
  impl_->first_message_deadline.reset();
  endpoint_.handler_.OnIncomingCall(shared_from_this(), setup);
}
void H323Connection::OnCallConnected() {
  if (events_) events_->OnCallConnected();
}
void H323Connection::OnCallMedia(const CallMedia& media) {
  if (events_) events_->OnCallMedia(media);
}
void H323Connection::OnCallKeyframeRequest() {
  if (events_) events_->OnCallKeyframeRequest();
}
void H323Connection::OnCallBitrate(int64_t bps) {
  if (events_) events_->OnCallBitrate(bps);
}
void H323Connection::OnCallDigit(char digit) {
  if (events_) events_->OnCallDigit(digit);
}
void H323Connection::OnCallEnded(const CallEnd& end) {
  H323CallEvents* events = events_;
  events_ = nullptr;
  if (events) events->OnCallEnded(end);
}

// --- Endpoint ---

class H323Endpoint::Acceptor {
 public:
  explicit Acceptor(asio::io_context& io) : acceptor(io) {}
  tcp::acceptor acceptor;
};

H323Endpoint::H323Endpoint(asio::io_context& io, H323EndpointOptions options, H323EndpointHandler& handler)
    : io_(io), options_(std::move(options)), handler_(handler) {}

H323Endpoint::~H323Endpoint() {
  Stop();
  // Connections still referenced by pending handlers keep only inert state: detach events.
  for (auto& [id, c] : connections_)
    c->events_ = nullptr;
}

Result<void, std::string> H323Endpoint::Start() {
  if (!options_.listen) return {};
  boost::system::error_code ec;
  const auto address = asio::ip::make_address(options_.listen_host, ec);
  if (ec) return MakeUnexpected("h323.listen: not an IP address: " + options_.listen_host);
  acceptor_ = std::make_unique<Acceptor>(io_);
  auto& a = acceptor_->acceptor;
  const tcp::endpoint where(address, options_.listen_port);
  a.open(where.protocol(), ec);
  if (!ec) a.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) a.bind(where, ec);
  if (!ec) a.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return MakeUnexpected("h323.listen: cannot listen on " + options_.listen_host + ":" +
                          std::to_string(options_.listen_port) + ": " + ec.message());
  }
  port_ = a.local_endpoint(ec).port();
  TLOG_INFO(kLog, "H.323 call signalling on {}:{}", options_.listen_host, port_);
  // Accept loop.
  struct Loop {
    static void Next(H323Endpoint* self) {
      auto conn = std::make_shared<H323Connection>(*self, self->next_id_++, self->options_.call);
      self->acceptor_->acceptor.async_accept(conn->impl_->signalling.socket,
                                             [self, conn](const boost::system::error_code& e) {
                                               if (e == asio::error::operation_aborted || self->stopping_) return;
                                               if (!e) self->Adopt(conn);
                                               Next(self);
                                             });
    }
  };
  Loop::Next(this);
  return {};
}

void H323Endpoint::Adopt(const std::shared_ptr<H323Connection>& conn) {
  if (connections_.size() >= options_.max_connections) {
    ++counters_.refused_over_limit;
    boost::system::error_code ec;
    conn->impl_->signalling.socket.close(ec);
    return;
  }
  ++counters_.accepted;
  connections_[conn->id_] = conn;
  Stream& s = conn->impl_->signalling;
  s.open = true;
  conn->impl_->first_message_deadline = Clock::now() + options_.first_message_timeout;
  ReadLoop(
      conn, s,
      [conn](std::span<const uint8_t> message) {
        conn->call_.ReceiveSignalling(message, Clock::now());
        conn->Rearm();
      },
      [this, conn](bool framing_error) {
        if (framing_error) {
          ++counters_.framing_errors;
          TLOG_INFO(kLog, "connection {} from {}: not TPKT ({}), closing", conn->id_, conn->remote(),
                    ToString(conn->impl_->signalling.framer.error()));
        }
        conn->impl_->signalling.open = false;
        if (conn->call_.ended() || conn->impl_->closing) return;
        conn->call_.OnTransportClosed(false);
        if (!conn->impl_->closing) conn->Close();
      });
  conn->Rearm();
}

std::shared_ptr<H323Connection> H323Endpoint::Dial(const DialTarget& target, const LocalMedia& local, DialMode mode,
                                                   H323CallEvents* events) {
  auto conn = std::make_shared<H323Connection>(*this, next_id_++, options_.call);
  conn->events_ = events;
  connections_[conn->id_] = conn;
  boost::system::error_code ec;
  const auto ip = asio::ip::make_address(target.host, ec);
  if (ec) {
    asio::post(io_, [conn] { conn->call_.OnTransportClosed(false); });
    return conn;
  }
  Stream& s = conn->impl_->signalling;
  s.socket.async_connect(tcp::endpoint(ip, target.port),
                         [this, conn, target, local, mode](const boost::system::error_code& e) {
                           if (conn->impl_->closed || conn->impl_->closing) return;
                           if (e) {
                             TLOG_INFO(kLog, "dial-out to {}:{}: {}", target.host, target.port, e.message());
                             conn->call_.OnTransportClosed(false);
                             return;
                           }
                           Stream& st = conn->impl_->signalling;
                           st.open = true;
                           ReadLoop(
                               conn, st,
                               [conn](std::span<const uint8_t> message) {
                                 conn->call_.ReceiveSignalling(message, Clock::now());
                                 conn->Rearm();
                               },
                               [this, conn](bool framing_error) {
                                 if (framing_error) ++counters_.framing_errors;
                                 conn->impl_->signalling.open = false;
                                 if (conn->call_.ended() || conn->impl_->closing) return;
                                 conn->call_.OnTransportClosed(false);
                               });
                           // Unspecified local media addresses become the address toward the callee.
                           LocalMedia m = local;
                           const std::string toward = conn->local_ip();
                           for (MediaAddress* a : {&m.audio_rtp, &m.audio_rtcp}) {
                             if (a->ip == "0.0.0.0" || a->ip == "::") a->ip = toward;
                           }
                           for (auto* a : {&m.video_rtp, &m.video_rtcp}) {
                             if (*a && ((*a)->ip == "0.0.0.0" || (*a)->ip == "::")) (*a)->ip = toward;
                           }
                           conn->call_.StartOutgoing(target.alias, m, mode, Clock::now());
                           conn->Rearm();
                         });
  return conn;
}

void H323Endpoint::Forget(uint64_t id) {
  connections_.erase(id);
}

void H323Endpoint::Stop() {
  if (stopping_) return;
  stopping_ = true;
  if (acceptor_) {
    boost::system::error_code ec;
    acceptor_->acceptor.close(ec);
  }
  auto copy = connections_;
  for (auto& [id, c] : copy)
    c->Hangup(ReleaseReason{q850::kNormalClearing, h225::ReleaseCompleteReason::Tag::undefinedReason, "shutdown"});
}

}  // namespace tessera::signaling::h323
