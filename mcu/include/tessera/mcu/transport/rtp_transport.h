#pragma once
// The UDP transport of one RTP session (one m= line of one participant): an RTP socket
// and an RTCP socket on the next port, or one socket for both with rtcp-mux (RFC 5761),
// bound from the configured port range. It receives in batches (recvmmsg) on the network
// thread, tells RTP from RTCP by the packet type byte, hands each datagram to a listener,
// and sends to the endpoint — to where its valid packets come from (symmetric RTP), once
// it has sent any, else to the address its SDP announced.
//
//   auto t = RtpTransport::Create(network_io, ports, config, &listener);
//   (*t)->Start();
//   (*t)->SendRtp(packet);   // from the media thread that owns the output
//
// The listener decides what is valid (it parses, routes and unprotects); only valid
// packets move the latch. Nothing on the packet path allocates, throws or logs; drops are
// counted in stats().drops.
//
// Threads: created, started, closed and destroyed on the network thread; listener
// callbacks run there (a listener may Close() the transport from a callback, but must
// post its destruction). Send* may be called from one other thread (the media strand that
// owns the participant's output) at a time; destinations are read lock-free.

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>

#include "tessera/base/result.h"
#include "tessera/mcu/rtp/drop_counters.h"
#include "tessera/mcu/rtp/ntp_time.h"
#include "tessera/mcu/transport/port_allocator.h"
#include "tessera/mcu/transport/symmetric_latch.h"
#include "tessera/mcu/transport/udp_batch_io.h"

namespace tessera::mcu::transport {

struct RtpTransportConfig {
  uint32_t id = 0;  // the owner's name for this transport (e.g. the router's SocketId)
  bool rtcp_mux = false;
  std::optional<Endpoint> remote_rtp;   // from SDP; null until known
  std::optional<Endpoint> remote_rtcp;  // null: remote_rtp's port + 1 (or the same with mux)
  bool latching = true;
  std::chrono::milliseconds relatch_after{2000};
  bool batched_receive = true;  // recvmmsg; false: one recvfrom per datagram
};

struct RtpTransportStats {
  uint64_t rtp_received = 0;
  uint64_t rtcp_received = 0;
  uint64_t bytes_received = 0;
  uint64_t wakeups = 0;  // readiness callbacks (datagrams per wakeup = batching efficiency)
  uint64_t relatches = 0;
  rtp::DropCounters drops;  // kOversized, kNotRtp
};

struct RtpTransportSendStats {
  uint64_t rtp_sent = 0;
  uint64_t rtcp_sent = 0;
  uint64_t bytes_sent = 0;
  uint64_t errors = 0;          // refused by the kernel (full buffer, ICMP unreachable)
  uint64_t no_destination = 0;  // nothing known to send to yet
};

class RtpTransport {
 public:
  class Listener {
   public:
    virtual ~Listener() = default;
    // A datagram that looks like RTP (or RTCP); `data` may be modified in place (SRTP) and
    // is valid only during the call. Return true if it was valid: latching follows it.
    virtual bool OnRtp(RtpTransport& transport, std::span<uint8_t> data, const Endpoint& from,
                       rtp::TimePoint arrival) = 0;
    virtual bool OnRtcp(RtpTransport& transport, std::span<uint8_t> data, const Endpoint& from,
                        rtp::TimePoint arrival) = 0;
  };

  // The largest datagram received; anything larger is dropped as kOversized.
  static constexpr size_t kMaxDatagram = 2048;
  static constexpr size_t kReceiveBatch = 32;

  static Result<std::unique_ptr<RtpTransport>, std::string> Create(boost::asio::io_context& io, PortAllocator& ports,
                                                                   const RtpTransportConfig& config,
                                                                   Listener* listener);
  ~RtpTransport();
  RtpTransport(const RtpTransport&) = delete;
  RtpTransport& operator=(const RtpTransport&) = delete;

  void Start();
  // Stops receiving and closes the sockets (the ports return to the range).
  void Close();

  bool SendRtp(std::span<const uint8_t> packet);
  bool SendRtcp(std::span<const uint8_t> packet);
  // Several RTP packets in one sendmmsg (a frame's packets); returns how many went out.
  size_t SendRtpBatch(std::span<const std::span<const uint8_t>> packets);

  // New remote addresses from a re-INVITE (network thread); the latches start over.
  void SetRemote(std::optional<Endpoint> rtp, std::optional<Endpoint> rtcp);
  std::optional<Endpoint> rtp_destination() const { return rtp_destination_.Load(); }
  std::optional<Endpoint> rtcp_destination() const { return rtcp_destination_.Load(); }

  uint32_t id() const { return config_.id; }
  uint16_t rtp_port() const { return rtp_port_; }
  uint16_t rtcp_port() const { return rtcp_port_; }
  bool rtcp_mux() const { return config_.rtcp_mux; }
  int rtp_native_handle();
  const RtpTransportStats& stats() const { return stats_; }
  RtpTransportSendStats send_stats() const;

 private:
  struct Alive {};
  RtpTransport(boost::asio::io_context& io, const RtpTransportConfig& config, Listener* listener,
               UdpSocketPair sockets);
  void ArmReceive(bool rtcp_socket);
  void OnReadable(bool rtcp_socket);
  void UpdateDestinations();
  bool Send(int fd, std::span<const uint8_t> packet, const std::optional<Endpoint>& to, std::atomic<uint64_t>& count);

  // passed in (not owned)
  Listener* listener_;
  // owned
  RtpTransportConfig config_;
  boost::asio::ip::udp::socket rtp_socket_;
  std::optional<boost::asio::ip::udp::socket> rtcp_socket_;
  uint16_t rtp_port_;
  uint16_t rtcp_port_;
  SymmetricLatch rtp_latch_;
  SymmetricLatch rtcp_latch_;
  AtomicEndpoint rtp_destination_;
  AtomicEndpoint rtcp_destination_;
  UdpBatchSender batch_sender_;   // the sending thread's
  std::shared_ptr<Alive> alive_;  // pending handlers hold a weak_ptr to it
  bool closed_ = false;
  RtpTransportStats stats_;  // network thread
  std::atomic<uint64_t> rtp_sent_{0}, rtcp_sent_{0}, bytes_sent_{0}, send_errors_{0}, no_destination_{0};
};

}  // namespace tessera::mcu::transport
