// citynexus entry point; the CLI lives in app/cli.{h,cc}.
#include <cstdio>
#include <cstring>

int main(int argc, char** argv) {
  if (argc >= 2 && std::strcmp(argv[1], "version") == 0) {
    std::printf("citynexus %s\n", CITYNEXUS_VERSION);
    return 0;
  }
  std::fprintf(stderr, "usage: citynexus version\n");
  return 2;
}
