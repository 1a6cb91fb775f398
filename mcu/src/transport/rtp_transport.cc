#include "tessera/mcu/transport/rtp_transport.h"

#include <algorithm>

#include "tessera/mcu/rtp/rtp_packet.h"

namespace tessera::mcu::transport {
namespace {

// Batches drained per readiness callback before yielding to other sockets on the same
// thread, so one flooded socket cannot starve the rest.
constexpr int kMaxBatchesPerWakeup = 8;

// One receive buffer set per network thread: handlers on a thread run one at a time, and
// listeners copy what they keep, so transports on a thread share it (32 x 2 KB instead of
// that much per socket).
UdpBatchReceiver& ThreadReceiver() {
  thread_local UdpBatchReceiver receiver(RtpTransport::kReceiveBatch, RtpTransport::kMaxDatagram);
  return receiver;
}

}  // namespace

Result<std::unique_ptr<RtpTransport>, std::string> RtpTransport::Create(boost::asio::io_context& io,
                                                                        PortAllocator& ports,
                                                                        const RtpTransportConfig& config,
                                                                        Listener* listener) {
  auto sockets = ports.Open(io, config.rtcp_mux);
  if (!sockets) return MakeUnexpected(std::move(sockets).error());
  return std::unique_ptr<RtpTransport>(new RtpTransport(io, config, listener, std::move(*sockets)));
}

RtpTransport::RtpTransport(boost::asio::io_context&, const RtpTransportConfig& config, Listener* listener,
                           UdpSocketPair sockets)
    : listener_(listener),
      config_(config),
      rtp_socket_(std::move(sockets.rtp)),
      rtcp_socket_(std::move(sockets.rtcp)),
      rtp_port_(sockets.rtp_port),
      rtcp_port_(sockets.rtcp_port),
      rtp_latch_(config.relatch_after),
      rtcp_latch_(config.relatch_after),
      alive_(std::make_shared<Alive>()) {
  UpdateDestinations();
}

RtpTransport::~RtpTransport() {
  Close();
}

int RtpTransport::rtp_native_handle() {
  return rtp_socket_.native_handle();
}

void RtpTransport::Start() {
  ArmReceive(false);
  if (rtcp_socket_) ArmReceive(true);
}

void RtpTransport::Close() {
  if (closed_) return;
  closed_ = true;
  alive_.reset();  // handlers still queued see the transport is gone
  boost::system::error_code ec;
  rtp_socket_.close(ec);
  if (rtcp_socket_) rtcp_socket_->close(ec);
}

void RtpTransport::ArmReceive(bool rtcp_socket) {
  if (closed_) return;
  auto& socket = rtcp_socket ? *rtcp_socket_ : rtp_socket_;
  std::weak_ptr<Alive> alive = alive_;
  socket.async_wait(boost::asio::ip::udp::socket::wait_read,
                    [this, alive, rtcp_socket](const boost::system::error_code& ec) {
                      if (ec || alive.expired()) return;
                      OnReadable(rtcp_socket);
                    });
}

void RtpTransport::OnReadable(bool rtcp_socket) {
  ++stats_.wakeups;
  auto& socket = rtcp_socket ? *rtcp_socket_ : rtp_socket_;
  const int fd = socket.native_handle();
  UdpBatchReceiver& receiver = ThreadReceiver();
  size_t budget = kMaxBatchesPerWakeup * kReceiveBatch;
  while (budget > 0 && !closed_) {
    const size_t n = receiver.Receive(fd, config_.batched_receive);
    if (n == 0) break;
    budget -= std::min(n, budget);
    const rtp::TimePoint now = rtp::Clock::now();
    for (size_t i = 0; i < n && !closed_; ++i) {
      ReceivedDatagram d = receiver[i];
      if (d.truncated) {
        stats_.drops.Add(rtp::DropReason::kOversized);
        continue;
      }
      stats_.bytes_received += d.data.size();
      // Classify on either socket: some endpoints multiplex RTCP without negotiating it.
      const rtp::PacketKind kind = rtp::ClassifyPacket(d.data);
      if (kind == rtp::PacketKind::kRtp && !rtcp_socket) {
        ++stats_.rtp_received;
        const bool valid = listener_->OnRtp(*this, d.data, d.from, now);
        if (valid && config_.latching && rtp_latch_.OnValidPacket(d.from, now)) UpdateDestinations();
      } else if (kind == rtp::PacketKind::kRtcp) {
        ++stats_.rtcp_received;
        const bool valid = listener_->OnRtcp(*this, d.data, d.from, now);
        // With mux, RTCP comes from the RTP address and latches it like RTP does.
        SymmetricLatch& latch = (config_.rtcp_mux || !rtcp_socket) ? rtp_latch_ : rtcp_latch_;
        if (valid && config_.latching && latch.OnValidPacket(d.from, now)) UpdateDestinations();
      } else {
        stats_.drops.Add(rtp::DropReason::kNotRtp);
      }
    }
    if (config_.batched_receive && n < receiver.batch()) break;  // drained
  }
  stats_.relatches = rtp_latch_.relatches() + rtcp_latch_.relatches();
  ArmReceive(rtcp_socket);
}

void RtpTransport::UpdateDestinations() {
  std::optional<Endpoint> rtp = rtp_latch_.latched() ? rtp_latch_.latched() : config_.remote_rtp;
  std::optional<Endpoint> rtcp;
  if (config_.rtcp_mux) {
    rtcp = rtp;
  } else if (rtcp_latch_.latched()) {
    rtcp = rtcp_latch_.latched();
  } else if (config_.remote_rtcp) {
    rtcp = config_.remote_rtcp;
  } else if (config_.remote_rtp) {
    rtcp = Endpoint(config_.remote_rtp->address(), static_cast<uint16_t>(config_.remote_rtp->port() + 1));
  }
  rtp_destination_.Store(rtp);
  rtcp_destination_.Store(rtcp);
}

void RtpTransport::SetRemote(std::optional<Endpoint> rtp, std::optional<Endpoint> rtcp) {
  config_.remote_rtp = rtp;
  config_.remote_rtcp = rtcp;
  rtp_latch_.Reset();
  rtcp_latch_.Reset();
  UpdateDestinations();
}

bool RtpTransport::Send(int fd, std::span<const uint8_t> packet, const std::optional<Endpoint>& to,
                        std::atomic<uint64_t>& count) {
  if (!to) {
    no_destination_.fetch_add(1, std::memory_order_relaxed);
    return false;
  }
  if (!SendDatagram(fd, packet, *to)) {
    send_errors_.fetch_add(1, std::memory_order_relaxed);
    return false;
  }
  count.fetch_add(1, std::memory_order_relaxed);
  bytes_sent_.fetch_add(packet.size(), std::memory_order_relaxed);
  return true;
}

bool RtpTransport::SendRtp(std::span<const uint8_t> packet) {
  return Send(rtp_socket_.native_handle(), packet, rtp_destination_.Load(), rtp_sent_);
}

bool RtpTransport::SendRtcp(std::span<const uint8_t> packet) {
  const int fd = rtcp_socket_ ? rtcp_socket_->native_handle() : rtp_socket_.native_handle();
  return Send(fd, packet, rtcp_destination_.Load(), rtcp_sent_);
}

size_t RtpTransport::SendRtpBatch(std::span<const std::span<const uint8_t>> packets) {
  const auto to = rtp_destination_.Load();
  if (!to) {
    no_destination_.fetch_add(packets.size(), std::memory_order_relaxed);
    return 0;
  }
  const size_t sent = batch_sender_.SendAll(rtp_socket_.native_handle(), packets, *to);
  size_t bytes = 0;
  for (const auto& p : packets)
    bytes += p.size();
  rtp_sent_.fetch_add(sent, std::memory_order_relaxed);
  send_errors_.fetch_add(packets.size() - sent, std::memory_order_relaxed);
  bytes_sent_.fetch_add(bytes, std::memory_order_relaxed);
  return sent;
}

RtpTransportSendStats RtpTransport::send_stats() const {
  RtpTransportSendStats s;
  s.rtp_sent = rtp_sent_.load(std::memory_order_relaxed);
  s.rtcp_sent = rtcp_sent_.load(std::memory_order_relaxed);
  s.bytes_sent = bytes_sent_.load(std::memory_order_relaxed);
  s.errors = send_errors_.load(std::memory_order_relaxed);
  s.no_destination = no_destination_.load(std::memory_order_relaxed);
  return s;
}

}  // namespace tessera::mcu::transport
