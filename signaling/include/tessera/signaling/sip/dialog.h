#pragma once
// A SIP dialog (RFC 3261 §12): identity (Call-ID and tags), sequence numbers, the route set
// from Record-Route, the remote target from Contact (refreshed by target refresh requests),
// and the construction of in-dialog requests with loose or strict routing (§12.2.1.1).
// Pure logic: no I/O.
//
// Thread: owned by its session, on the control thread.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "tessera/base/result.h"
#include "tessera/signaling/sip/message.h"

namespace tessera::signaling::sip {

struct DialogId {
  std::string call_id;
  std::string local_tag;
  std::string remote_tag;
  bool operator==(const DialogId&) const = default;
  std::string Key() const { return call_id + '\n' + local_tag + '\n' + remote_tag; }
};

class Dialog {
 public:
  enum class State { kEarly, kConfirmed };

  // UAS (§12.1.1): from the request that creates the dialog and the tag we put in To.
  static Result<Dialog, std::string> FromRequest(const Message& request, std::string local_tag, NameAddr local_contact);
  // UAC (§12.1.2): from our request and a response carrying a To tag.
  static Result<Dialog, std::string> FromResponse(const Message& request, const Message& response,
                                                  NameAddr local_contact);

  const DialogId& id() const { return id_; }
  State state() const { return state_; }
  void Confirm() { state_ = State::kConfirmed; }
  bool secure() const { return secure_; }
  uint32_t local_seq() const { return local_seq_; }
  std::optional<uint32_t> remote_seq() const { return remote_seq_; }
  const NameAddr& local_uri() const { return local_uri_; }
  const NameAddr& remote_uri() const { return remote_uri_; }
  const Uri& remote_target() const { return remote_target_; }
  const std::vector<NameAddr>& route_set() const { return route_set_; }
  const NameAddr& local_contact() const { return local_contact_; }
  void set_local_contact(NameAddr c) { local_contact_ = std::move(c); }

  // §12.2.1.1. Takes the next local CSeq, except ACK and CANCEL which reuse `cseq`.
  Message CreateRequest(Method method, std::optional<uint32_t> cseq = std::nullopt);
  // The URI to resolve for the next hop: the first route if it loose-routes, else the
  // Request-URI the request carries.
  const Uri& NextHop() const;
  // §12.2.2: a request with a CSeq lower than the last one is out of order (answer 500).
  // Updates the remote sequence number otherwise.
  bool AcceptRemoteCSeq(const Message& request);
  // Target refresh: the Contact of a re-INVITE/UPDATE or of their 2xx (§12.2).
  void RefreshTarget(const Message& message);
  // The route set of an early dialog is replaced by the 2xx's (§12.1.2, §13.2.2.4).
  void UpdateFromSuccess(const Message& response);

 private:
  DialogId id_;
  State state_ = State::kEarly;
  bool secure_ = false;
  uint32_t local_seq_ = 0;
  std::optional<uint32_t> remote_seq_;
  NameAddr local_uri_;
  NameAddr remote_uri_;
  Uri remote_target_;
  std::vector<NameAddr> route_set_;
  NameAddr local_contact_;
};

}  // namespace tessera::signaling::sip
