// An error that becomes an HTTP response: the status and the message that goes
// in TensorFlow Serving's `{"error": "..."}` body.
#pragma once

#include <stdexcept>
#include <string>

namespace frost::serve {

class HttpError : public std::runtime_error {
 public:
  HttpError(int status, const std::string& message) : std::runtime_error(message), status_(status) {}
  int status() const { return status_; }

 private:
  int status_;
};

}  // namespace frost::serve
