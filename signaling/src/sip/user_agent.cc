#include "tessera/signaling/sip/user_agent.h"

#include "sip/user_agent_core.h"

namespace tessera::signaling::sip {

UserAgent::UserAgent(boost::asio::io_context& io, UserAgentOptions options, UserAgentHandler& handler,
                     TimerService* timers)
    : core_(std::make_unique<UserAgentCore>(io, std::move(options), handler, timers)) {}

UserAgent::~UserAgent() = default;

Result<void, std::string> UserAgent::Start() {
  return core_->Start();
}

void UserAgent::Stop() {
  core_->Stop();
}

std::shared_ptr<Call> UserAgent::Dial(const DialOptions& options, CallObserver* observer) {
  return core_->Dial(options, observer);
}

std::vector<RegistrationStatus> UserAgent::registrations() const {
  return core_->Registrations();
}

UserAgentStats UserAgent::stats() const {
  return core_->Stats();
}

TransportLayer& UserAgent::transport() {
  return core_->transport();
}

}  // namespace tessera::signaling::sip
