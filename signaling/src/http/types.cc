#include "tessera/signaling/http/types.h"

#include <nlohmann/json.hpp>

namespace tessera::signaling::http {

Response JsonResponse(Status status, const nlohmann::json& body) {
  Response response{status, 11};
  response.set(boost::beast::http::field::content_type, "application/json");
  response.set(boost::beast::http::field::cache_control, "no-store");
  response.body() = body.dump();
  response.body() += '\n';
  response.prepare_payload();
  return response;
}

Response ErrorResponse(Status status, std::string_view message) {
  return JsonResponse(status, {{"error", {{"status", static_cast<int>(status)}, {"message", message}}}});
}

}  // namespace tessera::signaling::http
