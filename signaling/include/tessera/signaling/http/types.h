#pragma once
// HTTP request/response types of the control API (Boost.Beast), and helpers that build
// JSON responses the same way everywhere.

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/status.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/verb.hpp>
#include <nlohmann/json_fwd.hpp>

#include <string_view>

namespace tessera::signaling::http {

using Verb = boost::beast::http::verb;
using Status = boost::beast::http::status;
using Request = boost::beast::http::request<boost::beast::http::string_body>;
using Response = boost::beast::http::response<boost::beast::http::string_body>;

// 200-class or any status with a JSON body.
Response JsonResponse(Status status, const nlohmann::json& body);
// {"error": {"status": 404, "message": "..."}}
Response ErrorResponse(Status status, std::string_view message);
// {"error": {"status": 400, "message": "...", "field": "layout", "expected": "..."}}: a
// request body field that is wrong, and what it should have been.
Response FieldErrorResponse(std::string_view field, std::string_view expected, std::string_view message);

// A file to stream from disk as the body (recordings, HLS segments): the handler names it
// and the server sends it with a file body, so large files are never held in memory. The
// path must already be checked (no escape from its folder). Internal: the marker header is
// removed before anything is sent.
inline constexpr char kSendFileHeader[] = "X-Tessera-Send-File";
Response FileResponse(const std::string& path, std::string_view content_type);

}  // namespace tessera::signaling::http
