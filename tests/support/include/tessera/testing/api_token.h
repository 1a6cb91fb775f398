#pragma once
// The control API needs a bearer token (issue 8): tests that start the real tessera binary
// and call /api/v1 add this operator token to their config and to their requests.

#include <string>

#include "tessera/testing/http_client.h"

namespace tessera::testing {

inline constexpr char kTestApiToken[] = "tessera-test-operator-token-0123456789";
inline constexpr char kTestReadOnlyToken[] = "tessera-test-read-only-token-0123456789";

// [[http.tokens]] tables: "test" (operator) and "reader" (read-only). Valid anywhere after
// the [http] table in a config.
inline std::string TestApiTokensToml() {
  return std::string("\n[[http.tokens]]\nname = \"test\"\ntoken = \"") + kTestApiToken +
         "\"\nrole = \"operator\"\n[[http.tokens]]\nname = \"reader\"\ntoken = \"" + kTestReadOnlyToken +
         "\"\nrole = \"read-only\"\n";
}

inline void WithTestToken(HttpRequestSpec& spec, const char* token = kTestApiToken) {
  spec.headers["Authorization"] = std::string("Bearer ") + token;
}

}  // namespace tessera::testing
