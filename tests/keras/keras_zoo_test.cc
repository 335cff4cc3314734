// Every model of the Keras zoo (models/keras_zoo, made by
// tools/models/keras_zoo.py: one small model per layer and option, as Keras 2
// .h5 and Keras 3 .keras) converted by Frost and run on the cpu and reference
// backends, against Keras's own outputs: max |frost - keras| / max |keras|
// at most 1e-5 per output. Prints the error of each model (the layer table).
#include <doctest/doctest.h>

#include <cstdio>
#include <filesystem>

#include "io/npy.h"
#include "io/reference_file.h"
#include "keras_test_util.h"
#include "runtime/session.h"

using namespace frost;
using frost::testing::relative_error;

TEST_CASE("keras zoo: every layer and option gives Keras's outputs within 1e-5 relative") {
  const char* root = std::getenv("FROST_SOURCE_ROOT");
  REQUIRE_MESSAGE(root, "FROST_SOURCE_ROOT is not set (run through meson test)");
  const auto stanzas = read_reference_file(std::string(root) + "/models/keras_zoo/keras_reference.txt");
  REQUIRE(stanzas.size() >= 60);
  for (const ReferenceStanza& s : stanzas) {
    const std::string name = std::filesystem::path(s.graph).filename().string();
    CAPTURE(name);
    double worst = 0;
    try {
      const Session model = Session::load(s.graph);
      FeedMap feeds;
      for (const ReferenceTensor& in : s.inputs) feeds[TensorId::parse(in.tensor)] = read_npy(in.file);
      std::vector<TensorId> fetches;
      for (const ReferenceTensor& out : s.outputs) fetches.push_back(TensorId::parse(out.tensor));
      for (const Backend backend : {Backend::Cpu, Backend::Reference}) {
        CAPTURE(backend_name(backend));
        const std::vector<Tensor> got = model.run(feeds, fetches, backend);
        for (size_t i = 0; i < got.size(); ++i) {
          CAPTURE(s.outputs[i].tensor);
          const double err = relative_error(got[i], read_npy(s.outputs[i].file));
          CHECK(err <= 1e-5);
          worst = std::max(worst, err);
        }
      }
    } catch (const Error& e) {
      FAIL_CHECK(std::string(e.what()));
      continue;
    }
    std::printf("keras zoo  %-44s max rel error %.2e\n", name.c_str(), worst);
  }
}
