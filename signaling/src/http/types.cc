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

Response FieldErrorResponse(std::string_view field, std::string_view expected, std::string_view message) {
  return JsonResponse(Status::bad_request,
                      {{"error", {{"status", 400}, {"message", message}, {"field", field}, {"expected", expected}}}});
}

Response FileResponse(const std::string& path, std::string_view content_type) {
  Response response{Status::ok, 11};
  response.set(boost::beast::http::field::content_type, std::string(content_type));
  response.set(kSendFileHeader, path);
  return response;
}

}  // namespace tessera::signaling::http
