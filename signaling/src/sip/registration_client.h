#pragma once
// RegistrationClient: keeps one binding of Tessera at a registrar (RFC 3261 §10): REGISTER
// with digest authentication, refresh before expiry, 423 Interval Too Brief handled, and
// re-registration after a failure with exponential backoff and jitter. Call-ID stays the
// same and CSeq grows across refreshes (§10.2.4).
//
// Thread: the control io_context thread; owned by the user agent core.

#include <memory>

#include "sip/user_agent_core.h"
#include "tessera/signaling/sip/timer.h"

namespace tessera::signaling::sip {

class RegistrationClient {
 public:
  RegistrationClient(UserAgentCore& core, RegistrationOptions options);
  ~RegistrationClient();

  void Start();
  void Stop();
  const RegistrationStatus& status() const { return status_; }

 private:
  void Send();
  void OnResponse(const Message& response);
  void Fail(int status, std::string error);
  void Schedule(std::chrono::milliseconds delay);

  UserAgentCore& core_;
  RegistrationOptions options_;
  RegistrationStatus status_;
  std::string call_id_;
  std::string from_tag_;
  uint32_t cseq_ = 0;
  std::chrono::seconds requested_;
  std::optional<Header> authorization_;
  int auth_attempts_ = 0;
  std::string contact_;  // our Contact as sent, to find our binding in the 200
  Timer timer_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace tessera::signaling::sip
