// RFC 3261 §12 dialogs.
#include "tessera/signaling/sip/dialog.h"

#include <algorithm>

namespace tessera::signaling::sip {

Result<Dialog, std::string> Dialog::FromRequest(const Message& request, std::string local_tag, NameAddr local_contact) {
  if (request.contact.size() != 1 || request.contact.front().wildcard) {
    return MakeUnexpected(std::string("a dialog-creating request needs exactly one Contact"));
  }
  Dialog d;
  d.id_ = {request.call_id, std::move(local_tag), std::string(request.from.Tag())};
  d.secure_ = request.request_uri.scheme == UriScheme::kSips;
  d.remote_seq_ = request.cseq.number;
  d.remote_uri_ = request.from;
  d.remote_uri_.params = {};
  d.local_uri_ = request.to;
  d.local_uri_.params = {};
  d.local_uri_.params.Set("tag", d.id_.local_tag);
  d.remote_uri_.params.Set("tag", d.id_.remote_tag);
  if (d.id_.remote_tag.empty()) d.remote_uri_.params.Remove("tag");  // RFC 2543 peers
  d.remote_target_ = request.contact.front().uri;
  d.route_set_ = request.record_route;  // in order (§12.1.1)
  d.local_contact_ = std::move(local_contact);
  // Our first request in the dialog starts from a random-free but valid number (§12.1.1: the
  // local sequence number is empty and set when we send).
  d.local_seq_ = 0;
  return d;
}

Result<Dialog, std::string> Dialog::FromResponse(const Message& request, const Message& response,
                                                 NameAddr local_contact) {
  if (response.to.Tag().empty()) return MakeUnexpected(std::string("the response has no To tag"));
  Dialog d;
  d.id_ = {request.call_id, std::string(request.from.Tag()), std::string(response.to.Tag())};
  d.secure_ = request.request_uri.scheme == UriScheme::kSips;
  d.local_seq_ = request.cseq.number;
  d.local_uri_ = request.from;
  d.remote_uri_ = response.to;
  // A 1xx or 2xx without Contact keeps the Request-URI as the target until one arrives.
  d.remote_target_ = response.contact.empty() ? request.request_uri : response.contact.front().uri;
  d.route_set_.assign(response.record_route.rbegin(), response.record_route.rend());  // reversed (§12.1.2)
  d.local_contact_ = std::move(local_contact);
  if (response.status >= 200) d.state_ = State::kConfirmed;
  return d;
}

Message Dialog::CreateRequest(Method method, std::optional<uint32_t> cseq) {
  Uri request_uri = remote_target_;
  std::vector<NameAddr> route = route_set_;
  if (!route.empty() && !route.front().uri.LooseRouting()) {
    // Strict routing (§12.2.1.1): the first route becomes the Request-URI and the remote
    // target goes last in the Route header.
    request_uri = route.front().uri;
    request_uri.params.Remove("method");
    request_uri.headers.clear();
    route.erase(route.begin());
    NameAddr target;
    target.uri = remote_target_;
    route.push_back(std::move(target));
  }
  Message m = Message::Request(method, std::move(request_uri));
  m.route = std::move(route);
  m.max_forwards = 70;
  m.from = local_uri_;
  m.to = remote_uri_;
  m.call_id = id_.call_id;
  if (method == Method::kAck || method == Method::kCancel) {
    m.cseq = CSeq{cseq.value_or(local_seq_), std::string(MethodName(method))};
  } else {
    m.cseq = CSeq{++local_seq_, std::string(MethodName(method))};
  }
  if (method != Method::kCancel) m.contact = {local_contact_};
  return m;
}

const Uri& Dialog::NextHop() const {
  if (!route_set_.empty()) return route_set_.front().uri;
  return remote_target_;
}

bool Dialog::AcceptRemoteCSeq(const Message& request) {
  if (request.method == Method::kAck || request.method == Method::kCancel) return true;
  if (remote_seq_ && request.cseq.number <= *remote_seq_) return false;
  remote_seq_ = request.cseq.number;
  return true;
}

void Dialog::RefreshTarget(const Message& message) {
  if (message.contact.size() == 1 && !message.contact.front().wildcard) remote_target_ = message.contact.front().uri;
}

void Dialog::UpdateFromSuccess(const Message& response) {
  route_set_.assign(response.record_route.rbegin(), response.record_route.rend());
  RefreshTarget(response);
  remote_uri_ = response.to;
  state_ = State::kConfirmed;
}

}  // namespace tessera::signaling::sip
