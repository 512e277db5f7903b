// citynexus entry point; the command line lives in app/cmd/cli.{h,cc}.
#include <exception>
#include <iostream>

#include "app/cmd/cli.h"

int main(int argc, char** argv) {
  // Exceptions are for startup and code we do not own; whatever escapes
  // becomes one line and exit code 1, never an abort with a stack trace.
  try {
    return citynexus::app::Run(argc, argv, std::cout, std::cerr);
  } catch (const std::exception& e) {
    std::cerr << "citynexus: " << e.what() << "\n";
  } catch (...) {
    std::cerr << "citynexus: unknown error\n";
  }
  return 1;
}
