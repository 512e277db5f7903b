#include "query/sta/request_util.h"

#include <cctype>

namespace citynexus::query::sta {

std::string BaseUrl(const net::Request& req) {
  std::string host = req.Header("host").value_or("");
  bool plain = !host.empty() && host.size() <= 255;
  for (char c : host) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '-' &&
        c != ':' && c != '[' && c != ']') {
      plain = false;
    }
  }
  return "http://" + (plain ? host : std::string("localhost")) + "/v1.1";
}

}  // namespace citynexus::query::sta
