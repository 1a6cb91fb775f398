#pragma once
// The four transaction state machines of RFC 3261 §17 (INVITE and non-INVITE, client and
// server) with timers A–K, the Accepted state and timers L and M of RFC 6026, transaction
// matching (§17.1.3, §17.2.3, including RFC 2543 requests without a magic-cookie branch),
// retransmission and absorption of retransmissions, CANCEL construction (§9.1) and the ACK
// of non-2xx final responses (§17.1.1.3).
//
// Above it sits the transaction user (the user agent core): it receives new requests, ACKs
// for 2xx responses and stray responses, and answers through Respond().
//
// Thread: the control io_context thread; timers come from the TimerService given.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>

#include "tessera/signaling/sip/message.h"
#include "tessera/signaling/sip/timer.h"
#include "tessera/signaling/sip/transport.h"

namespace tessera::signaling::sip {

struct TimerSettings {
  std::chrono::milliseconds t1{500};   // RTT estimate
  std::chrono::milliseconds t2{4000};  // maximum retransmit interval for non-INVITE
  std::chrono::milliseconds t4{5000};  // maximum time a message stays in the network
  std::chrono::milliseconds T64() const { return 64 * t1; }
};

// What the transaction layer needs from the transport: the real TransportLayer in the
// server, a recording fake in the state machine tests.
class MessageSender {
 public:
  virtual ~MessageSender() = default;
  virtual void Send(const Destination& d, std::string bytes, TransportLayer::SendCallback on_error) = 0;
  // Via sent-by for requests sent to `d`.
  virtual std::pair<std::string, uint16_t> LocalAddressFor(TransportType t, const boost::asio::ip::address& remote) = 0;
};

// Adapts TransportLayer to MessageSender.
class TransportSender final : public MessageSender {
 public:
  explicit TransportSender(TransportLayer& t) : transport_(t) {}
  void Send(const Destination& d, std::string bytes, TransportLayer::SendCallback on_error) override {
    transport_.Send(d, std::move(bytes), std::move(on_error));
  }
  std::pair<std::string, uint16_t> LocalAddressFor(TransportType t, const boost::asio::ip::address& r) override {
    return transport_.LocalAddressFor(t, r);
  }

 private:
  TransportLayer& transport_;
};

class TransactionLayer {
 public:
  using ClientId = uint64_t;
  using ServerId = uint64_t;
  enum class ClientError { kTimeout, kTransportError };

  class User {
   public:
    virtual ~User() = default;
    // A new request (not a retransmission, not an ACK): answer it with Respond(id, ...).
    virtual void OnRequest(ServerId id, const Message& request, const Source& source) = 0;
    // An ACK not absorbed by an INVITE server transaction: the ACK of a 2xx.
    virtual void OnAck(const Message& ack, const Source& source) = 0;
    // A response no client transaction is waiting for (2xx retransmissions after the
    // transaction ended, a second 2xx from a fork).
    virtual void OnStrayResponse(const Message& response, const Source& source) = 0;
  };

  struct ClientCallbacks {
    // Every response: provisional, final, and 2xx retransmissions while Accepted.
    std::function<void(const Message& response)> on_response;
    // No final response: Timer B/F fired, or the transport failed. The transaction is over.
    std::function<void(ClientError error)> on_failure;
  };

  struct Options {
    TimerSettings timers;
    size_t max_server_transactions = 20000;  // beyond: 503 without creating state
  };

  TransactionLayer(MessageSender& sender, TimerService& timers, Options options, User& user);
  ~TransactionLayer();
  TransactionLayer(const TransactionLayer&) = delete;
  TransactionLayer& operator=(const TransactionLayer&) = delete;

  // Feeds a message from the transport.
  void OnMessage(Message&& message, const Source& source);

  // Sends a request in a new client transaction. The layer adds the top Via (our sent-by for
  // `destination`, a fresh branch, rport). Not for ACK (see SendAck).
  ClientId SendRequest(Message request, const Destination& destination, ClientCallbacks callbacks);
  // Drops the callbacks of a client transaction whose owner is going away; the state machine
  // carries on (it still absorbs retransmissions and ACKs non-2xx finals).
  void Forget(ClientId id);
  // Cancels a pending INVITE client transaction (RFC 3261 §9.1): the CANCEL goes out once a
  // provisional response has arrived, and not at all if a final one comes first. `reason`,
  // if not empty, goes out as the CANCEL's Reason header (RFC 3326).
  void Cancel(ClientId invite, ClientCallbacks callbacks = {}, std::string reason = {});
  // The request as sent (with our Via); nullptr once the transaction is gone.
  const Message* ClientRequest(ClientId id) const;

  // Sends the ACK for a 2xx (outside any transaction, with a fresh branch) and returns the
  // bytes sent, for the dialog to re-send when the 2xx is retransmitted.
  std::string SendAck(Message ack, const Destination& destination);
  void SendBytes(const Destination& destination, std::string bytes);

  // Answers a server transaction. Provisional responses may be followed by others; the first
  // final response completes it. Ignored once the transaction is gone or completed.
  void Respond(ServerId id, const Message& response);
  const Message* ServerRequest(ServerId id) const;
  // Where responses of a server transaction go (§18.2.2).
  const Destination* ServerDestination(ServerId id) const;
  // The INVITE server transaction a CANCEL targets (§9.2), if any and not yet terminated.
  std::optional<ServerId> FindInviteFor(const Message& cancel) const;
  // True once a final response has been sent on the server transaction.
  bool HasFinalResponse(ServerId id) const;

  // Destination for responses to a request received from `source` (§18.2.2, RFC 3581).
  static Destination ResponseDestination(const Message& request, const Source& source);

  size_t client_count() const { return clients_.size(); }
  size_t server_count() const { return servers_.size(); }
  const TimerSettings& timers() const { return options_.timers; }

  struct Client;
  struct Server;

 private:
  void OnResponse(Message&& response, const Source& source);
  void OnRequestMessage(Message&& request, const Source& source);
  ClientId StartClient(Message request, const Destination& destination, ClientCallbacks callbacks);
  void ClientTimerA(Client& c);
  void ClientTimerE(Client& c);
  void ClientFail(ClientId id, ClientError error);
  void SendCancelNow(Client& invite);
  void TerminateClient(ClientId id);
  void TerminateServer(ServerId id);
  void ServerTimerG(Server& s);
  void SendServer(Server& s);

  MessageSender& sender_;
  TimerService& timer_service_;
  Options options_;
  User& user_;
  ClientId next_client_ = 1;
  ServerId next_server_ = 1;
  std::unordered_map<ClientId, std::unique_ptr<Client>> clients_;
  std::unordered_map<std::string, ClientId> client_keys_;
  std::unordered_map<ServerId, std::unique_ptr<Server>> servers_;
  std::unordered_map<std::string, ServerId> server_keys_;
};

// A response to `request` (RFC 3261 §8.2.6.2): Via, From, To, Call-ID and CSeq copied, a To
// tag added when given and absent.
Message MakeResponse(const Message& request, int status, std::string reason = {}, std::string_view to_tag = {});

}  // namespace tessera::signaling::sip
