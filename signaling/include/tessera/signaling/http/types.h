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

}  // namespace tessera::signaling::http
