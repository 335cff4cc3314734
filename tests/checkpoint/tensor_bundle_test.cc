// CheckpointReader on bundles written by the test's BundleBuilder: dtypes,
// strings, shards, partitioned variables, prefix resolution and bad input.
#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <functional>
#include <filesystem>

#include "graph/error.h"
#include "io/checkpoint/tensor_bundle.h"
#include "table_writer.h"
#include "test_paths.h"

using namespace frost;
using frost::testing::BundleBuilder;
using frost::testing::TempDir;
using frost::testing::write_file;

namespace fs = std::filesystem;

namespace {

BundleBuilder sample_bundle() {
  BundleBuilder b;
  b.add<float>("dense/kernel", tensorflow::DT_FLOAT, {2, 3}, {1.5f, -2.f, 0.f, 3.25f, 1e-3f, -0.f});
  b.add<float>("dense/bias", tensorflow::DT_FLOAT, {3}, {0.1f, 0.2f, 0.3f});
  b.add<int64_t>("global_step", tensorflow::DT_INT64, {}, {1999});
  b.add<int32_t>("counts", tensorflow::DT_INT32, {2, 2}, {-1, 2, -3, 4});
  b.add<uint16_t>("half", tensorflow::DT_HALF, {2}, {0x3c00, 0xc000});  // 1.0, -2.0
  b.add<uint8_t>("is_training", tensorflow::DT_BOOL, {2}, {1, 0});
  b.add<float>("empty", tensorflow::DT_FLOAT, {0, 4}, {});
  return b;
}

std::string error_text(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace

TEST_CASE("bundle: lists entries sorted with dtype and shape, reads every dtype") {
  TempDir dir;
  sample_bundle().write(dir / "model");
  CheckpointReader r(dir / "model");
  CHECK(r.num_shards() == 1);
  CHECK(r.prefix() == dir / "model");
  std::vector<std::string> names;
  for (const auto& e : r.entries()) names.push_back(e.name);
  CHECK(names == std::vector<std::string>{"counts", "dense/bias", "dense/kernel", "empty", "global_step",
                                          "half", "is_training"});
  CHECK(r.entry("dense/kernel").dtype == DType::Float);
  CHECK(r.entry("dense/kernel").shape == Shape{2, 3});
  CHECK(r.entry("global_step").shape == Shape{});
  CHECK(r.has("dense/bias"));
  CHECK_FALSE(r.has("dense"));
  CHECK_FALSE(r.has(""));
  CHECK_THROWS_WITH_AS(r.entry("nope"), doctest::Contains("no tensor 'nope'"), Error);
  CHECK_THROWS_WITH_AS(r.read("nope"), doctest::Contains("no tensor 'nope'"), Error);
  CHECK_THROWS_AS(r.read(""), Error);

  const Tensor k = r.read("dense/kernel");
  CHECK(k.shape() == Shape{2, 3});
  CHECK(std::vector<float>(k.values<float>().begin(), k.values<float>().end()) ==
        std::vector<float>{1.5f, -2.f, 0.f, 3.25f, 1e-3f, -0.f});
  CHECK(std::signbit(k.values<float>()[5]));
  CHECK(r.read("global_step").values<int64_t>()[0] == 1999);
  CHECK(r.read("counts").to_int64_vector() == std::vector<int64_t>{-1, 2, -3, 4});
  const Tensor h = r.read("half");
  CHECK(h.dtype() == DType::Half);
  CHECK(h.as_double(0) == 1.0);
  CHECK(h.as_double(1) == -2.0);
  const Tensor b = r.read("is_training");
  CHECK(b.values<bool>()[0] == true);
  CHECK(b.values<bool>()[1] == false);
  const Tensor e = r.read("empty");
  CHECK(e.shape() == Shape{0, 4});
  CHECK(e.num_elements() == 0);
}

TEST_CASE("bundle: string tensors in TensorFlow's layout") {
  TempDir dir;
  BundleBuilder b;
  const std::string with_nul("a\0b", 3);
  b.add_strings("vocab", {2, 2}, {"", "hello", with_nul, std::string(300, 'x')});
  b.add_strings("name", {}, {"model"});
  b.add_strings("none", {0}, {});
  b.write(dir / "s");
  CheckpointReader r(dir / "s");
  const Tensor v = r.read("vocab");
  CHECK(v.dtype() == DType::String);
  CHECK(v.shape() == Shape{2, 2});
  CHECK(v.strings() == std::vector<std::string>{"", "hello", with_nul, std::string(300, 'x')});
  CHECK(r.read("name").strings() == std::vector<std::string>{"model"});
  CHECK(r.read("none").num_elements() == 0);

  // A corrupt length checksum and a corrupt string byte are both caught.
  // Lengths 0,5,3,300 take 5 varint bytes; the next 4 are the lengths' CRC.
  b.data()[static_cast<std::size_t>(b.entries()["vocab"].offset()) + 6] ^= 1;
  b.write(dir / "s2");
  CHECK_THROWS_WITH_AS(CheckpointReader(dir / "s2").read("vocab"), doctest::Contains("string lengths"), Error);
  BundleBuilder c;
  c.add_strings("vocab", {2}, {"abc", "de"});
  c.data()[c.data().size() - 1] ^= 1;
  c.write(dir / "s3");
  CHECK_THROWS_WITH_AS(CheckpointReader(dir / "s3").read("vocab"), doctest::Contains("tensor 'vocab'"), Error);
}

TEST_CASE("bundle: several shards opened lazily; a missing shard names its file") {
  TempDir dir;
  BundleBuilder b(2);
  b.add<float>("a", tensorflow::DT_FLOAT, {2}, {1.f, 2.f}, 0);
  b.add<float>("b", tensorflow::DT_FLOAT, {1}, {3.f}, 1);
  b.write(dir / "sharded");
  {
    CheckpointReader r(dir / "sharded");
    CHECK(r.num_shards() == 2);
    CHECK(r.read("b").values<float>()[0] == 3.f);
  }
  fs::remove(dir / "sharded.data-00001-of-00002");
  CheckpointReader r(dir / "sharded");  // opening needs only the .index
  CHECK(r.read("a").values<float>()[1] == 2.f);
  const std::string msg = error_text([&] { r.read("b"); });
  CHECK(msg.find("sharded.data-00001-of-00002") != std::string::npos);
  CHECK(msg.find("not found") != std::string::npos);
  CHECK(msg.find("tensor 'b'") != std::string::npos);
}

TEST_CASE("bundle: partitioned variables are reassembled from their slices") {
  TempDir dir;
  BundleBuilder b(2);
  // [4,3] split by rows into [0,1) and [1,4), each taking all columns.
  b.add_float_slice("emb", {4, 3}, {{0, 1}, {0, SliceExtent::kFull}}, {0, 1, 2}, 0);
  b.add_float_slice("emb", {4, 3}, {{1, 3}, {0, SliceExtent::kFull}}, {3, 4, 5, 6, 7, 8, 9, 10, 11}, 1);
  // [2,4] split in both dimensions into four 1x2 blocks.
  b.add_float_slice("grid", {2, 4}, {{0, 1}, {0, 2}}, {0, 1}, 0);
  b.add_float_slice("grid", {2, 4}, {{0, 1}, {2, 2}}, {2, 3}, 1);
  b.add_float_slice("grid", {2, 4}, {{1, 1}, {0, 2}}, {4, 5}, 0);
  b.add_float_slice("grid", {2, 4}, {{1, 1}, {2, 2}}, {6, 7}, 1);
  b.add<float>("plain", tensorflow::DT_FLOAT, {1}, {42.f});
  b.write(dir / "part");

  CheckpointReader r(dir / "part");
  REQUIRE(r.entries().size() == 3);  // slice entries are not listed
  CHECK(r.entries()[0].name == "emb");
  CHECK(r.entries()[0].num_slices == 2);
  CHECK(r.entries()[0].shape == Shape{4, 3});
  CHECK(r.entries()[1].num_slices == 4);
  CHECK(r.entries()[2].num_slices == 0);
  auto as_vec = [](const Tensor& t) { return std::vector<float>(t.values<float>().begin(), t.values<float>().end()); };
  CHECK(as_vec(r.read("emb")) == std::vector<float>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11});
  CHECK(as_vec(r.read("grid")) == std::vector<float>{0, 1, 2, 3, 4, 5, 6, 7});
  CHECK(r.read("grid").shape() == Shape{2, 4});

  SUBCASE("a slice the entry lists but the index lacks") {
    BundleBuilder c = b;
    c.entries().erase(encode_slice_key("grid", {{1, 1}, {2, 2}}));
    c.write(dir / "part2");
    CHECK_THROWS_WITH_AS(CheckpointReader(dir / "part2").read("grid"), doctest::Contains("tensor 'grid'"), Error);
  }
  SUBCASE("slices that do not cover the tensor") {
    BundleBuilder c;
    c.add_float_slice("half", {2, 2}, {{0, 1}, {0, SliceExtent::kFull}}, {1, 2});
    c.add_float_slice("half", {2, 2}, {{0, 1}, {0, 2}}, {1, 2});  // overlaps, row 1 missing
    c.write(dir / "part3");
    CHECK_THROWS_WITH_AS(CheckpointReader(dir / "part3").read("half"), doctest::Contains("do not cover"), Error);
    BundleBuilder d;
    d.add_float_slice("half", {2, 2}, {{0, 1}, {0, SliceExtent::kFull}}, {1, 2});
    d.write(dir / "part5");
    CHECK_THROWS_WITH_AS(CheckpointReader(dir / "part5").read("half"), doctest::Contains("2 of the 4 elements"), Error);
  }
  SUBCASE("a slice outside the full shape is refused at open") {
    BundleBuilder c;
    c.add_float_slice("w", {2, 2}, {{1, 2}, {0, SliceExtent::kFull}}, {1, 2, 3, 4});
    c.write(dir / "part4");
    CHECK_THROWS_WITH_AS(CheckpointReader(dir / "part4"), doctest::Contains("outside dimension 0"), Error);
  }
}

TEST_CASE("bundle: corrupt data and entries give errors naming the tensor and file") {
  TempDir dir;
  BundleBuilder b = sample_bundle();
  b.data()[static_cast<std::size_t>(b.entries()["dense/kernel"].offset()) + 5] ^= 0x10;
  b.write(dir / "bad");
  CheckpointReader r(dir / "bad");
  const std::string msg = error_text([&] { r.read("dense/kernel"); });
  CHECK(msg.find("tensor 'dense/kernel'") != std::string::npos);
  CHECK(msg.find("CRC32C checksum mismatch") != std::string::npos);
  CHECK(msg.find("bad.data-00000-of-00001") != std::string::npos);
  CHECK(r.read("dense/bias").num_elements() == 3);  // other tensors still read

  SUBCASE("stored size disagrees with dtype x shape") {
    BundleBuilder c = sample_bundle();
    c.entries()["dense/bias"].set_size(8);
    c.write(dir / "size");
    CHECK_THROWS_WITH_AS(CheckpointReader(dir / "size").read("dense/bias"), doctest::Contains("does not match"), Error);
  }
  SUBCASE("data file shorter than an entry needs") {
    BundleBuilder c = sample_bundle();
    c.write(dir / "short");
    fs::resize_file(dir / "short.data-00000-of-00001", 10);
    CheckpointReader s(dir / "short");
    CHECK_THROWS_WITH_AS(s.read("is_training"), doctest::Contains("past the end"), Error);
  }
  SUBCASE("huge claimed shape is refused before allocating") {
    BundleBuilder c = sample_bundle();
    auto& e = c.entries()["dense/bias"];
    e.mutable_shape()->mutable_dim(0)->set_size(int64_t{1} << 40);
    c.write(dir / "huge");
    CHECK_THROWS_AS(CheckpointReader(dir / "huge").read("dense/bias"), Error);
  }
  SUBCASE("shard id outside the header's count") {
    BundleBuilder c = sample_bundle();
    c.entries()["dense/bias"].set_shard_id(3);
    c.write(dir / "shard");
    CHECK_THROWS_WITH_AS(CheckpointReader(dir / "shard").read("dense/bias"), doctest::Contains("shard id 3"), Error);
  }
  SUBCASE("big-endian bundles are refused") {
    write_file(dir / "be.index", sample_bundle().index_bytes({}, /*big_endian=*/true));
    CHECK_THROWS_WITH_AS(CheckpointReader(dir / "be"), doctest::Contains("big-endian"), Error);
  }
  SUBCASE("an entry that does not parse") {
    BundleBuilder c = sample_bundle();
    std::vector<std::pair<std::string, std::string>> kvs{{"", ""}, {"x", "\xff\xff\xff"}};
    write_file(dir / "junk.index", frost::testing::build_table(kvs));
    CHECK_THROWS_WITH_AS(CheckpointReader(dir / "junk"), doctest::Contains("junk.index"), Error);
  }
  SUBCASE("an index without a header") {
    write_file(dir / "nohdr.index", frost::testing::build_table({{"a", ""}}));
    CHECK_THROWS_WITH_AS(CheckpointReader(dir / "nohdr"), doctest::Contains("header"), Error);
  }
  SUBCASE("snappy-compressed index blocks read like plain ones") {
    write_file(dir / "snappy.index", sample_bundle().index_bytes({.snappy = true}));
    fs::copy_file(dir / "bad.data-00000-of-00001", dir / "snappy.data-00000-of-00001");
    CHECK(CheckpointReader(dir / "snappy").read("global_step").values<int64_t>()[0] == 1999);
  }
}

TEST_CASE("bundle: prefix resolution from files, directories and state files") {
  TempDir dir;
  fs::create_directories(dir / "run");
  sample_bundle().write(dir / "run/model.ckpt-10");
  const std::string prefix = dir / "run/model.ckpt-10";

  CHECK(resolve_checkpoint_prefix(prefix) == prefix);
  CHECK(resolve_checkpoint_prefix(prefix + ".index") == prefix);
  CHECK(resolve_checkpoint_prefix(prefix + ".data-00000-of-00001") == prefix);
  // A directory with one .index and no state file.
  CHECK(resolve_checkpoint_prefix(dir / "run") == prefix);

  // The state file, relative path.
  write_file(dir / "run/checkpoint",
             "model_checkpoint_path: \"model.ckpt-10\"\nall_model_checkpoint_paths: \"model.ckpt-10\"\n");
  CHECK(resolve_checkpoint_prefix(dir / "run") == prefix);
  CHECK(resolve_checkpoint_prefix(dir / "run/checkpoint") == prefix);
  CHECK(CheckpointReader(dir / "run").read("global_step").values<int64_t>()[0] == 1999);

  // Absolute path from the machine that trained it: basename in the directory.
  write_file(dir / "run/checkpoint", "model_checkpoint_path: \"/home/someone/train/model.ckpt-10\"\n");
  CHECK(resolve_checkpoint_prefix(dir / "run") == prefix);
  write_file(dir / "run/checkpoint", "model_checkpoint_path: \"C:\\\\train\\\\model.ckpt-10\"\n");
  CHECK(resolve_checkpoint_prefix(dir / "run") == prefix);

  // The corpus convention: NAME.checkpoint is the state file of prefix NAME.
  sample_bundle().write(dir / "flat_ckpt");
  write_file(dir / "flat_ckpt.checkpoint", "model_checkpoint_path: \"/elsewhere/model.ckpt-7\"\n");
  CHECK(resolve_checkpoint_prefix(dir / "flat_ckpt.checkpoint") == dir / "flat_ckpt");

  // Nothing resolves: the error lists what was tried.
  write_file(dir / "run/checkpoint", "model_checkpoint_path: \"gone\"\n");
  const std::string msg = error_text([&] { resolve_checkpoint_prefix(dir / "run"); });
  CHECK(msg.find("gone.index") != std::string::npos);
  CHECK_THROWS_AS(resolve_checkpoint_prefix(dir / "missing"), Error);
  write_file(dir / "run/checkpoint", "this is { not a state file");
  CHECK_THROWS_WITH_AS(resolve_checkpoint_prefix(dir / "run"), doctest::Contains("CheckpointState"), Error);
}
