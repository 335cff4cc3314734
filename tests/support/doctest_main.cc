// The tests' main: doctest's, after pointing FROST_SOURCE_ROOT at this
// checkout and FROST_BIN at this build's frost when they are unset. `meson
// test` sets both; a test binary run by hand (a debugger, a single test
// case) would otherwise find no models and crash on a null path in the many
// tests that read it.
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include <cstdlib>

int main(int argc, char** argv) {
  setenv("FROST_SOURCE_ROOT", FROST_DEFAULT_SOURCE_ROOT, /*overwrite=*/0);
  setenv("FROST_BIN", FROST_DEFAULT_BIN, /*overwrite=*/0);
  return doctest::Context(argc, argv).run();
}
